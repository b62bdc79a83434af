// LinuxCore against gdb on real kernel cores of crash fixtures: registers of every thread, memory, signal; bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compileFixture } from '../../helpers/build.js';
import { openElf, PT_LOAD } from '../../../src/elf/elf.js';
import { LinuxCore } from '../../../src/target/core-file/linux-core.js';
import { UnmappedAddressError } from '../../../src/target/core-file/unmapped.js';
import { crashCore } from './crash-core.js';
import { gdbCoreView } from './gdb-core.js';

const GENERAL = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base'];
const AT_ENTRY = 9;
const SIGNALS: Record<string, number> = { SIGSEGV: 11, SIGABRT: 6 };

const CASES = [
  { label: 'segv, gcc defaults (PIE)', src: 'segv.c', flags: ['-g'], signal: 'SIGSEGV', threads: 1 },
  { label: 'segv, -no-pie -O0', src: 'segv.c', flags: ['-g', '-no-pie', '-O0'], signal: 'SIGSEGV', threads: 1 },
  { label: 'segv, -O2', src: 'segv.c', flags: ['-g', '-O2'], signal: 'SIGSEGV', threads: 1 },
  { label: 'abort', src: 'abort.c', flags: ['-g'], signal: 'SIGABRT', threads: 1 },
  { label: 'four threads, one faults', src: 'threads.c', flags: ['-g', '-pthread'], signal: 'SIGSEGV', threads: 4 },
];

/** Run-time address of a symbol of the executable: its link-time value plus the PIE bias from AT_ENTRY. */
function symbolAddress(exe: string, core: LinuxCore, name: string): bigint {
  const elf = openElf(exe);
  const sym = elf.symbols().find((s) => s.name === name);
  assert.ok(sym, `${name} in ${exe}`);
  const entry = core.auxv.find((e) => e.type === AT_ENTRY)?.value;
  assert.ok(entry !== undefined, 'AT_ENTRY in NT_AUXV');
  return sym.value + (entry - elf.entry);
}

/** An address in libc's text that the kernel did not dump (PT_LOAD with p_filesz 0): read from the mapped file. */
function libcTextNotDumped(coreFile: string, core: LinuxCore): bigint | undefined {
  const elf = openElf(coreFile);
  for (const m of core.mappings.filter((f) => /\/libc\.so/.test(f.path))) {
    const seg = elf.segments.find((s) => s.type === PT_LOAD && s.filesz === 0 && s.flags & 1 && s.vaddr >= m.start && s.vaddr < m.end);
    if (seg) return seg.vaddr + 0x100n;
  }
  return undefined;
}

for (const c of CASES) {
  test(`Linux core: ${c.label} — threads, registers, signal and memory equal gdb's`, () => {
    const name = basename(c.src, '.c');
    const exe = compileFixture([`crash/${c.src}`], c.flags, name);
    const { core: coreFile, source } = crashCore(exe);
    if (source !== 'kernel') console.log(`# ${c.label}: the kernel wrote no core; using gdb's gcore`);
    const core = LinuxCore.open(coreFile);
    try {
      assert.equal(core.threads.length, c.threads);
      assert.equal(core.programName, name);
      assert.equal(core.signal, SIGNALS[c.signal]);
      assert.equal(core.threads[0]!.signal, SIGNALS[c.signal], 'pr_cursig of the faulting thread');
      for (const t of core.threads) for (const r of GENERAL) assert.ok(t.registers.has(r), `${r} of ${t.tid}`);
      assert.equal(core.threads[0]!.fpRegisters.size > 20, true, 'NT_FPREGSET decoded');
      if (c.signal === 'SIGSEGV') assert.equal(core.sigInfo?.addr, 0n, 'si_addr: the null write');
      else assert.equal(core.sigInfo?.pid, core.psInfo?.pid, 'abort() signals itself');
      assert.ok(core.mappings.some((m) => m.path === exe), 'NT_FILE lists the executable');

      const t0 = core.threads[0]!.registers;
      const sp = t0.get('rsp')!;
      const pc = t0.get('rip')!;
      const reads = [{ addr: sp, len: 64 }, { addr: pc - 8n, len: 24 }];
      let heap: bigint | undefined;
      if (name === 'segv') {
        const blockVar = symbolAddress(exe, core, 'heap_block');
        heap = new DataView(core.readMemory(blockVar, 8).buffer).getBigUint64(0, true);
        assert.equal(Buffer.from(core.readMemory(heap, 15)).toString('latin1'), 'heap says hello');
        reads.push({ addr: blockVar, len: 8 }, { addr: heap, len: 32 });
      }
      const libc = libcTextNotDumped(coreFile, core);
      assert.ok(libc !== undefined, 'libc has text the kernel did not dump');
      reads.push({ addr: libc, len: 32 });
      const mainAddr = symbolAddress(exe, core, 'main');
      reads.push({ addr: mainAddr, len: 16 });

      const gdb = gdbCoreView(exe, coreFile, reads);
      assert.equal(gdb.signalName, c.signal, gdb.raw);
      assert.equal(core.threads[0]!.tid, gdb.firstTid, 'thread 1 is the thread that took the signal');
      assert.deepEqual([...gdb.registers.keys()].sort(), core.threads.map((t) => t.tid).sort());
      for (const t of core.threads) {
        const theirs = gdb.registers.get(t.tid)!;
        for (const r of ['rip', 'rsp', 'rax', 'eflags', 'cs']) assert.ok(theirs.has(r), `gdb shows ${r}\n${gdb.raw}`);
        for (const [r, v] of theirs) {
          if (!GENERAL.includes(r)) continue;
          assert.equal(t.registers.get(r), v, `${r} of thread ${t.tid}`);
        }
      }
      for (const r of reads) {
        const theirs = gdb.memory.get(r.addr);
        assert.equal(theirs?.length, r.len, `gdb read ${r.len} bytes at 0x${r.addr.toString(16)}\n${gdb.raw}`);
        assert.deepEqual([...core.readMemory(r.addr, r.len)], theirs, `memory at 0x${r.addr.toString(16)}`);
      }
    } finally {
      core.close();
    }
  });
}

test('Linux core: an unmapped address, a file that is not a core, truncated and garbage cores give one clear error', () => {
  const exe = compileFixture(['crash/segv.c'], ['-g'], 'segv');
  const { core: coreFile } = crashCore(exe);
  const core = LinuxCore.open(coreFile);
  try {
    assert.throws(() => core.readMemory(0x10n, 4), (e: unknown) => e instanceof UnmappedAddressError && e.address === 0x10n && /0x10\b/.test(e.message));
    assert.throws(() => core.readMemory(0xffffffffffff0000n, 1), UnmappedAddressError);
  } finally {
    core.close();
  }
  assert.throws(() => LinuxCore.open(exe), /not a core file/);
  const dir = mkdtempSync(join(tmpdir(), 'duster-badcore-'));
  const bytes = readFileSync(coreFile);
  const cut = join(dir, 'cut');
  writeFileSync(cut, bytes.subarray(0, 4096 + 100));
  assert.throws(() => LinuxCore.open(cut).readMemory(core.threads[0]!.registers.get('rsp')!, 8), /cut/);
  const garbage = Buffer.from(bytes.subarray(0, 1 << 16));
  // Wreck the notes: an absurd NT_FILE count / descsz everywhere after the program headers.
  for (let i = 64 + 56 * 4; i < garbage.length; i += 4) garbage.writeUInt32LE(0xfffffff0, i);
  const g = join(dir, 'garbage');
  writeFileSync(g, garbage);
  assert.throws(() => LinuxCore.open(g), /garbage/);
  copyFileSync('/dev/null', join(dir, 'empty'));
  assert.throws(() => LinuxCore.open(join(dir, 'empty')), /not an ELF file/);
  assert.throws(() => LinuxCore.open(join(dir, 'missing')), /No such file/);
});
