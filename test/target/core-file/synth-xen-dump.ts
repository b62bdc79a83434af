// Test helper: writes a synthetic `xl dump-core` file with the exact layout of tools/libs/guest/xg_core.c.
import { writeFileSync } from 'node:fs';

const PAGE = 4096;
/** offsetof() in struct vcpu_guest_context (x86_64), printed by gcc from xen/include/public/xen.h. */
export const CTX = {
  size: 5168, flags: 512, r15: 520, rax: 600, rip: 648, cs: 656, rflags: 664, rsp: 672, ss: 680, es: 688, ds: 696, fs: 704, gs: 712,
  ctrlreg1: 4992, ctrlreg3: 5008, fs_base: 5144, gs_base_kernel: 5152, gs_base_user: 5160,
} as const;
/** cpu_user_regs from r15 up to rdi, 8 bytes each. */
export const GPR_ORDER = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi'];

export interface SynthVcpu {
  /** Register name -> value; names as in cpu_user_regs (rflags) plus fs_base, gs_base_kernel, gs_base_user. */
  regs: Record<string, bigint>;
  flags: bigint;
  cr3: bigint;
  cr1?: bigint;
}

export interface SynthDump {
  /** 'pv' writes .xen_p2m ({pfn, gmfn} pairs); 'hvm' writes .xen_pfn and the HVM magic. */
  kind: 'pv' | 'hvm';
  vcpus: SynthVcpu[];
  /** Pages in file order: pfn, machine frame (ignored for hvm) and contents. */
  pages: { pfn: bigint; mfn: bigint; bytes: Uint8Array }[];
  xenVersion?: { major: number; minor: number; extra: string };
}

export function writeSynthDump(path: string, d: SynthDump): void {
  const names = ['', '.shstrtab', '.note.Xen', '.xen_prstatus', '.xen_shared_info', '.xen_pages', d.kind === 'pv' ? '.xen_p2m' : '.xen_pfn'];
  let strtab = '';
  const nameOff = names.map((n) => { const o = strtab.length; strtab += n + '\0'; return o; });
  const shnum = names.length;

  const note = (type: number, desc: Buffer): Buffer => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(4, 0); h.writeUInt32LE(desc.length, 4); h.writeUInt32LE(type, 8); h.write('Xen\0', 12, 'latin1');
    return Buffer.concat([h, desc]);
  };
  const header = Buffer.alloc(32);
  header.writeBigUInt64LE(d.kind === 'pv' ? 0xf00febedn : 0xf00febeen, 0);
  header.writeBigUInt64LE(BigInt(d.vcpus.length), 8);
  header.writeBigUInt64LE(BigInt(d.pages.length), 16);
  header.writeBigUInt64LE(BigInt(PAGE), 24);
  const version = Buffer.alloc(1280);
  const v = d.xenVersion ?? { major: 4, minor: 17, extra: '.3' };
  version.writeBigUInt64LE(BigInt(v.major), 0); version.writeBigUInt64LE(BigInt(v.minor), 8); version.write(v.extra, 16, 'latin1');
  version.writeBigUInt64LE(BigInt(PAGE), 1272);
  const format = Buffer.alloc(8);
  format.writeBigUInt64LE(1n, 0);
  const notes = Buffer.concat([note(0x2000000, Buffer.alloc(0)), note(0x2000001, header), note(0x2000002, version), note(0x2000003, format)]);

  const prstatus = Buffer.alloc(CTX.size * d.vcpus.length);
  d.vcpus.forEach((vc, i) => {
    const b = prstatus.subarray(i * CTX.size);
    b.writeBigUInt64LE(vc.flags, CTX.flags);
    GPR_ORDER.forEach((n, k) => b.writeBigUInt64LE(vc.regs[n] ?? 0n, CTX.r15 + k * 8));
    b.writeBigUInt64LE(vc.regs.rip ?? 0n, CTX.rip);
    b.writeBigUInt64LE(vc.regs.rflags ?? 0n, CTX.rflags);
    b.writeBigUInt64LE(vc.regs.rsp ?? 0n, CTX.rsp);
    for (const s of ['cs', 'ss', 'es', 'ds', 'fs', 'gs'] as const) b.writeUInt16LE(Number(vc.regs[s] ?? 0n), CTX[s]);
    b.writeUInt8(1, CTX.cs + 4); // saved_upcall_mask: not a register, must not leak into cs
    b.writeBigUInt64LE(vc.cr1 ?? 0n, CTX.ctrlreg1);
    b.writeBigUInt64LE(vc.cr3, CTX.ctrlreg3);
    for (const s of ['fs_base', 'gs_base_kernel', 'gs_base_user'] as const) b.writeBigUInt64LE(vc.regs[s] ?? 0n, CTX[s]);
  });
  const shared = Buffer.alloc(PAGE, 0x5a);

  // Offsets as xg_core.c computes them: headers right after the ELF header, then notes, prstatus, shared_info,
  // padding to a page boundary, pages, the p2m/pfn table, and the string table last.
  const noteOff = 64 + shnum * 64;
  const prOff = noteOff + notes.length;
  const shOff = prOff + prstatus.length;
  const pagesOff = Math.ceil((shOff + PAGE) / PAGE) * PAGE;
  const pagesBuf = Buffer.alloc(d.pages.length * PAGE);
  d.pages.forEach((p, i) => pagesBuf.set(p.bytes.subarray(0, PAGE), i * PAGE));
  const table = Buffer.alloc(d.pages.length * (d.kind === 'pv' ? 16 : 8));
  d.pages.forEach((p, i) => {
    if (d.kind === 'pv') { table.writeBigUInt64LE(p.pfn, i * 16); table.writeBigUInt64LE(p.mfn, i * 16 + 8); }
    else table.writeBigUInt64LE(p.pfn, i * 8);
  });
  const tableOff = pagesOff + pagesBuf.length;
  const strOff = tableOff + table.length;

  const ehdr = Buffer.alloc(64);
  ehdr.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 1], 0);
  ehdr.writeUInt16LE(4, 16); // ET_CORE
  ehdr.writeUInt16LE(62, 18); // EM_X86_64
  ehdr.writeUInt32LE(1, 20);
  ehdr.writeBigUInt64LE(64n, 40); // e_shoff
  ehdr.writeUInt16LE(64, 52); ehdr.writeUInt16LE(56, 54); ehdr.writeUInt16LE(0, 56);
  ehdr.writeUInt16LE(64, 58); ehdr.writeUInt16LE(shnum, 60); ehdr.writeUInt16LE(1, 62);
  const sh = Buffer.alloc(shnum * 64);
  const set = (i: number, type: number, off: number, size: number, align: number, entsize: number): void => {
    const b = sh.subarray(i * 64);
    b.writeUInt32LE(nameOff[i]!, 0); b.writeUInt32LE(type, 4);
    b.writeBigUInt64LE(BigInt(off), 24); b.writeBigUInt64LE(BigInt(size), 32);
    b.writeBigUInt64LE(BigInt(align), 48); b.writeBigUInt64LE(BigInt(entsize), 56);
  };
  set(1, 3, strOff, strtab.length, 0, 0);
  set(2, 7, noteOff, notes.length, 0, 0);
  set(3, 1, prOff, prstatus.length, 8, CTX.size);
  set(4, 1, shOff, PAGE, 8, PAGE);
  set(5, 1, pagesOff, pagesBuf.length, PAGE, PAGE);
  set(6, 1, tableOff, table.length, 8, d.kind === 'pv' ? 16 : 8);
  const pad = Buffer.alloc(pagesOff - (shOff + PAGE));
  writeFileSync(path, Buffer.concat([ehdr, sh, notes, prstatus, shared, pad, pagesBuf, table, Buffer.from(strtab, 'latin1')]));
}

/** A page-table page: entries index -> (frame << 12) | flags. */
export function tablePage(entries: [number, bigint][]): Uint8Array {
  const b = Buffer.alloc(PAGE);
  for (const [i, e] of entries) b.writeBigUInt64LE(e, i * 8);
  return b;
}

/** A data page whose every 8-byte word is `tag << 32 | offset`, so any read says where it came from. */
export function dataPage(tag: number): Uint8Array {
  const b = Buffer.alloc(PAGE);
  for (let o = 0; o < PAGE; o += 8) b.writeBigUInt64LE((BigInt(tag) << 32n) | BigInt(o), o);
  return b;
}
