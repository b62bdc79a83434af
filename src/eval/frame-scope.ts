// An EvalScope for a live frame: locals, then the unit's statics, then globals, located by core's DWARF evaluation.
import { DwarfExpressionError, type Piece } from '../dwarf/expr.js';
import type { Die } from '../dwarf/die.js';
import type { Unit } from '../dwarf/unit.js';
import type { Program } from '../symbols/program.js';
import { locationOf, type Variable } from '../symbols/functions.js';
import type { DwarfTypes } from '../symbols/types-dwarf.js';
import type { ArrayBound, Type } from '../symbols/types.js';
import { StaticScope } from './static-scope.js';
import { UserError } from '../util/errors.js';
import { concreteType } from './vla.js';
import { ValueHistory } from './history.js';
import { valueFromPieces } from './pieces.js';
import { Value, valueSize, bigIntToBytes, unpackLong, type ReadMemory, type WriteMemory } from './value.js';
import type { EvalScope, FunctionSymbol } from './scope.js';

/** What core supplies about the selected frame. */
export interface FrameAccess {
  /** The frame's pc (for a caller frame: the return address minus one, as gdb looks up blocks). */
  pc: bigint;
  /** Inlined calls at pc inner to this frame (an inline frame's caller looks its names up past them). */
  inlineDepth?: number;
  readMemory: ReadMemory;
  writeMemory?: WriteMemory;
  /** A 64-bit register by name (rax, rip, eflags, fs_base...), unwound to this frame. */
  readRegister(name: string): Promise<bigint | undefined>;
  writeRegister?(name: string, value: bigint): Promise<void>;
  /** True for a register the target has but cannot give the value of (printed <unavailable>). */
  registerUnavailable?(name: string): boolean;
  /** Raw bytes of DWARF register `reg` in this frame (8 for general registers, 16 for xmm). */
  readDwarfRegister(reg: number): Promise<Uint8Array>;
  /** Evaluate a variable's location here (location lists at pc, DW_OP_fbreg, DW_OP_call_frame_cfa...). */
  locate(v: Variable): Promise<Piece[]>;
  /** Evaluate a DWARF expression of `unit` here (VLA bounds given as expressions). */
  evaluateExpression?(expr: Uint8Array, unit: Unit): Promise<Piece[]>;
  /**
   * gdb's read_variable_at_entry: parameter `v` as it arrived (`size` bytes; none: optimized out there), or
   * why it cannot be known.
   */
  entryValue?(v: Variable, size: number): Promise<{ bytes?: Uint8Array } | { error: string }>;
  /** gdb's $fp (the frame base). */
  frameBase?(): Promise<bigint | undefined>;
  /** "main", "demo+88" for an address in any loaded image (the program's own symbols when absent). */
  symbolize?(addr: bigint, linkage?: boolean): string | undefined;
}

/** A nameless variable for a DIE that is not in any scope list (a VLA bound's variable, an implicit pointer's object). */
function dieVariable(die: Die): Variable {
  return { name: '', kind: 'local', ...(die.type !== undefined ? { typeOffset: die.type } : {}), location: locationOf(die), external: false, dieOffset: die.offset, unit: die.unit };
}

export class FrameScope implements EvalScope {
  private readonly statics: StaticScope;
  readonly readMemory: ReadMemory;
  readonly writeMemory?: WriteMemory;

  /**
   * `others`: the scopes of the process's other images (main program, then the shared libraries in load order):
   * gdb looks a name up in the frame's own image first, then in every other one (`print environ`, `print malloc`).
   */
  constructor(readonly program: Program, private readonly frame: FrameAccess, readonly history = new ValueHistory(), types?: DwarfTypes,
    private readonly others: () => Iterable<StaticScope> = () => []) {
    this.statics = new StaticScope(program, history, types ? { types } : {});
    this.readMemory = frame.readMemory;
    if (frame.writeMemory) this.writeMemory = frame.writeMemory;
  }

  /** The pc blocks are looked up at (a caller's: the call, pc-1). */
  get pc(): bigint {
    return this.frame.pc;
  }

  /** Inlined calls at pc inner to this frame (0 for the innermost frame of a real frame). */
  get inlineDepth(): number {
    return this.frame.inlineDepth ?? 0;
  }

  get types(): DwarfTypes {
    return this.statics.types;
  }

  /** The variables of this frame's blocks (innermost block first, shadowed ones too): no statics, no globals. */
  frameVariables(): Variable[] {
    return this.program.frameVariables(this.frame.pc, this.inlineDepth);
  }

  seesHere(name: string): boolean {
    return this.program.variableInScope(this.frame.pc, this.inlineDepth, name) !== undefined;
  }

  async lookupVariable(name: string, avoidSideEffects = false): Promise<Value | undefined> {
    const v = this.program.variableInScope(this.frame.pc, this.inlineDepth, name);
    if (v) return this.valueOf(v, avoidSideEffects);
    // A definition anywhere wins over an extern declaration here (`extern char **environ;` in the program).
    return this.statics.lookupDefinedVariable(name) ?? this.inOthers((s) => s.lookupDefinedVariable(name)) ?? (await this.computedGlobal(name))
      ?? this.unresolved(name) ?? this.statics.lookupVariable(name) ?? this.inOthers((s) => s.lookupVariable(name));
  }

  /** A global located by its expression in this process (a thread-local variable such as libc's errno), as gdb. */
  private async computedGlobal(name: string): Promise<Value | undefined> {
    const c = this.statics.computedGlobal(name) ?? this.inOthers((s) => s.computedGlobal(name));
    if (!c) return undefined;
    const pieces = await this.frame.locate(c.variable);
    return valueFromPieces(c.type, pieces, { readMemory: this.frame.readMemory, readRegister: (r) => this.frame.readDwarfRegister(r) });
  }

  /**
   * gdb's LOC_UNRESOLVED: a declaration somewhere gives the type, the first image with a data symbol of that name the
   * address (libc's `environ` is an alias of __environ: its DWARF knows only the declaration from unistd.h).
   */
  private unresolved(name: string): Value | undefined {
    const type = this.statics.declaredType(name) ?? this.inOthers((s) => s.declaredType(name));
    if (!type) return undefined;
    const address = this.statics.dataSymbol(name) ?? this.inOthers((s) => s.dataSymbol(name));
    return address === undefined ? undefined : Value.at(type, address);
  }

  /** The first answer of another image's scope (they are asked only when the frame's own image has none). */
  private inOthers<T>(ask: (s: StaticScope) => T | undefined): T | undefined {
    for (const s of this.others()) {
      const got = ask(s);
      if (got !== undefined) return got;
    }
    return undefined;
  }

  /** The value of a variable of this frame (or a global), read through the frame. */
  async valueOf(v: Variable, avoidSideEffects = false): Promise<Value> {
    // A VLA's type is sized here, in its frame, so info locals and bt full print its elements as gdb does.
    const type: Type = await concreteType(this.types.typeAt(v.typeOffset), (b) => this.resolveBound(b));
    if (v.location.kind === 'optimizedOut') return Value.optimizedOut(type);
    if (v.location.kind === 'const') {
      const c = v.location.value;
      const size = valueSize(type, 8);
      if (c.kind === 'block') return Value.fromBytes(type, Uint8Array.from(c.value.subarray(0, size)));
      if (c.kind === 'unsigned' || c.kind === 'signed') return Value.fromBytes(type, bigIntToBytes(BigInt(c.value), size));
      return Value.optimizedOut(type);
    }
    let pieces: Piece[];
    try {
      pieces = await this.frame.locate(v);
    } catch (e) {
      // gdb evaluates no location under EVAL_AVOID_SIDE_EFFECTS: sizeof and ptype of such a variable still answer.
      if (avoidSideEffects && e instanceof DwarfExpressionError) return Value.fromBytes(type, new Uint8Array(valueSize(type, 8)));
      throw e;
    }
    return valueFromPieces(type, pieces, { readMemory: this.frame.readMemory, readRegister: (r) => this.frame.readDwarfRegister(r) });
  }

  async implicitPointerTarget(dieOffset: number, offset: bigint, type: Type): Promise<Value> {
    const die = this.program.dwarf.dieAt(dieOffset);
    const whole = await this.valueOf(dieVariable(die));
    if (whole.address !== undefined) return Value.at(type, whole.address + offset);
    await whole.fetch(this.readMemory);
    const size = valueSize(type);
    if (offset < 0n || Number(offset) + size > whole.bytes.length) return Value.optimizedOut(type);
    return whole.component(type, Number(offset), size);
  }

  /** gdb's `NAME@entry`: the value parameter NAME of this frame's function had when it was called. */
  async entryValue(name: string): Promise<Value> {
    const v = this.program.variableInScope(this.frame.pc, 0, name);
    if (!v || v.kind !== 'param' || v.location.kind === 'const' || v.location.kind === 'optimizedOut' || !this.frame.entryValue) {
      throw new UserError(`@entry can be used only for function parameters, not for "${name}"`);
    }
    const type = this.types.typeAt(v.typeOffset);
    const r = await this.frame.entryValue(v, valueSize(type, 8));
    if ('error' in r) throw new UserError(r.error);
    return r.bytes ? Value.fromBytes(type, r.bytes) : Value.optimizedOut(type);
  }

  lookupFunction(name: string): FunctionSymbol | undefined {
    return this.statics.lookupFunction(name) ?? this.inOthers((s) => s.lookupFunction(name));
  }

  symbolize(addr: bigint, linkage = false): string | undefined {
    return this.frame.symbolize ? this.frame.symbolize(addr, linkage) : this.statics.symbolize(addr, linkage);
  }

  lookupTypedef(name: string): Type | undefined {
    return this.statics.lookupTypedef(name) ?? this.inOthers((s) => s.lookupTypedef(name));
  }

  lookupTag(kind: 'struct' | 'union' | 'enum', name: string): Type | undefined {
    return this.statics.lookupTag(kind, name) ?? this.inOthers((s) => s.lookupTag(kind, name));
  }

  readRegister(name: string): Promise<bigint | undefined> {
    return this.frame.readRegister(name);
  }

  registerUnavailable(name: string): boolean {
    return this.frame.registerUnavailable?.(name) ?? false;
  }

  async writeRegister(name: string, value: bigint): Promise<void> {
    if (!this.frame.writeRegister) throw new Error('registers are read-only here');
    await this.frame.writeRegister(name, value);
  }

  frameBase(): Promise<bigint | undefined> {
    return this.frame.frameBase?.() ?? Promise.resolve(undefined);
  }

  /** A VLA bound's DWARF value (upper bound or count) in this frame. */
  async resolveBound(bound: ArrayBound): Promise<bigint | undefined> {
    if (bound.kind !== 'dynamic') return undefined;
    if (bound.variableDie !== undefined) {
      const die = this.program.dwarf.dieAt(bound.variableDie);
      const value = await this.valueOf(dieVariable(die));
      await value.fetch(this.frame.readMemory);
      return unpackLong(value);
    }
    if (bound.expr && this.frame.evaluateExpression && bound.unitOffset !== undefined) {
      const unit = this.program.dwarf.unitAt(bound.unitOffset);
      if (!unit) return undefined;
      const pieces = await this.frame.evaluateExpression(bound.expr, unit);
      const p = pieces[0];
      if (p?.kind === 'value') return p.value;
      // An exprloc bound's value is the expression's result (gdb's dwarf2_evaluate_property): gcc's
      // `DW_OP_fbreg -40; DW_OP_deref` already loads the bound, so the "address" is the value itself.
      if (p?.kind === 'memory') return p.address;
      if (p?.kind === 'register') return unpackLong(Value.fromBytes({ kind: 'int', name: 'long', size: 8, signed: true }, (await this.frame.readDwarfRegister(p.reg)).subarray(0, 8)));
    }
    return undefined;
  }
}
