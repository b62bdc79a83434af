// C arithmetic as gdb does it: promotions, usual conversions, pointer math, comparisons, casts.
import { UserError } from '../util/errors.js';
import {
  builtin, resolve, sizeOf, isIntegral, isSigned, pointerTo, type Type, type FloatType, type PointerType,
} from '../symbols/types.js';
import { Value, unpackLong, unpackDouble, bytesToBigInt, requireNotOptimizedOut } from './value.js';
import { vectorBinop, vectorType, vectorUnop } from './vectors.js';
import { exactBinop, exactCompare, exactFromFloat, exactFromInt, encodeExact, type Exact } from './float-arith.js';

const INT_SIZE = 4;

/** Arrays in memory decay to a pointer to their first element; functions to a pointer to themselves. */
export function coerceArray(v: Value): Value {
  const t = resolve(v.type);
  if (t.kind === 'array' && v.address !== undefined) return Value.fromBigInt(pointerTo(t.element), v.address);
  // gdb would copy the array into the inferior's memory first.
  if (t.kind === 'array') throw new UserError('evaluation of this expression requires the target program to be active');
  if (t.kind === 'function' && v.address !== undefined) return Value.fromBigInt(pointerTo(v.type), v.address);
  return v;
}

function isNumeric(t: Type): boolean {
  const k = resolve(t).kind;
  return k === 'int' || k === 'bool' || k === 'enum' || k === 'float' || k === 'flags';
}

/** gdb's binop_promote for C: the type both operands are converted to. */
export function binopPromote(a: Type, b: Type): Type {
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra.kind === 'float' || rb.kind === 'float') {
    if (ra.kind !== 'float') return rb;
    if (rb.kind !== 'float') return ra;
    return ra.size >= rb.size ? ra : rb;
  }
  let len1 = sizeOf(ra) ?? INT_SIZE;
  let len2 = sizeOf(rb) ?? INT_SIZE;
  let u1 = !isSigned(ra);
  let u2 = !isSigned(rb);
  if (len1 < INT_SIZE) { u1 = false; len1 = INT_SIZE; }
  if (len2 < INT_SIZE) { u2 = false; len2 = INT_SIZE; }
  let unsigned: boolean;
  let len: number;
  if (len1 > len2) { unsigned = u1; len = len1; }
  else if (len2 > len1) { unsigned = u2; len = len2; }
  else { unsigned = u1 || u2; len = len1; }
  if (len <= INT_SIZE) return unsigned ? builtin.unsignedInt : builtin.int;
  if (len <= 8) return unsigned ? builtin.unsignedLong : builtin.long;
  return unsigned ? builtin.unsignedInt128 : builtin.int128;
}

/** gdb's unop_promote: integers narrower than int become int. */
export function unopPromote(v: Value): Value {
  const t = resolve(v.type);
  if (isIntegral(t) && (sizeOf(t) ?? 4) < INT_SIZE) return Value.fromBigInt(builtin.int, unpackLong(v));
  return v;
}

/** A float or integer value, exactly. */
export function exactOf(v: Value): Exact {
  const t = resolve(v.type);
  requireNotOptimizedOut(v);
  if (t.kind === 'float') return exactFromFloat(v.bytes, t.format);
  return exactFromInt(unpackLong(v));
}

function fromExact(t: FloatType, x: Exact): Value {
  return Value.fromBytes(t, encodeExact(x, t.format, t.size));
}

function isAggregateValue(v: Value): boolean {
  const k = resolve(v.type).kind;
  return k === 'struct' || k === 'union';
}

/** gdb looks for a C++ operator when an operand is a struct or union. */
export function noOperator(op: string): UserError {
  return new UserError(`Structure has no component named operator${op}.`);
}

const notNumber = (): UserError => new UserError('Argument to arithmetic operation not a number or boolean.');

/** Arithmetic, bitwise and comparison operators on two fetched scalar values; `warn` receives gdb's warnings. */
export function binop(op: string, a: Value, b: Value, warn?: (msg: string) => void): Value {
  if (isAggregateValue(a) || isAggregateValue(b)) throw noOperator(op);
  if (!vectorType(a.type) !== !vectorType(b.type) && (op === '==' || op === '!=')) throw new UserError('Invalid type combination in equality test.');
  if ((vectorType(a.type) || vectorType(b.type)) && op !== '==' && op !== '!=') return vectorBinop(op, a, b, (o, x, y) => binop(o, x, y, warn), cast);
  a = coerceArray(a);
  b = coerceArray(b);
  const ta = resolve(a.type);
  const tb = resolve(b.type);
  if (ta.kind === 'pointer' || tb.kind === 'pointer') return pointerBinop(op, a, b);
  if (!isNumeric(ta) || !isNumeric(tb)) {
    if (isComparison(op)) throw new UserError('Argument to comparison operation not a number, boolean or pointer.');
    throw notNumber();
  }
  const shift = op === '<<' || op === '>>';
  const rt = shift ? unopPromote(a).type : binopPromote(ta, tb);
  const r = resolve(rt);
  if (r.kind === 'float' || (shift && resolve(b.type).kind === 'float')) {
    if (isComparison(op)) {
      const c = exactCompare(exactOf(a), exactOf(b));
      switch (op) {
        case '==': return bool(c === 0);
        case '!=': return bool(c !== 0);
        case '<': return bool(c === -1);
        case '>': return bool(c === 1);
        case '<=': return bool(c === -1 || c === 0);
        default: return bool(c === 1 || c === 0);
      }
    }
    const x = r.kind === 'float' ? exactBinop(op, exactOf(a), exactOf(b)) : undefined;
    if (!x || r.kind !== 'float') throw new UserError('Integer-only operation on floating point number.');
    return fromExact(r, x);
  }
  const size = sizeOf(r) ?? 4;
  // gdb reads the operands (value_as_long) before it looks at their width.
  requireNotOptimizedOut(a);
  requireNotOptimizedOut(b);
  if (size > 8) throw new UserError('That operation is not available on integers of more than 8 bytes.');
  const signed = isSigned(r);
  const bits = size * 8;
  const norm = (n: bigint): bigint => (signed ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n));
  const x = norm(unpackLong(a));
  const y = norm(unpackLong(b));
  const make = (n: bigint): Value => Value.fromBigInt(rt, norm(n));
  switch (op) {
    case '+': return make(x + y);
    case '-': return make(x - y);
    case '*': return make(x * y);
    case '/':
      if (y === 0n) throw new UserError('Division by zero');
      return make(x / y);
    case '%':
      if (y === 0n) throw new UserError('Division by zero');
      return make(x % y);
    case '&': return make(x & y);
    case '|': return make(x | y);
    case '^': return make(x ^ y);
    case '<<':
    case '>>': {
      // gdb warns and yields 0 for negative or too-wide shift counts.
      if (y < 0n) {
        warn?.(`${op === '<<' ? 'left' : 'right'} shift count is negative`);
        return make(0n);
      }
      if (y >= BigInt(bits)) {
        warn?.(`${op === '<<' ? 'left' : 'right'} shift count >= width of type`);
        return make(0n);
      }
      return make(op === '<<' ? x << y : x >> y);
    }
    case '==': return bool(x === y);
    case '!=': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
    default: throw new UserError(`Unknown operator ${op}.`);
  }
}

function isComparison(op: string): boolean {
  return op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=';
}

function bool(b: boolean): Value {
  return Value.fromBigInt(builtin.int, b ? 1n : 0n);
}

/** Size of a pointer's target for arithmetic (void and functions count 1, as in gdb). */
function targetSize(p: PointerType): number {
  const t = resolve(p.target);
  if ((t.kind === 'struct' || t.kind === 'union' || t.kind === 'enum') && t.incomplete) {
    throw new UserError(`Cannot perform pointer math on incomplete type "${t.name ?? ''}", try casting to a known type, or void *.`);
  }
  const s = sizeOf(p.target);
  return s === undefined || s === 0 ? 1 : s;
}

function pointerBinop(op: string, a: Value, b: Value): Value {
  const ta = resolve(a.type);
  const tb = resolve(b.type);
  const addrA = BigInt.asUintN(64, unpackLong(a));
  const addrB = BigInt.asUintN(64, unpackLong(b));
  if (isComparison(op)) {
    switch (op) {
      case '==': return bool(addrA === addrB);
      case '!=': return bool(addrA !== addrB);
      case '<': return bool(addrA < addrB);
      case '>': return bool(addrA > addrB);
      case '<=': return bool(addrA <= addrB);
      default: return bool(addrA >= addrB);
    }
  }
  if (op === '+' && ta.kind === 'pointer' && isIntegral(tb)) return ptrAdd(a, ta, unpackLong(b));
  if (op === '+' && tb.kind === 'pointer' && isIntegral(ta)) return ptrAdd(b, tb, unpackLong(a));
  if (op === '-' && ta.kind === 'pointer' && isIntegral(tb)) return ptrAdd(a, ta, -unpackLong(b));
  if (op === '-' && ta.kind === 'pointer' && tb.kind === 'pointer') {
    const sa = targetSize(ta);
    if (sa !== targetSize(tb)) {
      throw new UserError('First argument of `-\' is a pointer and second argument is neither\nan integer nor a pointer of the same type.');
    }
    return Value.fromBigInt(builtin.long, BigInt.asIntN(64, addrA - addrB) / BigInt(sa));
  }
  throw notNumber();
}

/** value_ptradd: pointer + n elements, keeping the pointer's type. */
export function ptrAdd(p: Value, t: PointerType, n: bigint): Value {
  const addr = BigInt.asUintN(64, unpackLong(p) + n * BigInt(targetSize(t)));
  return Value.fromBigInt(p.type, addr);
}

/** value_logical_not: true when the value is zero. */
export function isZero(v: Value): boolean {
  const t = resolve(v.type);
  if (t.kind === 'float') return unpackDouble(v) === 0;
  if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'array' && v.address === undefined) {
    throw new UserError('Argument to logical not not a number or boolean.');
  }
  const c = coerceArray(v);
  return bytesToBigInt(c.bytes, false) === 0n;
}

/** Unary -, +, ~ on a fetched value. */
export function unop(op: '-' | '+' | '~', v: Value): Value {
  if (isAggregateValue(v)) throw noOperator(op);
  if (vectorType(v.type)) return vectorUnop(op, v, (x) => unop(op, x));
  const t = resolve(v.type);
  if (op === '~') {
    if (!isIntegral(t)) throw new UserError('Argument to complement operation not an integer, boolean.');
    const p = unopPromote(v);
    return Value.fromBigInt(p.type, ~unpackLong(p));
  }
  if (!isNumeric(t)) throw notNumber();
  const p = unopPromote(v);
  const rt = resolve(p.type);
  if (op === '+') return p;
  if (rt.kind === 'float') {
    // Negation flips the sign bit, NaNs and zeros included.
    const b = Uint8Array.from(p.bytes);
    const signByte = rt.format === 'x87' ? 9 : rt.size - 1;
    b[signByte]! ^= 0x80;
    return Value.fromBytes(p.type, b);
  }
  return Value.fromBigInt(p.type, -unpackLong(p));
}

/** value_cast for C: numbers, pointers, enums, same-type aggregates, void. */
export function cast(to: Type, v: Value): Value {
  const r = resolve(to);
  const from = resolve(v.type);
  if (r.kind === 'void') return Value.fromBytes(to, new Uint8Array(0));
  const sameAggregate = (r.kind === 'struct' || r.kind === 'union' || r.kind === 'array') && from === r;
  if (sameAggregate) return v.isLazy && v.address !== undefined ? Value.at(to, v.address) : Value.fromBytes(to, v.bytes, v.lval);
  // A vector never decays: same size reinterprets the bytes, another size reads memory in place (value_cast).
  if (from.kind === 'array' && from.vector || r.kind === 'array' && r.vector) {
    if (sizeOf(r) === sizeOf(from) && !v.isLazy) return Value.fromBytes(to, v.bytes);
    if (r.kind === 'array' && r.vector && sizeOf(r) !== sizeOf(from)) throw new UserError('can only cast scalar to vector of same size');
    if (v.address !== undefined) return Value.at(to, v.address);
  }
  const scalarTarget = r.kind === 'float' || r.kind === 'int' || r.kind === 'enum' || r.kind === 'bool' || r.kind === 'pointer' || r.kind === 'flags';
  const sk = from.kind;
  const scalarSource = sk === 'int' || sk === 'enum' || sk === 'bool' || sk === 'pointer' || sk === 'float' || sk === 'flags' || sk === 'array' || sk === 'function';
  if (scalarTarget && scalarSource) {
    const src = coerceArray(v);
    if (r.kind === 'float') return fromExact(r, exactOf(src));
    if (r.kind === 'bool') return Value.fromBigInt(to, unpackLong(src) !== 0n ? 1n : 0n);
    return Value.fromBigInt(to, unpackLong(src));
  }
  // Anything else in memory is reinterpreted in place (gdb's value_at_lazy fallback).
  if (v.address !== undefined && !v.bitfield) return Value.at(to, v.address);
  throw new UserError('Invalid cast.');
}
