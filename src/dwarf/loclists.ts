// Location lists: DWARF 5 .debug_loclists (DW_LLE_*, loclistx offset tables) and DWARF 2-4 .debug_loc.
import { ByteReader } from '../util/byte-reader.js';
import { FormatError } from '../util/errors.js';

export const DW_LLE = {
  end_of_list: 0x00, base_addressx: 0x01, startx_endx: 0x02, startx_length: 0x03, offset_pair: 0x04,
  default_location: 0x05, base_address: 0x06, start_end: 0x07, start_length: 0x08,
  /** GNU location views (gcc -gvariable-location-views=incompat5): a view pair before the next entry. */
  GNU_view_pair: 0x09,
} as const;

/** One entry of a location list: `expr` holds in [begin, end), or everywhere no range matches (default). */
export type LocListEntry =
  | { kind: 'range'; begin: bigint; end: bigint; expr: Uint8Array; offset: number }
  | { kind: 'default'; expr: Uint8Array; offset: number };

export interface LocListOptions {
  /** DWARF version of the unit: 5 reads .debug_loclists, 2-4 read .debug_loc. */
  version: number;
  addressSize: number;
  /** The unit's base address (its DW_AT_low_pc, 0 when absent; load bias included). */
  baseAddress: bigint;
  /** Load bias added to the list's absolute addresses (base address entries, start_end, start_length); default 0. */
  bias?: bigint;
  /** Address of entry `index` of .debug_addr for this unit (needed by the *x entries). */
  addrx?: (index: number) => bigint;
  /** Name used in errors; defaults to the section the version implies. */
  section?: string;
}

/** Reads the location list at byte `offset` of its section (.debug_loclists or .debug_loc). */
export function readLocList(section: Uint8Array, offset: number, opts: LocListOptions): LocListEntry[] {
  const name = opts.section ?? (opts.version >= 5 ? '.debug_loclists' : '.debug_loc');
  if (opts.addressSize !== 4 && opts.addressSize !== 8) throw new FormatError(`unsupported address size ${opts.addressSize}`, { section: name, offset });
  const r = new ByteReader(section, name);
  if (offset < 0 || offset >= section.length) r.fail(`location list offset out of range`, offset);
  r.pos = offset;
  return opts.version >= 5 ? readV5(r, opts) : readV4(r, opts);
}

function mask(addressSize: number): bigint {
  return (1n << BigInt(addressSize * 8)) - 1n;
}

function readV4(r: ByteReader, opts: LocListOptions): LocListEntry[] {
  const m = mask(opts.addressSize);
  let base = opts.baseAddress;
  const out: LocListEntry[] = [];
  for (;;) {
    const at = r.pos;
    const begin = r.uN(opts.addressSize);
    const end = r.uN(opts.addressSize);
    if (begin === 0n && end === 0n) return out;
    if (begin === m) {
      base = end + (opts.bias ?? 0n);
      continue;
    }
    const expr = r.bytesN(r.u16());
    out.push({ kind: 'range', begin: (base + begin) & m, end: (base + end) & m, expr, offset: at });
  }
}

function readV5(r: ByteReader, opts: LocListOptions): LocListEntry[] {
  const m = mask(opts.addressSize);
  const bias = opts.bias ?? 0n;
  let base = opts.baseAddress;
  const out: LocListEntry[] = [];
  const addr = (index: number, at: number): bigint => {
    if (!opts.addrx) r.fail('location list uses .debug_addr, which is not available', at);
    return opts.addrx(index);
  };
  for (;;) {
    const at = r.pos;
    const kind = r.u8();
    let begin: bigint;
    let end: bigint;
    switch (kind) {
      case DW_LLE.end_of_list: return out;
      case DW_LLE.base_addressx: base = addr(r.uleb(), at); continue;
      case DW_LLE.base_address: base = r.uN(opts.addressSize) + bias; continue;
      case DW_LLE.GNU_view_pair: r.uleb(); r.uleb(); continue;
      case DW_LLE.default_location: out.push({ kind: 'default', expr: counted(r), offset: at }); continue;
      case DW_LLE.startx_endx: begin = addr(r.uleb(), at); end = addr(r.uleb(), at); break;
      case DW_LLE.startx_length: begin = addr(r.uleb(), at); end = begin + r.ulebBig(); break;
      case DW_LLE.offset_pair: begin = base + r.ulebBig(); end = base + r.ulebBig(); break;
      case DW_LLE.start_end: begin = r.uN(opts.addressSize) + bias; end = r.uN(opts.addressSize) + bias; break;
      case DW_LLE.start_length: begin = r.uN(opts.addressSize) + bias; end = begin + r.ulebBig(); break;
      default: return r.fail(`unknown location list entry kind 0x${kind.toString(16)}`, at);
    }
    out.push({ kind: 'range', begin: begin & m, end: end & m, expr: counted(r), offset: at });
  }
}

function counted(r: ByteReader): Uint8Array {
  return r.bytesN(r.uleb());
}

/**
 * Section offset of list `index` for DW_FORM_loclistx: the unit's offset table starts at
 * `loclistsBase` (DW_AT_loclists_base, just past the list header) and its entries are relative to it.
 */
export function loclistxOffset(section: Uint8Array, loclistsBase: number, index: number, offsetSize: 4 | 8 = 4): number {
  const r = new ByteReader(section, '.debug_loclists');
  const slot = loclistsBase + index * offsetSize;
  if (index < 0 || slot < 0 || slot + offsetSize > section.length) r.fail(`location list index ${index} outside the offset table`, loclistsBase);
  r.pos = slot;
  const rel = offsetSize === 8 ? r.u64n() : r.u32();
  return loclistsBase + rel;
}

/** Header of one .debug_loclists contribution. */
export interface LoclistsHeader {
  offset: number;
  /** Offset just past the unit (next header). */
  end: number;
  offsetSize: 4 | 8;
  version: number;
  addressSize: number;
  segmentSelectorSize: number;
  offsetEntryCount: number;
  /** What DW_AT_loclists_base points at: the first offset-table entry. */
  base: number;
}

/** Parses the .debug_loclists header at `offset`. */
export function readLoclistsHeader(section: Uint8Array, offset = 0): LoclistsHeader {
  const r = new ByteReader(section, '.debug_loclists');
  if (offset < 0 || offset >= section.length) r.fail('header offset out of range', offset);
  r.pos = offset;
  let len = r.u32();
  let offsetSize: 4 | 8 = 4;
  if (len === 0xffffffff) {
    offsetSize = 8;
    len = r.u64n();
  } else if (len >= 0xfffffff0) r.fail(`reserved unit length 0x${len.toString(16)}`, offset);
  const end = r.pos + len;
  if (end > section.length) r.fail(`unit length 0x${len.toString(16)} runs past the section`, offset);
  const version = r.u16();
  if (version !== 5) r.fail(`unsupported .debug_loclists version ${version}`, offset);
  const addressSize = r.u8();
  const segmentSelectorSize = r.u8();
  const offsetEntryCount = r.u32();
  return { offset, end, offsetSize, version, addressSize, segmentSelectorSize, offsetEntryCount, base: r.pos };
}

/** The expression that holds at `pc`: the first range containing it, else the default entry, else undefined. */
export function locationAt(entries: readonly LocListEntry[], pc: bigint): Uint8Array | undefined {
  let fallback: Uint8Array | undefined;
  for (const e of entries) {
    if (e.kind === 'default') fallback ??= e.expr;
    else if (pc >= e.begin && pc < e.end) return e.expr;
  }
  return fallback;
}
