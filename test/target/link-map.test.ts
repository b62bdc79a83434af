// readLinkMap / readRDebug / withoutVdso on synthetic process memory: the shapes gdb's solib-svr4 walks, and corrupt ones (loops, static programs, holes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AT, type AuxvEntry } from '../../src/target/auxv.js';
import { MemoryError } from '../../src/target/contract.js';
import { readLinkMap, readRDebug, withoutVdso } from '../../src/target/link-map.js';
import { UserError } from '../../src/util/errors.js';

/** Sparse little-endian memory: writes of u64s and strings, reads fail with MemoryError outside what was written. */
class Memory {
  private readonly bytes = new Map<bigint, number>();
  u64(addr: bigint, v: bigint): this {
    for (let i = 0n; i < 8n; i++) this.bytes.set(addr + i, Number((v >> (8n * i)) & 0xffn));
    return this;
  }
  u32(addr: bigint, v: number): this {
    for (let i = 0; i < 4; i++) this.bytes.set(addr + BigInt(i), (v >>> (8 * i)) & 0xff);
    return this;
  }
  /** A string and zeros up to the end of its page (the page after it stays unmapped). */
  str(addr: bigint, s: string): this {
    const end = (addr | 0xfffn) + 1n;
    for (let a = addr; a < end; a++) this.bytes.set(a, 0);
    [...Buffer.from(s)].forEach((b, i) => this.bytes.set(addr + BigInt(i), b));
    return this;
  }
  read = async (addr: bigint, len: number): Promise<Uint8Array> => {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const b = this.bytes.get(addr + BigInt(i));
      if (b === undefined) throw new MemoryError(addr + BigInt(i));
      out[i] = b;
    }
    return out;
  };
}

const PHDR = 0x555555554040n;
const BIAS = 0x555555554000n;
const DYN = 0x3dc8n;
const R_DEBUG = 0x7ffff7ffe118n;

/** A PIE's program headers (PT_PHDR, PT_LOAD, PT_DYNAMIC) and dynamic section with DT_DEBUG = rDebug. */
function program(rDebug: bigint, withDynamic = true): { mem: Memory; auxv: AuxvEntry[] } {
  const mem = new Memory();
  const ph = (i: number, type: number, offset: bigint, vaddr: bigint, memsz: bigint): void => {
    const at = PHDR + BigInt(i * 56);
    mem.u32(at, type).u32(at + 4n, 4).u64(at + 8n, offset).u64(at + 16n, vaddr).u64(at + 24n, vaddr).u64(at + 32n, memsz).u64(at + 40n, memsz).u64(at + 48n, 8n);
  };
  ph(0, 6, 0x40n, 0x40n, 0x2d8n);
  ph(1, 1, 0n, 0n, 0x1000n);
  ph(2, withDynamic ? 2 : 4, DYN, DYN, 0x40n);
  mem.u64(BIAS + DYN, 1n).u64(BIAS + DYN + 8n, 1n).u64(BIAS + DYN + 16n, 21n).u64(BIAS + DYN + 24n, rDebug).u64(BIAS + DYN + 32n, 0n).u64(BIAS + DYN + 40n, 0n).u64(BIAS + DYN + 48n, 0n).u64(BIAS + DYN + 56n, 0n);
  const auxv: AuxvEntry[] = [{ type: AT.PHDR, value: PHDR }, { type: AT.PHENT, value: 56n }, { type: AT.PHNUM, value: 3n }, { type: AT.SYSINFO_EHDR, value: 0x7ffff7fc8000n }];
  return { mem, auxv };
}

/** link_map entries at `addrs` chained in order: [l_addr, name, l_ld]. */
function chain(mem: Memory, entries: [bigint, bigint, string, bigint][], loopTo?: bigint): void {
  mem.u32(R_DEBUG, 1).u32(R_DEBUG + 4n, 0).u32(R_DEBUG + 28n, 0).u64(R_DEBUG + 8n, entries[0]![0]).u64(R_DEBUG + 16n, 0x7ffff7fcc060n).u32(R_DEBUG + 24n, 0).u64(R_DEBUG + 32n, 0x7ffff7fca000n);
  entries.forEach(([lm, lAddr, name, lLd], i) => {
    const namePtr = 0x7ffff7f00000n + BigInt(i * 0x100);
    // The last name ends right before an unmapped page: the reader must not read past it.
    const at = i === entries.length - 1 ? 0x7ffff7f10000n - BigInt(name.length + 1) : namePtr;
    mem.str(at, name);
    const next = entries[i + 1]?.[0] ?? loopTo ?? 0n;
    mem.u64(lm, lAddr).u64(lm + 8n, at).u64(lm + 16n, lLd).u64(lm + 24n, next).u64(lm + 32n, 0n);
  });
}

test('the link_map chain: program first (mainLm), empty names skipped, the vDSO left out', async () => {
  const { mem, auxv } = program(R_DEBUG);
  chain(mem, [
    [0x7ffff7ffe2e0n, BIAS, '', BIAS + DYN],
    [0x7ffff7ffe8b0n, 0x7ffff7fc8000n, 'linux-vdso.so.1', 0x7ffff7fc8448n],
    [0x7ffff7fc0400n, 0x7ffff7dd2000n, '/lib/x86_64-linux-gnu/libc.so.6', 0x7ffff7fa4b60n],
    [0x7ffff7ffdad0n, 0x7ffff7fca000n, '/lib64/ld-linux-x86-64.so.2', 0x7ffff7ffce40n],
  ]);
  const rd = await readRDebug(mem.read, auxv);
  assert.deepEqual(rd, { addr: R_DEBUG, r_version: 1, r_map: 0x7ffff7ffe2e0n, r_brk: 0x7ffff7fcc060n, r_state: 0, r_ldbase: 0x7ffff7fca000n });
  const list = withoutVdso(await readLinkMap(mem.read, auxv), auxv);
  assert.deepEqual(list, {
    mainLm: 0x7ffff7ffe2e0n,
    libraries: [
      { name: '/lib/x86_64-linux-gnu/libc.so.6', lm: 0x7ffff7fc0400n, l_addr: 0x7ffff7dd2000n, l_ld: 0x7ffff7fa4b60n },
      { name: '/lib64/ld-linux-x86-64.so.2', lm: 0x7ffff7ffdad0n, l_addr: 0x7ffff7fca000n, l_ld: 0x7ffff7ffce40n },
    ],
  });
});

test('before ld.so fills DT_DEBUG, and for a static program: no r_debug, an empty list', async () => {
  const early = program(0n);
  assert.equal(await readRDebug(early.mem.read, early.auxv), undefined);
  assert.deepEqual(await readLinkMap(early.mem.read, early.auxv), { libraries: [] });
  const fixed = program(R_DEBUG, false);
  assert.deepEqual(await readLinkMap(fixed.mem.read, fixed.auxv), { libraries: [] });
});

test('corrupt lists: a loop and a hole end in one line; no AT_PHDR is refused', async () => {
  const { mem, auxv } = program(R_DEBUG);
  chain(mem, [[0x1000n, 0n, '', 0n], [0x2000n, 0n, '/a.so', 0n]], 0x1000n);
  await assert.rejects(readLinkMap(mem.read, auxv), (e: unknown) => e instanceof UserError && e.message === "The dynamic linker's library list loops (link_map 0x1000 twice)");
  const hole = program(R_DEBUG);
  chain(hole.mem, [[0x1000n, 0n, '', 0n]], 0x9999000n);
  await assert.rejects(readLinkMap(hole.mem.read, hole.auxv), (e: unknown) => e instanceof MemoryError && e.message === 'Cannot access memory at address 0x9999000');
  await assert.rejects(readLinkMap(mem.read, []), /^UserError: Cannot find the program headers \(no AT_PHDR in the auxiliary vector\)$/);
  await assert.rejects(readLinkMap(mem.read, [...auxv.filter((e) => e.type !== AT.PHNUM), { type: AT.PHNUM, value: 70000n }]), /Implausible program headers/);
});
