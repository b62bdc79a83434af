// Attribute values: reading and skipping every DW_FORM (DWARF 2-5 and GNU), and the decoded value types.
import { ByteReader } from '../util/byte-reader.js';
import { DW_FORM, dwName } from './constants.js';

/** What a reader needs to know about the unit a value sits in. */
export interface Encoding {
  version: number;
  addressSize: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  offsetSize: number;
}

/**
 * A decoded attribute value.
 * - address: DW_FORM_addr, and addrx* resolved through .debug_addr.
 * - unsigned: data1/2/4/8 and udata (data* is "constant of unknown signedness": see Die.sconst);
 *   a number when it fits exactly, else a bigint.
 * - signed: sdata and implicit_const.
 * - block: block1/2/4/block and data16. exprloc: a DWARF expression (DW_FORM_exprloc).
 * - ref: an absolute DIE offset in the DwarfFile's offset space (.debug_info; .debug_types after it).
 * - sig8: DW_FORM_ref_sig8 type signature (Die.ref resolves it to the type unit's type DIE).
 * - secOffset: DW_FORM_sec_offset — an offset into another section (lines, ranges, loclists...).
 * - loclistx / rnglistx: an index into the unit's offsets table (loclists_base / rnglists_base).
 */
export type AttrValue =
  | { kind: 'address'; value: bigint }
  | { kind: 'unsigned'; value: number | bigint }
  | { kind: 'signed'; value: number | bigint }
  | { kind: 'block'; value: Uint8Array }
  | { kind: 'exprloc'; value: Uint8Array }
  | { kind: 'flag'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'ref'; value: number }
  | { kind: 'sig8'; value: bigint }
  | { kind: 'secOffset'; value: number }
  | { kind: 'loclistx'; value: number }
  | { kind: 'rnglistx'; value: number };

/** A value as read from .debug_info, before indexes into other sections are resolved. */
export type RawValue =
  | AttrValue
  | { kind: 'strp'; value: number; section: '.debug_str' | '.debug_line_str' }
  | { kind: 'strx'; value: number }
  | { kind: 'addrx'; value: number }
  /** DW_FORM_ref1..ref_udata: relative to the unit start. */
  | { kind: 'unitRef'; value: number }
  /** DW_FORM_GNU_ref_alt / GNU_strp_alt / ref_sup / strp_sup: into a supplementary (dwz) file we do not load. */
  | { kind: 'supplementary'; value: number };

function num(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

function offset(r: ByteReader, enc: Encoding): number {
  return enc.offsetSize === 8 ? r.u64n() : r.u32();
}

/** Size in bytes of a value of `form`, or null when it depends on the data (LEB128, blocks, strings, indirect). */
export function formFixedSize(form: number, enc: Encoding): number | null {
  switch (form) {
    case DW_FORM.addr: return enc.addressSize;
    case DW_FORM.data1: case DW_FORM.ref1: case DW_FORM.flag: case DW_FORM.strx1: case DW_FORM.addrx1: return 1;
    case DW_FORM.data2: case DW_FORM.ref2: case DW_FORM.strx2: case DW_FORM.addrx2: return 2;
    case DW_FORM.strx3: case DW_FORM.addrx3: return 3;
    case DW_FORM.data4: case DW_FORM.ref4: case DW_FORM.strx4: case DW_FORM.addrx4: case DW_FORM.ref_sup4: return 4;
    case DW_FORM.data8: case DW_FORM.ref8: case DW_FORM.ref_sig8: case DW_FORM.ref_sup8: return 8;
    case DW_FORM.data16: return 16;
    case DW_FORM.flag_present: case DW_FORM.implicit_const: return 0;
    case DW_FORM.strp: case DW_FORM.line_strp: case DW_FORM.sec_offset: case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt: case DW_FORM.GNU_strp_alt:
      return enc.offsetSize;
    case DW_FORM.ref_addr: return enc.version <= 2 ? enc.addressSize : enc.offsetSize;
    default: return null;
  }
}

/** Advance `r` past one value of `form`. */
export function skipForm(r: ByteReader, form: number, enc: Encoding): void {
  const fixed = formFixedSize(form, enc);
  if (fixed !== null) {
    r.skip(fixed);
    return;
  }
  switch (form) {
    case DW_FORM.udata: case DW_FORM.sdata: case DW_FORM.ref_udata: case DW_FORM.strx: case DW_FORM.addrx:
    case DW_FORM.loclistx: case DW_FORM.rnglistx: case DW_FORM.GNU_addr_index: case DW_FORM.GNU_str_index:
      skipLeb(r);
      return;
    case DW_FORM.string: {
      const nul = r.bytes.indexOf(0, r.pos);
      if (nul < 0 || nul >= r.end) r.fail('unterminated string');
      r.pos = nul + 1;
      return;
    }
    case DW_FORM.block1: r.skip(r.u8()); return;
    case DW_FORM.block2: r.skip(r.u16()); return;
    case DW_FORM.block4: r.skip(r.u32()); return;
    case DW_FORM.block: case DW_FORM.exprloc: r.skip(r.uleb()); return;
    case DW_FORM.indirect: {
      const f = r.uleb();
      if (f === DW_FORM.indirect) r.fail('DW_FORM_indirect pointing to DW_FORM_indirect');
      skipForm(r, f, enc);
      return;
    }
    default:
      r.fail(`unknown attribute form ${dwName(DW_FORM, form)}`);
  }
}

function skipLeb(r: ByteReader): void {
  const b = r.bytes;
  let p = r.pos;
  const start = p;
  while (p < r.end && b[p]! & 0x80) p++;
  if (p >= r.end) r.fail('truncated LEB128', start);
  r.pos = p + 1;
}

/** Read one value of `form`. DW_FORM_indirect is followed; implicit_const takes its value from the abbreviation. */
export function readForm(r: ByteReader, form: number, enc: Encoding, implicitConst?: bigint): RawValue {
  switch (form) {
    case DW_FORM.addr: return { kind: 'address', value: r.uN(enc.addressSize) };
    case DW_FORM.data1: return { kind: 'unsigned', value: r.u8() };
    case DW_FORM.data2: return { kind: 'unsigned', value: r.u16() };
    case DW_FORM.data4: return { kind: 'unsigned', value: r.u32() };
    case DW_FORM.data8: return { kind: 'unsigned', value: num(r.u64()) };
    case DW_FORM.data16: return { kind: 'block', value: r.bytesN(16) };
    case DW_FORM.udata: return { kind: 'unsigned', value: num(r.ulebBig()) };
    case DW_FORM.sdata: return { kind: 'signed', value: num(r.slebBig()) };
    case DW_FORM.implicit_const: return { kind: 'signed', value: num(implicitConst ?? 0n) };
    case DW_FORM.flag: return { kind: 'flag', value: r.u8() !== 0 };
    case DW_FORM.flag_present: return { kind: 'flag', value: true };
    case DW_FORM.string: return { kind: 'string', value: r.cstr() };
    case DW_FORM.strp: return { kind: 'strp', value: offset(r, enc), section: '.debug_str' };
    case DW_FORM.line_strp: return { kind: 'strp', value: offset(r, enc), section: '.debug_line_str' };
    case DW_FORM.strx: case DW_FORM.GNU_str_index: return { kind: 'strx', value: r.uleb() };
    case DW_FORM.strx1: return { kind: 'strx', value: r.u8() };
    case DW_FORM.strx2: return { kind: 'strx', value: r.u16() };
    case DW_FORM.strx3: return { kind: 'strx', value: r.u24() };
    case DW_FORM.strx4: return { kind: 'strx', value: r.u32() };
    case DW_FORM.addrx: case DW_FORM.GNU_addr_index: return { kind: 'addrx', value: r.uleb() };
    case DW_FORM.addrx1: return { kind: 'addrx', value: r.u8() };
    case DW_FORM.addrx2: return { kind: 'addrx', value: r.u16() };
    case DW_FORM.addrx3: return { kind: 'addrx', value: r.u24() };
    case DW_FORM.addrx4: return { kind: 'addrx', value: r.u32() };
    case DW_FORM.ref1: return { kind: 'unitRef', value: r.u8() };
    case DW_FORM.ref2: return { kind: 'unitRef', value: r.u16() };
    case DW_FORM.ref4: return { kind: 'unitRef', value: r.u32() };
    case DW_FORM.ref8: return { kind: 'unitRef', value: r.u64n() };
    case DW_FORM.ref_udata: return { kind: 'unitRef', value: r.uleb() };
    case DW_FORM.ref_addr: return { kind: 'ref', value: enc.version <= 2 ? Number(r.uN(enc.addressSize)) : offset(r, enc) };
    case DW_FORM.ref_sig8: return { kind: 'sig8', value: r.u64() };
    case DW_FORM.sec_offset: return { kind: 'secOffset', value: offset(r, enc) };
    case DW_FORM.exprloc: return { kind: 'exprloc', value: r.bytesN(r.uleb()) };
    case DW_FORM.block1: return { kind: 'block', value: r.bytesN(r.u8()) };
    case DW_FORM.block2: return { kind: 'block', value: r.bytesN(r.u16()) };
    case DW_FORM.block4: return { kind: 'block', value: r.bytesN(r.u32()) };
    case DW_FORM.block: return { kind: 'block', value: r.bytesN(r.uleb()) };
    case DW_FORM.loclistx: return { kind: 'loclistx', value: r.uleb() };
    case DW_FORM.rnglistx: return { kind: 'rnglistx', value: r.uleb() };
    case DW_FORM.ref_sup4: return { kind: 'supplementary', value: r.u32() };
    case DW_FORM.ref_sup8: return { kind: 'supplementary', value: r.u64n() };
    case DW_FORM.strp_sup: case DW_FORM.GNU_ref_alt: case DW_FORM.GNU_strp_alt:
      return { kind: 'supplementary', value: offset(r, enc) };
    case DW_FORM.indirect: {
      const f = r.uleb();
      if (f === DW_FORM.indirect) r.fail('DW_FORM_indirect pointing to DW_FORM_indirect');
      return readForm(r, f, enc, implicitConst);
    }
    default:
      return r.fail(`unknown attribute form ${dwName(DW_FORM, form)}`);
  }
}
