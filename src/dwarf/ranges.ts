// Address ranges: .debug_ranges (DWARF 2-4) and .debug_rnglists (DWARF 5, every DW_RLE_* kind), plus rnglistx/loclistx offset tables.
import { ByteReader } from '../util/byte-reader.js';
import { DW_RLE } from './constants.js';

/** A half-open address range [start, end). */
export interface AddrRange {
  start: bigint;
  end: bigint;
}

/** The unit facts a range list needs: address size, the unit's base address (DW_AT_low_pc), and .debug_addr lookup. */
export interface RangeContext {
  addressSize: number;
  baseAddress: bigint;
  /** Load bias added to the absolute addresses of the list (base address entries, start_end, start_length). */
  bias: bigint;
  /** Address at `index` in the unit's .debug_addr table (DW_AT_addr_base). */
  addrx(index: number): bigint;
}

/** A DWARF 2-4 range list at `offset` in .debug_ranges. */
export function readDebugRanges(data: Uint8Array, offset: number, ctx: Pick<RangeContext, 'addressSize' | 'baseAddress' | 'bias'>): AddrRange[] {
  const r = new ByteReader(data, '.debug_ranges');
  if (offset < 0 || offset > data.length) r.fail('range list offset out of range', offset);
  r.pos = offset;
  const max = ctx.addressSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  let base = ctx.baseAddress;
  const out: AddrRange[] = [];
  for (;;) {
    const start = r.uN(ctx.addressSize);
    const end = r.uN(ctx.addressSize);
    if (start === 0n && end === 0n) break;
    if (start === max) {
      base = end + ctx.bias;
      continue;
    }
    if (end > start) out.push({ start: base + start, end: base + end });
  }
  return out;
}

/** A DWARF 5 range list at `offset` in .debug_rnglists. */
export function readRnglist(data: Uint8Array, offset: number, ctx: RangeContext): AddrRange[] {
  const r = new ByteReader(data, '.debug_rnglists');
  if (offset < 0 || offset > data.length) r.fail('range list offset out of range', offset);
  r.pos = offset;
  let base = ctx.baseAddress;
  const out: AddrRange[] = [];
  const push = (start: bigint, end: bigint): void => {
    if (end > start) out.push({ start, end });
  };
  for (;;) {
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case DW_RLE.end_of_list: return out;
      case DW_RLE.base_addressx: base = ctx.addrx(r.uleb()); break;
      case DW_RLE.startx_endx: {
        const s = ctx.addrx(r.uleb());
        push(s, ctx.addrx(r.uleb()));
        break;
      }
      case DW_RLE.startx_length: {
        const s = ctx.addrx(r.uleb());
        push(s, s + r.ulebBig());
        break;
      }
      case DW_RLE.offset_pair: {
        const s = r.ulebBig();
        const e = r.ulebBig();
        push(base + s, base + e);
        break;
      }
      case DW_RLE.base_address: base = r.uN(ctx.addressSize) + ctx.bias; break;
      case DW_RLE.start_end: {
        const s = r.uN(ctx.addressSize) + ctx.bias;
        push(s, r.uN(ctx.addressSize) + ctx.bias);
        break;
      }
      case DW_RLE.start_length: {
        const s = r.uN(ctx.addressSize) + ctx.bias;
        push(s, s + r.ulebBig());
        break;
      }
      default:
        r.fail(`unknown range list entry kind 0x${kind.toString(16)}`, at);
    }
  }
}

/**
 * Offset of list `index` from the offsets table at `base` (DW_AT_rnglists_base / DW_AT_loclists_base):
 * entries are offsetSize bytes, relative to `base`. Works for .debug_rnglists and .debug_loclists.
 */
export function listxOffset(data: Uint8Array, section: string, base: number, index: number, offsetSize: number): number {
  const r = new ByteReader(data, section);
  const at = base + index * offsetSize;
  if (at < 0 || at + offsetSize > data.length) r.fail(`list index ${index} outside the offsets table at 0x${base.toString(16)}`, at);
  r.pos = at;
  return base + (offsetSize === 8 ? r.u64n() : r.u32());
}
