// Hand-assembled location lists: every DW_LLE kind, loclistx offset tables, DWARF 4 base selection, view pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DW_LLE, locationAt, loclistxOffset, readLocList, readLoclistsHeader, type LocListEntry } from '../../src/dwarf/loclists.js';
import { FormatError } from '../../src/util/errors.js';
import { uleb } from '../helpers/leb128.js';

const le = (v: bigint | number, size: number): number[] => {
  let x = BigInt.asUintN(size * 8, BigInt(v));
  const out: number[] = [];
  for (let i = 0; i < size; i++, x >>= 8n) out.push(Number(x & 0xffn));
  return out;
};
const REG5 = [0x55];
const REG4 = [0x54];
const FB = [0x91, 0x6c];
const counted = (e: number[]): number[] => [...uleb(e.length), ...e];
const simplify = (es: LocListEntry[]) => es.map((e) => (e.kind === 'range' ? [e.begin, e.end, [...e.expr]] : ['default', [...e.expr]]));
const addrx = (i: number): bigint => 0x10000n + BigInt(i) * 0x100n;

test('DWARF 5: every DW_LLE kind, with the base address and .debug_addr applied', () => {
  const bytes = Uint8Array.from([
    0xee, // padding: the list starts at 1
    DW_LLE.offset_pair, ...uleb(0x10), ...uleb(0x20), ...counted(REG5), // base = unit base 0x1000
    DW_LLE.base_address, ...le(0x2000, 8),
    DW_LLE.GNU_view_pair, ...uleb(1), ...uleb(2),
    DW_LLE.offset_pair, ...uleb(0), ...uleb(4), ...counted(REG4),
    DW_LLE.base_addressx, ...uleb(3),
    DW_LLE.offset_pair, ...uleb(1), ...uleb(2), ...counted(FB),
    DW_LLE.startx_endx, ...uleb(1), ...uleb(2), ...counted(REG5),
    DW_LLE.startx_length, ...uleb(4), ...uleb(0x30), ...counted(REG4),
    DW_LLE.start_end, ...le(0x5000, 8), ...le(0x5010, 8), ...counted(FB),
    DW_LLE.start_length, ...le(0x6000, 8), ...uleb(0x300), ...counted([]),
    DW_LLE.default_location, ...counted([0x9c]),
    DW_LLE.end_of_list,
    0xee,
  ]);
  const entries = readLocList(bytes, 1, { version: 5, addressSize: 8, baseAddress: 0x1000n, addrx });
  assert.deepEqual(simplify(entries), [
    [0x1010n, 0x1020n, REG5],
    [0x2000n, 0x2004n, REG4],
    [0x10301n, 0x10302n, FB],
    [0x10100n, 0x10200n, REG5],
    [0x10400n, 0x10430n, REG4],
    [0x5000n, 0x5010n, FB],
    [0x6000n, 0x6300n, []],
    ['default', [0x9c]],
  ]);
  assert.equal(entries[0]!.offset, 1);
  assert.deepEqual([...locationAt(entries, 0x1015n)!], REG5);
  assert.deepEqual([...locationAt(entries, 0x2003n)!], REG4);
  assert.deepEqual([...locationAt(entries, 0x2004n)!], [0x9c], 'falls back to the default entry');
  assert.equal(locationAt(entries.slice(0, 2), 0x2004n), undefined);
});

test('DWARF 5 with 4-byte addresses wraps at 32 bits', () => {
  const bytes = Uint8Array.from([DW_LLE.base_address, ...le(0xfffffff0, 4), DW_LLE.offset_pair, ...uleb(0x8), ...uleb(0x20), ...counted(REG5), DW_LLE.end_of_list]);
  assert.deepEqual(simplify(readLocList(bytes, 0, { version: 5, addressSize: 4, baseAddress: 0n })), [[0xfffffff8n, 0x10n, REG5]]);
});

test('DW_FORM_loclistx: the offset table after the header gives offsets relative to loclists_base', () => {
  const list0 = [DW_LLE.start_length, ...le(0x400000, 8), ...uleb(8), ...counted(REG5), DW_LLE.end_of_list];
  const list1 = [DW_LLE.default_location, ...counted(REG4), DW_LLE.end_of_list];
  const table = [...le(8, 4), ...le(8 + list0.length, 4)];
  const body = [...le(5, 2), 8, 0, ...le(2, 4), ...table, ...list0, ...list1];
  const bytes = Uint8Array.from([...le(body.length, 4), ...body]);
  const h = readLoclistsHeader(bytes);
  assert.deepEqual(h, { offset: 0, end: bytes.length, offsetSize: 4, version: 5, addressSize: 8, segmentSelectorSize: 0, offsetEntryCount: 2, base: 12 });
  const off1 = loclistxOffset(bytes, h.base, 1);
  assert.equal(off1, 12 + 8 + list0.length);
  assert.deepEqual(simplify(readLocList(bytes, off1, { version: 5, addressSize: 8, baseAddress: 0n })), [['default', REG4]]);
  assert.deepEqual(simplify(readLocList(bytes, loclistxOffset(bytes, h.base, 0), { version: 5, addressSize: 8, baseAddress: 0n })), [[0x400000n, 0x400008n, REG5]]);
  assert.throws(() => loclistxOffset(bytes, h.base, 100), /outside the offset table/);
  const wide = Uint8Array.from([0xff, 0xff, 0xff, 0xff, ...le(8, 8), ...le(5, 2), 8, 0, ...le(0, 4)]);
  assert.equal(readLoclistsHeader(wide).offsetSize, 8);
  assert.equal(readLoclistsHeader(wide).base, 20);
  assert.throws(() => readLoclistsHeader(Uint8Array.from([...le(8, 4), ...le(4, 2), 8, 0, 0, 0, 0, 0])), /version 4/);
});

test('DWARF 4 .debug_loc: pairs relative to the base, base-address selection, 32-bit addresses', () => {
  const bytes = Uint8Array.from([
    ...le(0x10, 8), ...le(0x20, 8), ...le(1, 2), ...REG5,
    ...le(-1n, 8), ...le(0x400000, 8), // base selection
    ...le(0x4, 8), ...le(0x8, 8), ...le(2, 2), ...FB,
    ...le(0, 8), ...le(0, 8),
  ]);
  const entries = readLocList(bytes, 0, { version: 4, addressSize: 8, baseAddress: 0x1000n });
  assert.deepEqual(simplify(entries), [[0x1010n, 0x1020n, REG5], [0x400004n, 0x400008n, FB]]);
  assert.deepEqual(entries.map((e) => e.offset), [0, 19 + 16]);
  const b32 = Uint8Array.from([...le(0xffffffff, 4), ...le(0x8000, 4), ...le(0, 4), ...le(4, 4), ...le(1, 2), ...REG4, ...le(0, 4), ...le(0, 4)]);
  assert.deepEqual(simplify(readLocList(b32, 0, { version: 3, addressSize: 4, baseAddress: 0n })), [[0x8000n, 0x8004n, REG4]]);
});

test('bad lists are FormatErrors: unknown kinds, truncation, no .debug_addr, bad offsets', () => {
  const o = { version: 5, addressSize: 8, baseAddress: 0n };
  assert.throws(() => readLocList(Uint8Array.from([0x2a]), 0, o), (e: unknown) => e instanceof FormatError && /unknown location list entry kind 0x2a.*\.debug_loclists at offset 0x0/.test(e.message));
  assert.throws(() => readLocList(Uint8Array.from([DW_LLE.offset_pair, 1, 2, 5, 0x55]), 0, o), /truncated/);
  assert.throws(() => readLocList(Uint8Array.from([DW_LLE.startx_endx, 1, 2, 0]), 0, o), /\.debug_addr/);
  assert.throws(() => readLocList(Uint8Array.from([0]), 5, o), /out of range/);
  assert.throws(() => readLocList(Uint8Array.from([...le(1, 8), ...le(2, 8)]), 0, { ...o, version: 4 }), /truncated/);
  assert.throws(() => readLocList(Uint8Array.from([0]), 0, { ...o, addressSize: 2 }), /address size/);
});
