// The contract suite against the post-mortem backend: a kernel core of the segv fixture and a synthetic xl dump-core file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFixture } from '../helpers/build.js';
import { openElf } from '../../src/elf/elf.js';
import { openCoreFile } from '../../src/target/core-file/open.js';
import { LinuxCoreTarget } from '../../src/target/core-file/linux-target.js';
import { XenDumpTarget } from '../../src/target/core-file/xen-target.js';
import { crashCore } from '../target/core-file/crash-core.js';
import { dataPage, tablePage, writeSynthDump } from '../target/core-file/synth-xen-dump.js';
import { runContractSuite } from './contract-suite.js';

const exe = compileFixture(['crash/segv.c'], ['-g', '-no-pie', '-O0'], 'segv');
const { core } = crashCore(exe);
const elf = openElf(exe);
const symbol = (name: string): bigint => {
  const s = elf.symbols().find((x) => x.name === name);
  if (!s) throw new Error(`${name} not in ${exe}`);
  return s.value;
};

runContractSuite('core file (Linux kernel core)', async () => {
  const target = openCoreFile(core, elf);
  const main = symbol('main');
  return {
    target,
    // Nothing runs on a core: the execution checks are skipped; these only have to be real addresses.
    breakAddress: main,
    afterBreak: main + 1n,
    afterThat: main + 2n,
    dataAddress: symbol('sink'),
    unmappedAddress: 0x10n,
    ranOnAfterDetach: async () => false,
    dispose: async () => target.close(),
  };
});

/** A one-vCPU PV dump whose page tables map the kernel page K (and nothing else). */
function xenDump(): { path: string; page: bigint } {
  const P = 0x67n; // present, rw, user, accessed, dirty
  const mfn = (pfn: bigint): bigint => 0x5000n + pfn;
  const pte = (pfn: bigint): bigint => (mfn(pfn) << 12n) | P;
  const K = 0xffff_8000_0010_0000n; // PML4[256] PDPT[0] PD[0] PT[0x100]
  const pages = [
    tablePage([[256, pte(1n)]]), tablePage([[0, pte(2n)]]), tablePage([[0, pte(3n)]]), tablePage([[0x100, pte(4n)]]), dataPage(4),
  ].map((bytes, i) => ({ pfn: BigInt(i), mfn: mfn(BigInt(i)), bytes }));
  const path = join(mkdtempSync(join(tmpdir(), 'duster-xendump-')), 'guest.core');
  const regs = { rip: K, rsp: K + 0x800n, rflags: 0x246n, cs: 0xe033n, ss: 0xe02bn, rbx: 0x1234n };
  writeSynthDump(path, { kind: 'pv', vcpus: [{ regs, flags: (1n << 2n) | (1n << 5n), cr3: mfn(0n) << 12n }], pages });
  return { path, page: K };
}

const dump = xenDump();
runContractSuite('core file (xl dump-core, synthetic PV guest)', async () => {
  const target = openCoreFile(dump.path);
  return {
    target,
    breakAddress: dump.page,
    afterBreak: dump.page + 1n,
    afterThat: dump.page + 2n,
    dataAddress: dump.page + 0x40n,
    unmappedAddress: 0x10n,
    ranOnAfterDetach: async () => false,
    dispose: async () => target.close(),
  };
});

test('a dump-core file is opened as Xen, a kernel core as Linux; each names its threads as its live backend does', async () => {
  const xen = openCoreFile(dump.path);
  const linux = openCoreFile(core, elf);
  try {
    assert.ok(xen instanceof XenDumpTarget && linux instanceof LinuxCoreTarget);
    assert.deepEqual(await xen.listVcpus(), [{ id: 0, name: 'vCPU 0', online: true }]);
    assert.deepEqual(await xen.readMemory(dump.page + 8n, 8), Uint8Array.from(dataPage(4).subarray(8, 16)));
    assert.equal((await xen.readRegisters(0)).get('rbx'), 0x1234n);
    assert.match((await linux.listVcpus())[0]!.name, /^Thread 0x[0-9a-f]+ \(LWP \d+\)$/);
    assert.equal(linux.processId, (await linux.listVcpus())[0]!.id);
  } finally {
    xen.close();
    linux.close();
  }
});
