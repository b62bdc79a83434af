// .debug_aranges with one corrupt set: the other sets still map addresses to their units, the bad one is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAranges } from '../../src/dwarf/aranges.js';

/** One DWARF 2 aranges set (32-bit offsets, 8-byte addresses) for unit `unit` covering [start, start + len). */
function set(unit: number, start: bigint, len: bigint, version = 2): number[] {
  const b = Buffer.alloc(4 + 2 + 4 + 1 + 1 + 4 + 16 + 16);
  let o = 4;
  o = b.writeUInt16LE(version, o);
  o = b.writeUInt32LE(unit, o);
  o = b.writeUInt8(8, o);
  o = b.writeUInt8(0, o);
  o += 4; // padding to the tuple size
  o = b.writeBigUInt64LE(start, o);
  o = b.writeBigUInt64LE(len, o);
  b.writeUInt32LE(b.length - 4, 0);
  return [...b];
}

test('a set with a bad version is skipped and reported; the sets after it still count', () => {
  const warnings: string[] = [];
  const data = Uint8Array.from([...set(0, 0x1000n, 0x100n), ...set(0x40, 0x2000n, 0x100n, 7), ...set(0x80, 0x3000n, 0x100n)]);
  const ranges = parseAranges(data, (m) => warnings.push(m));
  assert.deepEqual(ranges.map((r) => [r.start, r.unitOffset]), [[0x1000n, 0], [0x3000n, 0x80]]);
  assert.deepEqual(warnings, ['unsupported .debug_aranges version 7 (in .debug_aranges at offset 0x30)']);
});

test('a set whose length runs past the section ends the walk there, keeping what came before', () => {
  const warnings: string[] = [];
  const second = set(0x40, 0x2000n, 0x100n);
  second[0] = 0xf0; // length far past the end
  const ranges = parseAranges(Uint8Array.from([...set(0, 0x1000n, 0x100n), ...second]), (m) => warnings.push(m));
  assert.deepEqual(ranges.map((r) => r.start), [0x1000n]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^truncated/);
});
