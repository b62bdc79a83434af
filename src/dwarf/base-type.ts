// The base types DWARF 5 typed stack operations name (DW_OP_regval_type, deref_type, const_type, convert), read from the unit.
import { DW_AT, DW_ATE } from './constants.js';
import type { BaseTypeInfo } from './expr.js';
import type { Unit } from './unit.js';

/** A lookup for ExprOptions.baseType: the DW_TAG_base_type at a unit-relative offset of `unit`. */
export function baseTypeReader(unit: Unit): (unitOffset: number) => BaseTypeInfo | undefined {
  return (rel) => {
    const d = unit.dieAt(unit.offset + rel);
    if (!d) return undefined;
    const enc = d.num(DW_AT.encoding);
    const size = d.num(DW_AT.byte_size) ?? 0;
    const signed = enc === DW_ATE.signed || enc === DW_ATE.signed_char;
    return enc === DW_ATE.float ? { size, signed: true, float: true } : { size, signed };
  };
}
