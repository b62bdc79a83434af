// Test helper: gdb's `info sharedlibrary` as the oracle for a library list (names and From/To).
import assert from 'node:assert/strict';
import { openElf } from '../../src/elf/elf.js';
import type { LibraryList } from '../../src/target/contract.js';

export interface GdbLibrary { from: bigint; to: bigint; name: string }

/** The rows of gdb's `info sharedlibrary` (From, To, path without gdb's "target:" prefix). */
export function gdbLibraries(out: string): GdbLibrary[] {
  return [...out.matchAll(/^(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S+(?:\s+\(\*\))?\s+(\S+)$/gm)].map((m) => ({
    from: BigInt(m[1]!), to: BigInt(m[2]!), name: m[3]!.replace(/^target:/, ''),
  }));
}

/** gdb's From/To for a library: its .text section moved by l_addr (solib_map_sections). */
export function textRange(path: string, lAddr: bigint): { from: bigint; to: bigint } {
  const text = openElf(path).section('.text');
  assert.ok(text, `.text in ${path}`);
  return { from: lAddr + text.addr, to: lAddr + text.addr + BigInt(text.size) };
}

/** Asserts that `ours` names the libraries gdb lists and that l_addr gives gdb's From/To for each. */
export function assertSameAsGdb(ours: LibraryList, gdb: GdbLibrary[], what: string): void {
  assert.ok(gdb.length >= 2, `${what}: gdb lists ld.so and libc: ${JSON.stringify(gdb.map((g) => g.name))}`);
  assert.deepEqual(ours.libraries.map((l) => l.name).sort(), gdb.map((g) => g.name).sort(), `${what}: the same libraries`);
  for (const g of gdb) {
    const lib = ours.libraries.find((l) => l.name === g.name)!;
    assert.deepEqual(textRange(g.name, lib.l_addr), { from: g.from, to: g.to }, `${what}: ${g.name} From/To from l_addr`);
  }
}
