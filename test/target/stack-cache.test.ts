// The gdb-remote stack cache: which reads it serves, how it fills, and what empties it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryError } from '../../src/target/contract.js';
import { StackCache } from '../../src/target/gdb-remote/stack-cache.js';

/** A memory of `size` bytes at `base` whose byte at a is (a & 0xff); counts fetches. */
function memory(base: bigint, size: number) {
  const fetches: [bigint, number][] = [];
  const fetch = async (a: bigint, n: number): Promise<Uint8Array> => {
    fetches.push([a, n]);
    if (a < base || a + BigInt(n) > base + BigInt(size)) throw new MemoryError(a < base ? a : base + BigInt(size));
    return Uint8Array.from({ length: n }, (_, i) => Number((a + BigInt(i)) & 0xffn));
  };
  return { fetches, fetch };
}

const expected = (a: bigint, n: number) => Uint8Array.from({ length: n }, (_, i) => Number((a + BigInt(i)) & 0xffn));

test('reads near a stack pointer come from one aligned read of their line and the one above; the same bytes as uncached', async () => {
  const m = memory(0x7fff0000n, 0x10000);
  const c = new StackCache();
  c.noteStackPointer(0x7fff8560n);
  for (const [a, n] of [[0x7fff8588n, 8], [0x7fff8580n, 8], [0x7fff85c8n, 8], [0x7fff85b8n, 8], [0x7fff8574n, 4], [0x7fff8573n, 1]] as const) {
    assert.deepEqual(await c.read(a, n, m.fetch), expected(a, n));
  }
  assert.deepEqual(m.fetches, [[0x7fff8500n, 512]], 'one read: the line and the one above');
  // A read across the two lines needs nothing more; one past them takes its line and the next.
  assert.deepEqual(await c.read(0x7fff85f8n, 16, m.fetch), expected(0x7fff85f8n, 16));
  assert.deepEqual(m.fetches.length, 1);
  assert.deepEqual(await c.read(0x7fff86f8n, 16, m.fetch), expected(0x7fff86f8n, 16));
  assert.deepEqual(m.fetches.slice(1), [[0x7fff8700n, 512]]);
});

test('reads away from every stack pointer, and before any is known, go to the target as asked', async () => {
  const m = memory(0x1000n, 0x100000);
  const c = new StackCache();
  await c.read(0x4000n, 4, m.fetch);
  c.noteStackPointer(0x80000n);
  await c.read(0x4000n, 4, m.fetch);
  await c.read(0x80000n - 0x200n, 8, m.fetch); // below the red zone
  assert.deepEqual(m.fetches, [[0x4000n, 4], [0x4000n, 4], [0x80000n - 0x200n, 8]]);
});

test('a line that runs off the readable stack falls back to the bytes asked for', async () => {
  const m = memory(0x7fff0000n, 0x8590); // readable up to 0x7fff8590
  const c = new StackCache();
  c.noteStackPointer(0x7fff8560n);
  assert.deepEqual(await c.read(0x7fff8580n, 8, m.fetch), expected(0x7fff8580n, 8));
  assert.deepEqual(m.fetches, [[0x7fff8500n, 512], [0x7fff8500n, 256], [0x7fff8580n, 8]], 'two lines, one, then the bytes asked for');
  await assert.rejects(c.read(0x7fff858cn, 8, m.fetch), MemoryError);
});

test('clear() forgets the lines and the stack pointers', async () => {
  const m = memory(0x7fff0000n, 0x10000);
  const c = new StackCache();
  c.noteStackPointer(0x7fff8560n);
  await c.read(0x7fff8588n, 8, m.fetch);
  c.clear();
  await c.read(0x7fff8588n, 8, m.fetch);
  c.noteStackPointer(0x7fff8560n);
  await c.read(0x7fff8588n, 8, m.fetch);
  assert.deepEqual(m.fetches, [[0x7fff8500n, 512], [0x7fff8588n, 8], [0x7fff8500n, 512]]);
});

test('the line above is left out when it is cached already, and when it is past the stack', async () => {
  const m = memory(0x7fff0000n, 0x10000);
  const c = new StackCache();
  c.noteStackPointer(0x7fff8560n);
  await c.read(0x7fff8600n, 8, m.fetch); // 0x8600 and 0x8700
  await c.read(0x7fff8500n, 8, m.fetch); // 0x8500 only: 0x8600 is cached
  assert.deepEqual(m.fetches, [[0x7fff8600n, 512], [0x7fff8500n, 256]]);
  const big = memory(0x7fff0000n, 0x200000);
  const far = new StackCache();
  far.noteStackPointer(0x7fff8560n);
  const last = 0x800f8400n; // the last whole line within 1 MiB above the stack pointer: the one above it is not stack
  assert.deepEqual(await far.read(last + 8n, 8, big.fetch), expected(last + 8n, 8));
  assert.deepEqual(big.fetches, [[last, 256]]);
});
