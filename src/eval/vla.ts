// Run-time (VLA) array bounds made concrete: an array type whose bound is a DWARF expression or variable, sized in a frame.
import { arrayOf, resolve, type ArrayBound, type ArrayType, type Type } from '../symbols/types.js';

/** Reads a dynamic bound's DWARF value (upper bound or count) in some frame; undefined when it cannot. */
export type BoundReader = (bound: ArrayBound) => Promise<bigint | undefined>;

/** `t` with every run-time array bound replaced by its value (gdb's resolve_dynamic_type); `t` itself when nothing is dynamic. */
export async function concreteType(t: Type, readBound: BoundReader | undefined): Promise<Type> {
  const r = resolve(t);
  if (r.kind !== 'array') return t;
  const element = await concreteType(r.element, readBound);
  if (r.bound.kind === 'dynamic') {
    const v = await readBound?.(r.bound);
    const n = v === undefined ? 0 : r.bound.isCount ? Number(v) : Number(v) - r.lowerBound + 1;
    return arrayOf(element, Math.max(0, n));
  }
  return element === r.element ? t : ({ ...r, element } as ArrayType);
}
