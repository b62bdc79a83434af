// Resumable DWARF location-expression evaluator (like gimli's op.rs): returns a result or a request for data.
import { ByteReader } from '../util/byte-reader.js';
import { DW_OP, decodeOp, type DecodedOp, type OpEncoding } from './expr-ops.js';
import { FormatError, UserError } from '../util/errors.js';
import { entryValueRegister, floatBits, floatValue, memValue } from './expr-values.js';

export { DW_OP, decodeExpression, formatExpression, opName, type DecodedOp, type OpEncoding } from './expr-ops.js';

/**
 * A location expression that cannot be evaluated (corrupt or unsupported). Still a FormatError for the readers
 * that skip what is malformed, but it spoils only the one object it describes, not the program file: commands
 * report it as an ordinary one-line error and a batch session goes on, as gdb's "DWARF-2 expression error".
 */
export class DwarfExpressionError extends FormatError {
  override name = 'DwarfExpressionError';
}

/** gdb's name for the operation that left `pending` (dwarf_expr_require_composition), in its error message. */
function composingOpName(loc: Location): string {
  switch (loc.kind) {
    case 'register': return 'DW_OP_reg';
    case 'implicit': return 'DW_OP_implicit_value';
    case 'value': return 'DW_OP_stack_value';
    case 'implicit-pointer': return 'DW_OP_implicit_pointer';
    default: return loc.kind;
  }
}

/** Where (part of) an object lives, or what its value is. */
export type Location =
  | { kind: 'memory'; address: bigint }
  | { kind: 'register'; reg: number }
  /** DW_OP_stack_value; `size`: the byte size of its type (the base type's when typed, else the address size). */
  | { kind: 'value'; value: bigint; size?: number }
  | { kind: 'implicit'; bytes: Uint8Array }
  /** DW_OP_implicit_pointer: a pointer (that no longer exists) to `offset` bytes into the object of DIE `dieOffset` (.debug_info offset). */
  | { kind: 'implicit-pointer'; dieOffset: number; offset: bigint }
  | { kind: 'optimized-out'; reason?: 'empty' | 'entry-value' | 'parameter-ref' | 'variable-value' };

/** One piece of an object. `sizeBits` is absent when the expression has no DW_OP_piece (the whole object). */
export type Piece = Location & { sizeBits?: number; bitOffset?: number };

/** Answer about a DWARF base type (for DW_OP_convert and friends). */
export interface BaseTypeInfo {
  size: number;
  signed: boolean;
  /** DW_ATE_float: typed arithmetic on it is IEEE arithmetic (gcc writes `x * y` of doubles as DW_OP_mul of typed values). */
  float?: boolean;
}

export interface ExprOptions extends OpEncoding {
  /** Values pushed before the first operation (CFI expressions start with the CFA). */
  initialStack?: bigint[];
  /** Name used in errors. */
  section?: string;
  maxSteps?: number;
  maxStack?: number;
  /**
   * Load bias of the image (0 by default): added to DW_OP_addr and DW_OP_addrx (not to DW_OP_constx). Handlers
   * answer need-addrx with the entry as written.
   */
  loadBias?: bigint;
  /** Looks up the base type at a unit-relative DIE offset; without it typed operations act on generic values. */
  baseType?: (unitOffset: number) => BaseTypeInfo | undefined;
}

export type ExprRequest =
  | { kind: 'need-register'; reg: number; resume(value: bigint): ExprStep }
  /** `size` bytes at `address`; resume with the bytes or their little-endian value. */
  | { kind: 'need-memory'; address: bigint; size: number; resume(value: bigint | Uint8Array): ExprStep }
  | { kind: 'need-frame-base'; resume(value: bigint): ExprStep }
  | { kind: 'need-cfa'; resume(value: bigint): ExprStep }
  /** Address of thread-local `offset` (DW_OP_form_tls_address). */
  | { kind: 'need-tls'; offset: bigint; resume(address: bigint): ExprStep }
  | { kind: 'need-object-address'; resume(address: bigint): ExprStep }
  /** Entry `index` of .debug_addr (relative to the unit's DW_AT_addr_base); `constant` for DW_OP_constx. */
  | { kind: 'need-addrx'; index: number; constant: boolean; resume(value: bigint): ExprStep }
  /** DW_OP_call2/4 (unit-relative) or call_ref (section offset): resume with the callee's DW_AT_location bytes. */
  | { kind: 'need-call'; dieOffset: number; unitRelative: boolean; resume(expr: Uint8Array | undefined): ExprStep }
  /**
   * DW_OP_entry_value of a register (`derefSize` absent) or of the memory it pointed to (DW_OP_bregN 0;
   * DW_OP_deref_size): the value the caller passed, from its call site. Resume with undefined when it cannot be
   * known: the whole object is then optimized out, as gdb's NO_ENTRY_VALUE_ERROR makes it.
   */
  | { kind: 'need-entry-value'; reg: number; derefSize?: number; resume(value: bigint | undefined): ExprStep };

export type ExprStep = { kind: 'complete'; pieces: Piece[] } | ExprRequest;

const DEFAULT_MAX_STEPS = 100_000;
const DEFAULT_MAX_STACK = 1_000;
const MAX_CALL_DEPTH = 64;

/** Starts evaluating `bytes`; returns the result or the first request (each request carries its resume()). */
export function evaluate(bytes: Uint8Array, options: ExprOptions): ExprStep {
  return new Evaluation(bytes, options).run();
}

interface Frame {
  reader: ByteReader;
  base: number;
}

function toSigned(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/** The machine behind evaluate(): one per expression evaluation. */
class Evaluation {
  private readonly stack: bigint[] = [];
  /** The base type of each stack entry (DWARF 5 typed stack), undefined for generic values. */
  private readonly types: (BaseTypeInfo | undefined)[] = [];
  private readonly pieces: Piece[] = [];
  private readonly frames: Frame[];
  private readonly bits: number;
  private readonly mask: bigint;
  private readonly section: string;
  private pending: Location | undefined;
  /** After DW_OP_GNU_parameter_ref and friends: the rest of this piece is skipped, it is optimized out. */
  private skipping = false;
  /** An entry value could not be found: the whole object is optimized out. */
  private lost = false;
  private steps = 0;
  private waiting = false;

  constructor(bytes: Uint8Array, private readonly opts: ExprOptions) {
    if (opts.addressSize !== 4 && opts.addressSize !== 8 && opts.addressSize !== 2) {
      throw new DwarfExpressionError(`unsupported address size ${opts.addressSize} in DWARF expression`);
    }
    this.section = opts.section ?? 'DWARF expression';
    this.frames = [{ reader: new ByteReader(bytes, this.section), base: 0 }];
    this.bits = opts.addressSize * 8;
    this.mask = (1n << BigInt(this.bits)) - 1n;
    for (const v of opts.initialStack ?? []) this.push(v);
  }

  private fail(message: string, offset?: number): never {
    throw new DwarfExpressionError(message, { section: this.section, offset });
  }

  private push(v: bigint, type?: BaseTypeInfo): void {
    if (this.stack.length >= (this.opts.maxStack ?? DEFAULT_MAX_STACK)) this.fail('DWARF expression stack overflow');
    this.stack.push(v & this.mask);
    this.types.length = this.stack.length - 1;
    this.types.push(type);
  }

  private pop(at: DecodedOp): bigint {
    const v = this.stack.pop();
    if (v === undefined) this.fail(`${at.name}: DWARF expression stack underflow`, at.offset);
    this.types.length = this.stack.length;
    return v;
  }

  /** The base type of the entry `depth` below the top (undefined: generic). */
  private typeAt(depth = 0): BaseTypeInfo | undefined {
    return this.types[this.stack.length - 1 - depth];
  }

  private top(at: DecodedOp, depth = 0): bigint {
    const v = this.stack[this.stack.length - 1 - depth];
    if (v === undefined) this.fail(`${at.name}: DWARF expression stack underflow`, at.offset);
    return v;
  }

  private signed(v: bigint): bigint {
    return toSigned(v, this.bits);
  }

  /** Builds a request whose resume() feeds the answer to `cont` and continues. */
  private ask<K extends ExprRequest['kind'], V>(
    fields: Omit<Extract<ExprRequest, { kind: K }>, 'resume'> & { kind: K },
    cont: (v: V) => void,
  ): ExprRequest {
    this.waiting = true;
    const resume = (v: V): ExprStep => {
      if (!this.waiting) throw new Error('DWARF expression request resumed twice');
      this.waiting = false;
      cont(v);
      return this.run();
    };
    return { ...fields, resume } as unknown as ExprRequest;
  }

  run(): ExprStep {
    if (this.waiting) throw new Error('DWARF expression is waiting for an answer');
    const maxSteps = this.opts.maxSteps ?? DEFAULT_MAX_STEPS;
    for (;;) {
      if (this.lost) return { kind: 'complete', pieces: [{ kind: 'optimized-out', reason: 'entry-value' }] };
      const frame = this.frames[this.frames.length - 1]!;
      if (frame.reader.atEnd()) {
        if (this.frames.length > 1) {
          this.frames.pop();
          continue;
        }
        return { kind: 'complete', pieces: this.finish() };
      }
      if (++this.steps > maxSteps) this.fail(`DWARF expression ran more than ${maxSteps} steps (a loop?)`, frame.reader.pos - frame.base);
      let d: DecodedOp;
      try {
        d = decodeOp(frame.reader, this.opts, frame.base);
      } catch (e) {
        // An operand running off the expression's end: still just this object's expression that is bad.
        if (e instanceof FormatError && !(e instanceof DwarfExpressionError)) throw new DwarfExpressionError(e.message);
        throw e;
      }
      if (this.skipping && d.op !== DW_OP.piece && d.op !== DW_OP.bit_piece) continue;
      if (this.pending && !this.skipping && !isPieceOrNop(d.op)) {
        // gdb's wording (its message names no offset).
        throw new DwarfExpressionError(`DWARF-2 expression error: \`${composingOpName(this.pending)}' operations must be used either alone or in conjunction with DW_OP_piece or DW_OP_bit_piece.`);
      }
      const req = this.exec(d, frame);
      if (req) return req;
    }
  }

  private finish(): Piece[] {
    if (this.pieces.length) return this.pieces;
    if (this.pending) return [this.pending];
    if (this.stack.length) return [{ kind: 'memory', address: this.stack[this.stack.length - 1]! }];
    return [{ kind: 'optimized-out', reason: 'empty' }];
  }

  private endPiece(d: DecodedOp, sizeBits: number, bitOffset: number | undefined): undefined {
    let loc: Location;
    if (this.pending) loc = this.pending;
    else if (this.stack.length) loc = { kind: 'memory', address: this.pop(d) };
    else loc = { kind: 'optimized-out', reason: 'empty' };
    const piece: Piece = { ...loc, sizeBits };
    if (bitOffset !== undefined) piece.bitOffset = bitOffset;
    this.pieces.push(piece);
    this.pending = undefined;
    this.skipping = false;
    return undefined;
  }

  private jump(frame: Frame, d: DecodedOp): undefined {
    const target = d.next + Number(d.args[0]!);
    const len = frame.reader.end - frame.base;
    if (target < 0 || target > len) this.fail(`${d.name} to ${target}, outside the expression`, d.offset);
    frame.reader.pos = frame.base + target;
    return undefined;
  }

  private typeSize(d: DecodedOp, typeOffset: bigint): BaseTypeInfo | undefined {
    if (typeOffset === 0n) return undefined;
    return this.opts.baseType?.(Number(typeOffset));
  }

  private fitToType(v: bigint, t: BaseTypeInfo | undefined): bigint {
    if (!t || t.size <= 0 || t.size >= 8) return v;
    const bits = t.size * 8;
    return t.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  }

  private binary(d: DecodedOp, f: (a: bigint, b: bigint) => bigint, ff?: (a: number, b: number) => number): undefined {
    const tb = this.typeAt(0);
    const ta = this.typeAt(1);
    const b = this.pop(d);
    const a = this.pop(d);
    const ft = ta?.float ? ta : tb?.float ? tb : undefined;
    if (ft && ff && (ft.size === 4 || ft.size === 8)) {
      this.push(floatBits(ff(floatValue(a, ft.size), floatValue(b, ft.size)), ft.size), ft);
      return undefined;
    }
    this.push(this.fitToType(f(a, b), ta ?? tb), ta ?? tb);
    return undefined;
  }

  private compare(d: DecodedOp, f: (a: bigint, b: bigint) => boolean): undefined {
    const b = this.pop(d);
    const a = this.pop(d);
    this.push(f(this.signed(a), this.signed(b)) ? 1n : 0n);
    return undefined;
  }

  /** Executes one operation; returns a request when it needs outside data. */
  private exec(d: DecodedOp, frame: Frame): ExprRequest | undefined {
    const op = d.op;
    const a0 = d.args[0] ?? 0n;
    if (op >= DW_OP.lit0 && op <= DW_OP.lit31) return void this.push(BigInt(op - DW_OP.lit0));
    if (op >= DW_OP.reg0 && op <= DW_OP.reg31) return void (this.pending = { kind: 'register', reg: op - DW_OP.reg0 });
    if (op >= DW_OP.breg0 && op <= DW_OP.breg31) {
      return this.ask({ kind: 'need-register', reg: op - DW_OP.breg0 }, (v: bigint) => this.push(v + a0));
    }
    switch (op) {
      case DW_OP.addr: return void this.push(a0 + (this.opts.loadBias ?? 0n));
      case DW_OP.const1u: case DW_OP.const1s: case DW_OP.const2u: case DW_OP.const2s:
      case DW_OP.const4u: case DW_OP.const4s: case DW_OP.const8u: case DW_OP.const8s: case DW_OP.constu:
      case DW_OP.consts:
        return void this.push(a0);
      case DW_OP.addrx: case DW_OP.constx: case DW_OP.GNU_addr_index: case DW_OP.GNU_const_index:
      {
        const constant = op === DW_OP.constx || op === DW_OP.GNU_const_index;
        return this.ask({ kind: 'need-addrx', index: Number(a0), constant }, (v: bigint) => this.push(constant ? v : v + (this.opts.loadBias ?? 0n)));
      }
      case DW_OP.dup: return void this.push(this.top(d), this.typeAt());
      case DW_OP.drop: return void this.pop(d);
      case DW_OP.over: return void this.push(this.top(d, 1), this.typeAt(1));
      case DW_OP.pick: return void this.push(this.top(d, Number(a0)), this.typeAt(Number(a0)));
      case DW_OP.swap: {
        const tb = this.typeAt(0), ta = this.typeAt(1);
        const b = this.pop(d), a = this.pop(d);
        this.push(b, tb);
        return void this.push(a, ta);
      }
      case DW_OP.rot: {
        const tc = this.typeAt(0), tb = this.typeAt(1), ta = this.typeAt(2);
        const c = this.pop(d), b = this.pop(d), a = this.pop(d);
        this.push(c, tc);
        this.push(a, ta);
        return void this.push(b, tb);
      }
      case DW_OP.deref: case DW_OP.deref_size: case DW_OP.deref_type: case DW_OP.GNU_deref_type: {
        const size = op === DW_OP.deref ? this.opts.addressSize : Number(a0);
        if (size < 1 || size > 8) this.fail(`${d.name} of ${size} bytes`, d.offset);
        const type = op === DW_OP.deref_type || op === DW_OP.GNU_deref_type ? this.typeSize(d, d.args[1]!) : undefined;
        const address = this.pop(d);
        return this.ask({ kind: 'need-memory', address, size }, (v: bigint | Uint8Array) => this.push(this.fitToType(memValue(v, size), type), type));
      }
      case DW_OP.xderef: case DW_OP.xderef_size: case DW_OP.xderef_type:
        return this.fail(`${d.name} (multiple address spaces) is not supported`, d.offset);
      case DW_OP.abs: {
        const v = this.signed(this.pop(d));
        return void this.push(v < 0n ? -v : v);
      }
      case DW_OP.and: return this.binary(d, (a, b) => a & b);
      case DW_OP.or: return this.binary(d, (a, b) => a | b);
      case DW_OP.xor: return this.binary(d, (a, b) => a ^ b);
      case DW_OP.plus: return this.binary(d, (a, b) => a + b, (a, b) => a + b);
      case DW_OP.minus: return this.binary(d, (a, b) => a - b, (a, b) => a - b);
      case DW_OP.mul: return this.binary(d, (a, b) => a * b, (a, b) => a * b);
      case DW_OP.div: case DW_OP.mod: {
        if (op === DW_OP.div && (this.typeAt(0)?.float || this.typeAt(1)?.float)) return this.binary(d, (a) => a, (a, b) => a / b);
        if (this.top(d) === 0n) this.fail(`${d.name}: division by zero`, d.offset);
        if (op === DW_OP.div) return this.binary(d, (a, b) => this.signed(a) / this.signed(b));
        return this.binary(d, (a, b) => a % b);
      }
      case DW_OP.neg: return void this.push(-this.signed(this.pop(d)));
      case DW_OP.not: return void this.push(~this.pop(d));
      case DW_OP.plus_uconst: return void this.push(this.pop(d) + a0);
      case DW_OP.shl: return this.binary(d, (a, b) => (b >= BigInt(this.bits) ? 0n : a << b));
      case DW_OP.shr: return this.binary(d, (a, b) => (b >= BigInt(this.bits) ? 0n : a >> b));
      case DW_OP.shra: return this.binary(d, (a, b) => this.signed(a) >> (b >= BigInt(this.bits) ? BigInt(this.bits - 1) : b));
      case DW_OP.eq: return this.compare(d, (a, b) => a === b);
      case DW_OP.ne: return this.compare(d, (a, b) => a !== b);
      case DW_OP.ge: return this.compare(d, (a, b) => a >= b);
      case DW_OP.gt: return this.compare(d, (a, b) => a > b);
      case DW_OP.le: return this.compare(d, (a, b) => a <= b);
      case DW_OP.lt: return this.compare(d, (a, b) => a < b);
      case DW_OP.skip: return this.jump(frame, d);
      case DW_OP.bra: return this.pop(d) !== 0n ? this.jump(frame, d) : undefined;
      case DW_OP.regx: return void (this.pending = { kind: 'register', reg: Number(a0) });
      case DW_OP.bregx: return this.ask({ kind: 'need-register', reg: Number(a0) }, (v: bigint) => this.push(v + d.args[1]!));
      case DW_OP.regval_type: case DW_OP.GNU_regval_type: {
        const type = this.typeSize(d, d.args[1]!);
        return this.ask({ kind: 'need-register', reg: Number(a0) }, (v: bigint) => this.push(this.fitToType(v, type), type));
      }
      case DW_OP.fbreg: return this.ask({ kind: 'need-frame-base' }, (v: bigint) => this.push(v + a0));
      case DW_OP.call_frame_cfa: return this.ask({ kind: 'need-cfa' }, (v: bigint) => this.push(v));
      case DW_OP.push_object_address: return this.ask({ kind: 'need-object-address' }, (v: bigint) => this.push(v));
      case DW_OP.form_tls_address: case DW_OP.GNU_push_tls_address:
        return this.ask({ kind: 'need-tls', offset: this.pop(d) }, (v: bigint) => this.push(v));
      case DW_OP.piece: return this.endPiece(d, Number(a0) * 8, undefined);
      case DW_OP.bit_piece: return this.endPiece(d, Number(a0), Number(d.args[1]!));
      case DW_OP.implicit_value: return void (this.pending = { kind: 'implicit', bytes: d.block! });
      case DW_OP.stack_value: {
        const size = this.typeAt()?.size || this.opts.addressSize;
        return void (this.pending = { kind: 'value', value: this.pop(d), size });
      }
      case DW_OP.implicit_pointer: case DW_OP.GNU_implicit_pointer:
        return void (this.pending = { kind: 'implicit-pointer', dieOffset: Number(a0), offset: d.args[1]! });
      case DW_OP.entry_value: case DW_OP.GNU_entry_value: {
        const what = entryValueRegister(d.block!);
        if (!what) return this.optimizedOut('entry-value');
        return this.ask({ kind: 'need-entry-value', ...what }, (v: bigint | undefined) => {
          if (v === undefined) this.lost = true;
          else this.push(v);
        });
      }
      case DW_OP.GNU_parameter_ref: return this.optimizedOut('parameter-ref');
      case DW_OP.GNU_variable_value: return this.optimizedOut('variable-value');
      case DW_OP.const_type: case DW_OP.GNU_const_type: {
        const b = d.block!;
        let v = 0n;
        for (let i = Math.min(b.length, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        const t = this.typeSize(d, a0);
        return void this.push(this.fitToType(v, t), t);
      }
      case DW_OP.convert: case DW_OP.GNU_convert: {
        // A value conversion: between integer and floating types the number is kept, not the bits.
        const from = this.typeAt();
        const to = this.typeSize(d, a0);
        const v = this.pop(d);
        const num = from?.float && (from.size === 4 || from.size === 8) ? floatValue(v, from.size) : undefined;
        if (to?.float && (to.size === 4 || to.size === 8)) {
          return void this.push(floatBits(num ?? Number(from?.signed === false ? v : this.signed(v)), to.size), to);
        }
        return void this.push(this.fitToType(num !== undefined ? BigInt(Math.trunc(num)) : v, to), to);
      }
      case DW_OP.reinterpret: case DW_OP.GNU_reinterpret: {
        const t = this.typeSize(d, a0);
        return void this.push(this.fitToType(this.pop(d), t), t);
      }
      case DW_OP.call2: case DW_OP.call4: case DW_OP.call_ref:
        return this.ask({ kind: 'need-call', dieOffset: Number(a0), unitRelative: op !== DW_OP.call_ref }, (e: Uint8Array | undefined) => {
          if (!e || !e.length) return;
          if (this.frames.length >= MAX_CALL_DEPTH) this.fail(`${d.name}: calls nested too deeply`, d.offset);
          this.frames.push({ reader: new ByteReader(e, this.section), base: 0 });
        });
      case DW_OP.nop: case DW_OP.GNU_uninit: return undefined;
      default: return this.fail(`${d.name} is not supported`, d.offset);
    }
  }

  /** The current piece cannot be known: skip to its end (the next piece operation, or the end). */
  private optimizedOut(reason: 'entry-value' | 'parameter-ref' | 'variable-value'): undefined {
    this.pending = { kind: 'optimized-out', reason };
    this.skipping = true;
    // Whatever this piece pushed so far is meaningless now.
    this.stack.length = 0;
    this.types.length = 0;
    return undefined;
  }
}

function isPieceOrNop(op: number): boolean {
  return op === DW_OP.piece || op === DW_OP.bit_piece || op === DW_OP.nop || op === DW_OP.GNU_uninit;
}

/** Answers for evaluateWith(); a missing handler makes an expression that needs it fail with a UserError. */
export interface ExprHandlers {
  readRegister(reg: number): Promise<bigint> | bigint;
  readMemory(address: bigint, size: number): Promise<Uint8Array | bigint> | Uint8Array | bigint;
  frameBase?(): Promise<bigint> | bigint;
  cfa?(): Promise<bigint> | bigint;
  tlsAddress?(offset: bigint): Promise<bigint> | bigint;
  objectAddress?(): Promise<bigint> | bigint;
  addrx?(index: number): Promise<bigint> | bigint;
  call?(dieOffset: number, unitRelative: boolean): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  /** The caller's value for DW_OP_entry_value (undefined: not known, the object is optimized out). */
  entryValue?(reg: number, derefSize: number | undefined): Promise<bigint | undefined> | bigint | undefined;
}

function missing(what: string): never {
  throw new UserError(`the location expression needs ${what}, which is not available here`);
}

/** Drives evaluate() to completion, answering its requests with `h`. */
export async function evaluateWith(bytes: Uint8Array, options: ExprOptions, h: ExprHandlers): Promise<Piece[]> {
  let step = evaluate(bytes, options);
  for (;;) {
    switch (step.kind) {
      case 'complete': return step.pieces;
      case 'need-register': step = step.resume(await h.readRegister(step.reg)); break;
      case 'need-memory': step = step.resume(await h.readMemory(step.address, step.size)); break;
      case 'need-frame-base': step = step.resume(await (h.frameBase ?? (() => missing('the frame base')))()); break;
      case 'need-cfa': step = step.resume(await (h.cfa ?? (() => missing('the CFA')))()); break;
      case 'need-tls': step = step.resume(await (h.tlsAddress ?? (() => missing('a thread-local storage address')))(step.offset)); break;
      case 'need-object-address': step = step.resume(await (h.objectAddress ?? (() => missing('the object address')))()); break;
      case 'need-addrx': step = step.resume(await (h.addrx ?? (() => missing('.debug_addr')))(step.index)); break;
      case 'need-call': step = step.resume(await (h.call ?? (() => missing('a DWARF procedure')))(step.dieOffset, step.unitRelative)); break;
      case 'need-entry-value': step = step.resume(h.entryValue ? await h.entryValue(step.reg, step.derefSize) : undefined); break;
    }
  }
}
