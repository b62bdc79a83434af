// GNU vector arithmetic as gdb does it (valarith.c): element-wise operators, a scalar widened to the vector.
import { UserError } from '../util/errors.js';
import { resolve, sizeOf, type ArrayType, type Type } from '../symbols/types.js';
import { Value } from './value.js';

/** The vector type behind `t` (typedefs and qualifiers stripped), or undefined. */
export function vectorType(t: Type): ArrayType | undefined {
  const r = resolve(t);
  return r.kind === 'array' && r.vector ? r : undefined;
}

function elements(v: Value, t: ArrayType): Value[] {
  const size = sizeOf(t.element) ?? 0;
  const n = size ? (sizeOf(t) ?? 0) / size : 0;
  return Array.from({ length: n }, (_, i) => v.component(t.element, i * size, size));
}

/** Each element's result is stored in the element's size (gdb copies the low bytes of the promoted result). */
function assemble(type: Type, t: ArrayType, parts: Value[]): Value {
  const size = sizeOf(t.element) ?? 0;
  const bytes = new Uint8Array(size * parts.length);
  parts.forEach((p, i) => bytes.set(p.bytes.subarray(0, size), i * size));
  return Value.fromBytes(type, bytes);
}

/** value_vector_binop: both operands vectors of the same element type and length, or one a scalar (value_vector_widen). */
export function vectorBinop(op: string, a: Value, b: Value, scalar: (op: string, x: Value, y: Value) => Value, cast: (to: Type, v: Value) => Value): Value {
  const ta = vectorType(a.type);
  const tb = vectorType(b.type);
  if (op === '<' || op === '>' || op === '<=' || op === '>=') throw new UserError('Invalid type combination in ordering comparison.');
  // The result has the operand's type with typedefs stripped (allocate_value of check_typedef'd type1).
  const vt = (ta ?? tb)!;
  const type: Type = vt;
  const widen = (s: Value): Value[] => {
    const el = cast(vt.element, s);
    // value_vector_widen: a scalar that does not fit the element type is refused.
    if ((sizeOf(vt.element) ?? 0) < (sizeOf(resolve(s.type)) ?? 0) && scalar('==', el, s).bytes.every((x) => x === 0)) {
      throw new UserError('conversion of scalar to vector involves truncation');
    }
    return elements(Value.fromBytes(type, new Uint8Array(sizeOf(vt) ?? 0)), vt).map(() => el);
  };
  const xs = ta ? elements(a, ta) : widen(a);
  const ys = tb ? elements(b, tb) : widen(b);
  if (ta && tb) {
    const ea = resolve(ta.element);
    const eb = resolve(tb.element);
    const unsigned = (e: Type): boolean => e.kind === 'int' && !e.signed;
    if (ea.kind !== eb.kind || sizeOf(ea) !== sizeOf(eb) || unsigned(ea) !== unsigned(eb) || xs.length !== ys.length) {
      throw new UserError('Cannot perform operation on vectors with different types');
    }
  }
  return assemble(type, vt, xs.map((x, i) => scalar(op, x, ys[i]!)));
}

/** value_neg / value_complement / value_pos on a vector: element by element. */
export function vectorUnop(op: string, v: Value, scalar: (x: Value) => Value): Value {
  const t = vectorType(v.type)!;
  return assemble(t, t, elements(v, t).map(scalar));
}
