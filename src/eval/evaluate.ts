// The C expression evaluator: walks the AST against an EvalScope, lazily reading memory like gdb.
import { UserError } from '../util/errors.js';
import {
  builtin, nestedType, resolve, sizeOf, arrayOf, pointerTo, isIntegral, isSigned, type Type,
} from '../symbols/types.js';
import { Value, valueSize, unpackLong, bigIntToBytes, bytesToBigInt, statesFromBits, BYTE_OK, BYTE_OPTIMIZED_OUT, BYTE_UNAVAILABLE } from './value.js';
import { binop, unop, cast, coerceArray, isZero, ptrAdd, noOperator } from './arith.js';
import { encodeExact, exactFromLiteral } from './float-arith.js';
import { findMember, memberPathValue } from './members.js';
import { registerInfo } from './registers.js';
import { readRegisterBits, storeValue } from './store.js';
import { typeName } from '../symbols/type-format.js';
import type { Expr } from './parser.js';
import type { EvalScope, RegisterInfo } from './scope.js';
import { concreteType } from './vla.js';
import { vectorType } from './vectors.js';


export interface EvalOptions {
  /** Evaluate for the type only (sizeof, whatis, ptype): no writes, no reads that can be avoided. */
  noSideEffects?: boolean;
}

export class Evaluator {
  /** gdb's warnings raised while evaluating ("left shift count >= width of type"). */
  readonly warnings: string[] = [];

  constructor(private readonly scope: EvalScope, private readonly opts: EvalOptions = {}) {}

  /** The bytes of `v`, reading memory when lazy (refusing absurd sizes like gdb). */
  async fetch(v: Value): Promise<Value> {
    if (v.isLazy) {
      const t = resolve(v.type);
      if (t.kind === 'function' || t.kind === 'void') return v;
      valueSize(v.type);
      await v.fetch(this.scope.readMemory);
    }
    return v;
  }

  /** Replace run-time (VLA) array bounds by their values in this scope. */
  concrete(t: Type): Promise<Type> {
    return concreteType(t, this.scope.resolveBound?.bind(this.scope));
  }

  /** Evaluate a whole expression; like gdb's parser, unknown identifiers fail even where they would not be evaluated. */
  async run(e: Expr): Promise<Value> {
    const names = new Set<string>();
    collectIdentifiers(e, names);
    for (const n of names) {
      // Cheapest first: the frame's own names; a function or a global may mean searching every library.
      if (this.scope.seesHere?.(n) || this.scope.lookupFunction(n) || (await this.scope.lookupVariable(n))) continue;
      if (this.scope.lookupTypedef(n)) continue;
      throw new UserError(`No symbol "${n}" in current context.`);
    }
    return this.eval(e);
  }

  async eval(e: Expr): Promise<Value> {
    switch (e.kind) {
      case 'int': return Value.fromBigInt(e.type, e.value);
      case 'float': return Value.fromBytes(e.type, encodeExact(exactFromLiteral(e.text), e.type.format, e.type.size));
      case 'char': return Value.fromBigInt(builtin.char, BigInt(e.value));
      case 'string': {
        const b = new Uint8Array(e.bytes.length + 1);
        b.set(e.bytes);
        return Value.fromBytes(arrayOf(builtin.char, b.length), b);
      }
      case 'ident': return this.identifier(e.name);
      case 'entry':
        if (!this.scope.entryValue) throw new UserError(`No symbol "${e.name}" in current context.`);
        return this.scope.entryValue(e.name);
      case 'dollar': return this.dollar(e.name);
      case 'type': throw new UserError('Attempt to use a type name as an expression');
      case 'comma':
        await this.eval(e.left);
        return this.eval(e.right);
      case 'ternary': {
        const c = await this.fetch(await this.eval(e.cond));
        return this.eval(isZero(c) ? e.else : e.then);
      }
      case 'binary': return this.binary(e.op, e.left, e.right);
      case 'unary': return this.unary(e.op, e.operand);
      case 'assign': return this.assign(e.op, e.left, e.right);
      case 'member': return this.member(await this.eval(e.object), e.name, e.arrow);
      case 'index': return this.index(await this.eval(e.object), await this.fetch(await this.eval(e.index)));
      case 'call': {
        await this.eval(e.fn);
        throw new UserError("You can't do that without a process to debug.");
      }
      case 'cast': return cast(await this.concrete(e.type), await this.fetchUnlessAggregate(await this.eval(e.operand), e.type));
      case 'brace': {
        const v = coerceArray(await this.fetch(await this.eval(e.operand)));
        return Value.at(await this.concrete(e.type), BigInt.asUintN(64, unpackLong(v)));
      }
      case 'sizeof':
      case 'alignof': {
        let t: Type;
        if (e.type) t = await this.concrete(e.type);
        else t = (await new Evaluator(this.scope, { noSideEffects: true }).eval(e.operand!)).type;
        const r = resolve(t);
        if (r.kind === 'struct' && r.incomplete) throw new UserError(`Attempt to use a type name as an expression`);
        let n = sizeOf(t) ?? 1;
        if (e.kind === 'alignof') n = alignOf(t);
        return Value.fromBigInt(builtin.int, BigInt(n));
      }
    }
  }

  private async fetchUnlessAggregate(v: Value, to: Type): Promise<Value> {
    const k = resolve(to).kind;
    const from = resolve(v.type).kind;
    if ((k === 'struct' || k === 'union' || k === 'array') && v.address !== undefined) return v;
    if (from === 'array' || from === 'function') return v;
    return this.fetch(v);
  }

  private async identifier(name: string): Promise<Value> {
    const v = await this.scope.lookupVariable(name, this.opts.noSideEffects);
    if (v) {
      const t = await this.concrete(v.type);
      return t === v.type ? v : new Value(t, v.lval, v.isLazy ? undefined : v.bytes, v.byteState);
    }
    const f = this.scope.lookupFunction(name);
    if (f) return Value.at(f.type, f.address);
    if (this.scope.lookupTypedef(name)) throw new UserError('Attempt to use a type name as an expression');
    throw new UserError(`No symbol "${name}" in current context.`);
  }

  private async dollar(name: string): Promise<Value> {
    const h = this.scope.history;
    if (name === '') return h.relative(0);
    if (name === '$') return h.relative(1);
    if (/^\$\d+$/.test(name)) return h.relative(Number(name.slice(1)));
    if (/^\d+$/.test(name)) return h.absolute(Number(name));
    const reg = registerInfo(name);
    if (reg) {
      const fb = name === 'fp' ? await this.scope.frameBase?.() : undefined;
      const partial = fb === undefined ? await this.partlyUnavailable(reg) : undefined;
      if (partial) return new Value(reg.type, { kind: 'register', name }, partial.bytes, partial.states);
      let raw = fb ?? (await readRegisterBits(this.scope, reg));
      // A vector or x87 register this target lacks ($zmm0 without AVX-512): gdb's convenience variable.
      if (raw === undefined && reg.extended && this.scope.readRegister) return h.getVar(name);
      if (raw === undefined && this.opts.noSideEffects) raw = 0n;
      if (raw === undefined) throw new UserError('No registers.');
      const bits = (raw >> BigInt(reg.shift)) & ((1n << BigInt(reg.bits)) - 1n);
      const size = sizeOf(reg.type) ?? 8;
      return new Value(reg.type, { kind: 'register', name }, bigIntToBytes(bits, size));
    }
    return h.getVar(name);
  }

  /** Bytes and per-byte states of a register the target cannot give all of (a core's unread XSAVE state), else undefined. */
  private async partlyUnavailable(reg: RegisterInfo): Promise<{ bytes: Uint8Array; states: Uint8Array } | undefined> {
    const gone = this.scope.registerUnavailable;
    const parts = reg.parts ?? [{ name: reg.base, bits: reg.bits }];
    if (!gone || !parts.some((p) => gone.call(this.scope, p.name))) return undefined;
    const bytes: number[] = [];
    const states: number[] = [];
    for (const p of parts) {
      const n = p.bits / 8;
      const missing = gone.call(this.scope, p.name);
      bytes.push(...bigIntToBytes(missing ? 0n : (await this.scope.readRegister?.(p.name)) ?? 0n, n));
      states.push(...new Array<number>(n).fill(missing ? BYTE_UNAVAILABLE : BYTE_OK));
    }
    return { bytes: Uint8Array.from(bytes), states: Uint8Array.from(states) };
  }

  private async binary(op: string, l: Expr, r: Expr): Promise<Value> {
    if (op === '&&' || op === '||') {
      const a = await this.fetch(await this.eval(l));
      const za = isZero(a);
      if (op === '&&' && za) return Value.fromBigInt(builtin.int, 0n);
      if (op === '||' && !za) return Value.fromBigInt(builtin.int, 1n);
      const b = await this.fetch(await this.eval(r));
      return Value.fromBigInt(builtin.int, isZero(b) ? 0n : 1n);
    }
    const a = await this.eval(l);
    if (op === '@') return this.artificialArray(a, await this.fetch(await this.eval(r)));
    // Arrays in memory decay to pointers unread; vectors are operated on by value.
    const decays = (v: Value): boolean => resolve(v.type).kind === 'array' && !vectorType(v.type) && v.address !== undefined;
    const av = decays(a) ? a : await this.fetch(a);
    const bRaw = await this.eval(r);
    const bv = decays(bRaw) ? bRaw : await this.fetch(bRaw);
    return binop(op, av, bv, (w) => this.warnings.push(w));
  }

  private artificialArray(left: Value, count: Value): Value {
    if (left.address === undefined || left.bitfield) throw new UserError("Only values in memory can be extended with '@'.");
    const n = Number(unpackLong(count));
    if (n <= 0) throw new UserError(`Invalid number ${n} of repetitions.`);
    return Value.at(arrayOf(left.type, n), left.address);
  }

  private async unary(op: string, operand: Expr): Promise<Value> {
    switch (op) {
      case '&': {
        const v = await this.eval(operand);
        // gdb's address_of_variable: a variable not in memory is named in the error. Arrays too: one whose
        // location is a composite of pieces (or a constant) is no lvalue either, whatever its elements are.
        if (operand.kind === 'ident' && v.address === undefined && resolve(v.type).kind !== 'function') {
          if (v.lval.kind === 'register') throw new UserError(`Address requested for identifier "${operand.name}" which is in register $${v.lval.name}`);
          throw new UserError(`Can't take address of "${operand.name}" which isn't an lvalue.`);
        }
        return this.addressOf(v);
      }
      case '*': return this.deref(await this.eval(operand));
      case '!': {
        const v = await this.fetch(await this.eval(operand));
        const k = resolve(v.type).kind;
        if (k === 'struct' || k === 'union') throw noOperator('!');
        return Value.fromBigInt(builtin.int, isZero(v) ? 1n : 0n);
      }
      case '-': case '+': case '~': return unop(op, await this.fetch(await this.eval(operand)));
      default: {
        const one: Expr = { kind: 'int', value: 1n, type: builtin.int };
        const isInc = op.endsWith('++');
        if (op.startsWith('pre')) return this.assign(isInc ? '+=' : '-=', operand, one);
        const old = await this.fetch(await this.eval(operand));
        const copy = Value.fromBytes(old.type, Uint8Array.from(old.bytes));
        await this.assign(isInc ? '+=' : '-=', operand, one);
        return copy;
      }
    }
  }

  addressOf(v: Value): Value {
    const t = resolve(v.type);
    if (t.kind === 'function' && v.address !== undefined) return Value.fromBigInt(pointerTo(v.type), v.address);
    if (t.kind === 'array' && v.address === undefined && (v.lval.kind === 'none' || v.lval.kind === 'composite')) {
      throw new UserError('evaluation of this expression requires the target program to be active');
    }
    if (v.address !== undefined && v.bitfield) {
      // gdb gives the address of the bitfield's container, aligned to the field type's size.
      const bits = (sizeOf(v.type) ?? 4) * 8;
      const { bitPos, bitSize } = v.bitfield;
      const inner = (bitPos % bits) + bitSize <= bits ? bitPos % bits : bitPos % 8;
      return Value.fromBigInt(pointerTo(v.type), v.address + BigInt((bitPos - inner) / 8));
    }
    if (v.address === undefined) throw new UserError('Attempt to take address of value not located in memory.');
    return Value.fromBigInt(pointerTo(v.type), v.address);
  }

  async deref(v: Value): Promise<Value> {
    const t = resolve(v.type);
    if (t.kind === 'function') {
      if (this.opts.noSideEffects) throw new UserError('Attempt to take contents of a non-pointer value.');
      return v;
    }
    if (t.kind === 'array' && v.address === undefined && (v.lval.kind === 'none' || v.lval.kind === 'composite')) {
      throw new UserError('evaluation of this expression requires the target program to be active');
    }
    if (t.kind === 'array' && v.address === undefined) {
      const el = t.element;
      return Value.fromBytes(el, (await this.fetch(v)).bytes.subarray(0, sizeOf(el) ?? 0));
    }
    const p = coerceArray(await this.fetchUnlessArray(v));
    const pt = resolve(p.type);
    if (pt.kind === 'pointer') {
      const target = resolve(pt.target);
      if (target.kind === 'void') throw new UserError('Attempt to dereference a generic pointer.');
      // gdb's indirect_synthetic_pointer: the object the optimised-away pointer pointed to, read in this frame.
      if (p.lval.kind === 'implicit-pointer' && this.scope.implicitPointerTarget) {
        return this.scope.implicitPointerTarget(p.lval.dieOffset, p.lval.offset, await this.concrete(pt.target));
      }
      return Value.at(await this.concrete(pt.target), BigInt.asUintN(64, unpackLong(p)));
    }
    if (pt.kind === 'int') return Value.at(builtin.int, BigInt.asUintN(64, unpackLong(p)));
    throw new UserError('Attempt to take contents of a non-pointer value.');
  }

  private async fetchUnlessArray(v: Value): Promise<Value> {
    return resolve(v.type).kind === 'array' && v.address !== undefined ? v : this.fetch(v);
  }

  async member(obj: Value, name: string, arrow: boolean): Promise<Value> {
    let v = obj;
    let t = resolve(v.type);
    if (t.kind === 'pointer') {
      v = await this.deref(v);
      t = resolve(v.type);
    } else if (arrow && t.kind !== 'struct' && t.kind !== 'union') {
      throw new UserError('Attempt to extract a component of a value that is not a structure pointer.');
    }
    if (t.kind !== 'struct' && t.kind !== 'union') {
      throw new UserError(`Attempt to extract a component of a value that is not a structure${arrow ? ' pointer' : ''}.`);
    }
    const path = findMember(t, name);
    if (!path) throw new UserError(`There is no member named ${name}.`);
    if (path.some((m) => m.bitSize)) await this.fetch(v);
    const mv = memberPathValue(v, path);
    const ct = await this.concrete(mv.type);
    return ct === mv.type ? mv : new Value(ct, mv.lval, mv.isLazy ? undefined : mv.bytes, mv.byteState);
  }

  async index(obj: Value, idx: Value): Promise<Value> {
    const t = resolve(obj.type);
    if (!isIntegral(idx.type)) {
      if (isIntegral(obj.type) && resolve(idx.type).kind !== 'int') return this.index(idx, await this.fetch(obj));
      throw new UserError('Argument to arithmetic operation not a number or boolean.');
    }
    const i = unpackLong(idx);
    if (t.kind === 'array') {
      const el = t.element;
      const es = sizeOf(el) ?? 0;
      if (obj.address !== undefined && !obj.bitfield) return Value.at(el, obj.address + i * BigInt(es));
      const n = t.bound.kind === 'count' ? t.bound.count : 0;
      if (i < 0n || i >= BigInt(n)) throw new UserError('no such vector element');
      await this.fetch(obj);
      return obj.component(el, Number(i) * es, es);
    }
    if (t.kind === 'pointer') {
      const p = await this.fetch(obj);
      return this.deref(ptrAdd(p, t, i));
    }
    throw new UserError(`cannot subscript something of type \`${typeName(obj.type)}'`);
  }

  private async assign(op: string, l: Expr, r: Expr): Promise<Value> {
    const left = await this.eval(l);
    let right = await this.eval(r);
    if (op !== '=') {
      const lv = await this.fetch(left);
      right = binop(op.slice(0, -1), coerceArray(lv), await this.fetch(right), (w) => this.warnings.push(w));
    }
    if (left.lval.kind === 'internalvar' || (l.kind === 'dollar' && !registerInfo(l.name) && !/^\$?\d*$/.test(l.name))) {
      const name = l.kind === 'dollar' ? l.name : left.lval.kind === 'internalvar' ? left.lval.name : '';
      // Arrays in memory decay to pointers when stored in a convenience variable.
      const v = await this.fetch(resolve(right.type).kind === 'array' && right.address !== undefined ? coerceArray(right) : right);
      const stored = new Value(v.type, { kind: 'internalvar', name }, Uint8Array.from(v.bytes), v.byteState);
      if (!this.opts.noSideEffects) this.scope.history.setVar(name, stored);
      return stored;
    }
    if (!left.modifiable) throw new UserError('Left operand of assignment is not a modifiable lvalue.');
    const rt = resolve(left.type);
    const nv = rt.kind === 'struct' || rt.kind === 'union' || rt.kind === 'array'
      ? await this.fetch(cast(left.type, right))
      : cast(left.type, await this.fetchUnlessAggregate(right, left.type));
    if (this.opts.noSideEffects) return new Value(left.type, left.lval, nv.bytes);
    let bytes = nv.bytes;
    if (left.bitfield) bytes = this.fitBitfield(left.type, left.bitfield.bitSize, bytes);
    const dropped = await storeValue(this.scope, left, bytes);
    if (!dropped) return new Value(left.type, left.lval, Uint8Array.from(bytes), undefined, left.bitfield);
    // Bits that went to a stack value, an implicit value or an empty piece are optimized out in the result (gdb).
    const bits = new Uint8Array(bytes.length * 8);
    for (let k = 0; k < bits.length; k++) if ((dropped >> BigInt(k)) & 1n) bits[k] = BYTE_OPTIMIZED_OUT;
    const states = statesFromBits(bits, bytes.length);
    return new Value(left.type, left.lval, Uint8Array.from(bytes), states.byteState, left.bitfield, states.bitState);
  }

  /** gdb's modify_field: chop a fitting negative value, warn and truncate one that does not fit; sign-extend back. */
  private fitBitfield(type: Type, bitSize: number, bytes: Uint8Array): Uint8Array {
    const size = bytes.length;
    let v = bytesToBigInt(bytes, true);
    const mask = (1n << BigInt(bitSize)) - 1n;
    const all = BigInt.asUintN(64, v);
    if ((BigInt.asUintN(64, ~all) & BigInt.asUintN(64, ~(mask >> 1n))) === 0n) v = all & mask;
    else if (v < 0n || (v & ~mask) !== 0n) {
      this.warnings.push(`Value does not fit in ${bitSize} bits.`);
      v &= mask;
    }
    const stored = isSigned(type) ? BigInt.asIntN(bitSize, v) : v & mask;
    return bigIntToBytes(stored, size);
  }

}

function collectIdentifiers(e: Expr, out: Set<string>): void {
  switch (e.kind) {
    case 'ident': out.add(e.name); return;
    case 'unary': case 'cast': case 'brace': collectIdentifiers(e.operand, out); return;
    case 'sizeof': case 'alignof': if (e.operand) collectIdentifiers(e.operand, out); return;
    case 'binary': case 'assign': case 'comma': collectIdentifiers(e.left, out); collectIdentifiers(e.right, out); return;
    case 'ternary': collectIdentifiers(e.cond, out); collectIdentifiers(e.then, out); collectIdentifiers(e.else, out); return;
    case 'member': collectIdentifiers(e.object, out); return;
    case 'index': collectIdentifiers(e.object, out); collectIdentifiers(e.index, out); return;
    case 'call': collectIdentifiers(e.fn, out); for (const a of e.args) collectIdentifiers(a, out); return;
    default: return;
  }
}

function alignOf(t: Type): number {
  const r = resolve(t);
  if (r.kind === 'array') return alignOf(r.element);
  if (r.kind === 'struct' || r.kind === 'union') return r.members.reduce((a, m) => Math.max(a, nestedType(() => alignOf(m.type))), 1);
  return Math.min(sizeOf(r) ?? 1, 16) || 1;
}

