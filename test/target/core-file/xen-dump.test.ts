// XenDump on synthetic dump-core files: registers of each vCPU, translation through 4 KiB / 2 MiB / 1 GiB pages, bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XenDump } from '../../../src/target/core-file/xen-dump.js';
import { UnmappedAddressError } from '../../../src/target/core-file/unmapped.js';
import { walk } from '../../../src/target/core-file/page-walk.js';
import { dataPage, tablePage, writeSynthDump, type SynthVcpu } from './synth-xen-dump.js';

const DIR = mkdtempSync(join(tmpdir(), 'duster-xendump-'));
const P = 0x67n; // present, rw, user, accessed, dirty
const PS = 0x80n;
const INVALID = 0xffff_ffff_ffff_ffffn;
/** PV: the machine frame of a pfn, deliberately not the identity (and decreasing). */
const mfn = (pfn: bigint): bigint => 0x9000n - pfn * 3n;
const pte = (frame: bigint, flags = P): bigint => (frame << 12n) | flags;

const K = 0xffff_8000_0010_0000n; // PML4[256] PDPT[0] PD[0] PT[0x100]: 4 KiB pages
const U2 = 0x4000_0000n; // PML4[0] PDPT[1] PD[0]: a 2 MiB page
const U1 = 0x8000_0000n; // PML4[0] PDPT[2]: a 1 GiB page
const SUPER2M = 0x20000n; // machine frame of the 2 MiB page (512-frame aligned)
const SUPER1G = 0x40000n; // machine frame of the 1 GiB page (0x40000-frame aligned)

const VCPU0: SynthVcpu = {
  regs: {
    rax: 0x1111_2222_3333_4444n, rbx: 2n, rcx: 3n, rdx: 4n, rsi: 5n, rdi: 6n, rbp: 0xffff_8000_0010_0ff0n, rsp: 0xffff_8000_0010_0f00n,
    r8: 8n, r9: 9n, r10: 10n, r11: 11n, r12: 12n, r13: 13n, r14: 14n, r15: 0xf15n,
    rip: 0xffff_8000_0000_1234n, rflags: 0x246n, cs: 0xe033n, ss: 0xe02bn, ds: 0n, es: 0n, fs: 0n, gs: 0n,
    fs_base: 0x1000n, gs_base_kernel: 0xffff_8000_0000_9000n, gs_base_user: 0x7fff_0000n,
  },
  flags: (1n << 2n) | (1n << 5n), // VGCF_in_kernel | VGCF_online
  cr3: mfn(0n) << 12n,
  cr1: mfn(8n) << 12n,
};
const VCPU1: SynthVcpu = { regs: { ...VCPU0.regs, rax: 0xaan, rip: 0x4000_1000n }, flags: 1n << 5n, cr3: mfn(8n) << 12n };

function pvDump(): string {
  const pages = new Map<bigint, Uint8Array>([
    [0n, tablePage([[256, pte(mfn(1n))], [0, pte(mfn(6n))]])],
    [1n, tablePage([[0, pte(mfn(2n))]])],
    [2n, tablePage([[0, pte(mfn(3n))]])],
    [3n, tablePage([[0x100, pte(mfn(4n))], [0x101, pte(mfn(5n))], [0x102, pte(mfn(9n), P & ~1n)], [0x103, pte(0xdeadn)]])],
    [4n, dataPage(4)],
    [5n, dataPage(5)],
    [6n, tablePage([[1, pte(mfn(7n))], [2, pte(SUPER1G, P | PS)]])],
    [7n, tablePage([[0, pte(SUPER2M, P | PS)]])],
    [8n, tablePage([[256, pte(mfn(1n))]])],
  ]);
  const order = [5n, 3n, 0n, 8n, 1n, 2n, 7n, 6n, 4n];
  const list = order.map((pfn) => ({ pfn, mfn: mfn(pfn), bytes: pages.get(pfn)! }));
  list.splice(1, 0, { pfn: 0x105n, mfn: SUPER2M + 5n, bytes: dataPage(0x105) });
  list.splice(4, 0, { pfn: 0x200n, mfn: SUPER1G + 0x12345n, bytes: dataPage(0x200) });
  list.push({ pfn: 0x100n, mfn: SUPER2M, bytes: dataPage(0x100) });
  list.push({ pfn: INVALID, mfn: INVALID, bytes: new Uint8Array(4096) }); // xg_core.c pads a shrunk domain like this
  const path = join(DIR, 'pv.core');
  writeSynthDump(path, { kind: 'pv', vcpus: [VCPU0, VCPU1], pages: list, xenVersion: { major: 4, minor: 17, extra: '.3-pre' } });
  return path;
}

const word = (b: Uint8Array, at = 0): bigint => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);
const tagged = (tag: number, off: number): bigint => (BigInt(tag) << 32n) | BigInt(off);

test('Xen dump (PV): header, version and the registers of each vCPU', () => {
  const d = XenDump.open(pvDump());
  try {
    assert.equal(d.domainType, 'pv');
    assert.equal(d.autoTranslated, false);
    assert.equal(d.xenVersion, '4.17.3-pre');
    assert.equal(d.formatVersion, 1n);
    assert.equal(d.nrPages, 13);
    assert.equal(d.vcpus.length, 2);
    assert.equal(d.sharedInfo?.length, 4096);
    const r0 = d.vcpus[0]!.registers;
    for (const [n, v] of Object.entries(VCPU0.regs)) assert.equal(r0.get(n === 'rflags' ? 'eflags' : n), v, n);
    assert.equal(r0.get('gs_base'), VCPU0.regs.gs_base_kernel, 'in kernel mode: gs_base is gs_base_kernel');
    assert.equal(r0.get('cr3'), mfn(0n) << 12n);
    assert.equal(d.vcpus[0]!.userCr3, mfn(8n) << 12n);
    const r1 = d.vcpus[1]!.registers;
    assert.equal(r1.get('rax'), 0xaan);
    assert.equal(r1.get('rip'), 0x4000_1000n);
    assert.equal(r1.get('gs_base'), VCPU0.regs.gs_base_user, 'in user mode: gs_base is gs_base_user');
    assert.deepEqual([...r0.keys()].sort(), ['cr3', 'cs', 'ds', 'eflags', 'es', 'fs', 'fs_base', 'gs', 'gs_base', 'gs_base_kernel', 'gs_base_user',
      'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'r8', 'r9', 'rax', 'rbp', 'rbx', 'rcx', 'rdi', 'rdx', 'rip', 'rsi', 'rsp', 'ss'].sort());
  } finally {
    d.close();
  }
});

test('Xen dump (PV): virtual reads through machine frames, 4 KiB / 2 MiB / 1 GiB pages, per-vCPU tables', () => {
  const d = XenDump.open(pvDump());
  try {
    assert.equal(word(d.readVirtual(K + 0x10n, 8)), tagged(4, 0x10));
    const across = d.readVirtual(K + 0xff8n, 16);
    assert.deepEqual([word(across, 0), word(across, 8)], [tagged(4, 0xff8), tagged(5, 0)], 'a read across two pages whose frames are not adjacent');
    assert.equal(word(d.readVirtual(U2 + 0x10n, 8)), tagged(0x100, 0x10), '2 MiB page, first frame');
    assert.equal(word(d.readVirtual(U2 + 0x5008n, 8)), tagged(0x105, 8), '2 MiB page, sixth frame');
    assert.equal(word(d.readVirtual(U1 + 0x1234_5018n, 8)), tagged(0x200, 0x18), '1 GiB page');
    assert.equal(word(d.readVirtual(K + 0x10n, 8, 1)), tagged(4, 0x10), 'vCPU 1 shares the kernel half');
    const unmapped = (addr: bigint, why: RegExp, vcpu = 0): void =>
      assert.throws(() => d.readVirtual(addr, 4, vcpu), (e: unknown) => e instanceof UnmappedAddressError && e.address === addr && why.test(e.message));
    unmapped(K + 0x2000n, /PT entry 258 is not present/);
    unmapped(K + 0x3000n, /frame 0xdead is not in the dump/);
    unmapped(U2 + 0x1000n, /frame 0x20001 is not in the dump/);
    unmapped(U2, /PML4 entry 0 is not present/, 1);
    unmapped(0x0000_8000_0000_0000n, /non-canonical/);
    assert.throws(() => d.readVirtual(K + 0xff0n, 0x2000), (e: unknown) => e instanceof UnmappedAddressError && e.address === K + 0x2000n, 'names the first missing byte');
    assert.equal(word(d.readPhysicalPage(4n)!, 8), tagged(4, 8));
    assert.equal(word(d.readPhysicalPage(0x105n)!, 0), tagged(0x105, 0));
    assert.equal(d.readPhysicalPage(9n), undefined);
    assert.throws(() => d.readVirtual(K, 4, 2), /no vCPU 2/);
  } finally {
    d.close();
  }
});

test('Xen dump (auto-translated, .xen_pfn): page tables hold guest frames', () => {
  const path = join(DIR, 'hvm.core');
  const vcpu: SynthVcpu = { regs: { rip: 0x20_3010n }, flags: 1n << 5n, cr3: 0x10n << 12n | 0x18n };
  writeSynthDump(path, {
    kind: 'hvm', vcpus: [vcpu], pages: [
      { pfn: 0x203n, mfn: 0n, bytes: dataPage(0x203) },
      { pfn: 0x10n, mfn: 0n, bytes: tablePage([[0, pte(0x11n)]]) },
      { pfn: 0x11n, mfn: 0n, bytes: tablePage([[0, pte(0x12n)]]) },
      { pfn: 0x12n, mfn: 0n, bytes: tablePage([[1, pte(0x200n, P | PS)]]) },
    ],
  });
  const d = XenDump.open(path);
  try {
    assert.equal(d.domainType, 'hvm');
    assert.equal(d.autoTranslated, true);
    assert.equal(word(d.readVirtual(0x20_3010n, 8)), tagged(0x203, 0x10));
    assert.throws(() => d.readVirtual(0x20_4000n, 1), UnmappedAddressError);
  } finally {
    d.close();
  }
});

test('page walk: the generic walker on its own (a 1 GiB page straight from the PDPT)', () => {
  const frames = new Map<bigint, Uint8Array>([[1n, tablePage([[0, pte(2n)]])], [2n, tablePage([[3, pte(0x80000n, P | PS)]])]]);
  const w = walk(1n, 0xc000_1234n, (f) => frames.get(f));
  assert.deepEqual(w, { ok: true, address: 0x8000_1234n, pageSize: 1n << 30n });
  assert.deepEqual(walk(1n, 0x1000n, (f) => frames.get(f)), { ok: false, why: 'PDPT entry 0 is not present' });
});

test('Xen dump: bad files give one clear error', () => {
  const good = readFileSync(pvDump());
  const bad = (name: string, bytes: Uint8Array, why: RegExp): void => {
    const p = join(DIR, name);
    writeFileSync(p, bytes);
    assert.throws(() => XenDump.open(p), (e: unknown) => e instanceof Error && why.test(e.message) && e.message.includes(name));
  };
  bad('truncated.core', good.subarray(0, 9000), /extends past the end of the file/);
  const pages = Buffer.from(good);
  // header note: nr_pages (after ELF header, 7 section headers, the NONE note, 16 bytes of the header note, magic, nr_vcpus)
  pages.writeBigUInt64LE(1n << 40n, 64 + 7 * 64 + 16 + 16 + 16);
  bad('pages.core', pages, /header claims 1099511627776 pages/);
  const vcpus = Buffer.from(good);
  vcpus.writeBigUInt64LE(1000n, 64 + 7 * 64 + 16 + 16 + 8);
  bad('vcpus.core', vcpus, /header claims 1000 vCPUs/);
  const magic = Buffer.from(good);
  magic.writeBigUInt64LE(0x1234n, 64 + 7 * 64 + 16 + 16);
  bad('magic.core', magic, /bad dump-core magic/);
  const note = Buffer.from(good);
  note.writeUInt32LE(0xffff_fff0, 64 + 7 * 64 + 4); // descsz of the first note
  bad('note.core', note, /truncated/);
});
