// Decoders for the notes of an x86-64 Linux core: NT_PRSTATUS, NT_FPREGSET, NT_X86_XSTATE, NT_PRPSINFO, NT_FILE, NT_SIGINFO (NT_AUXV: ../auxv.ts).
import { ByteReader } from '../../util/byte-reader.js';

export const NT_PRSTATUS = 1;
export const NT_FPREGSET = 2;
export const NT_PRPSINFO = 3;
export const NT_AUXV = 6;
export const NT_SIGINFO = 0x53494749;
export const NT_FILE = 0x46494c45;
export const NT_X86_XSTATE = 0x202;

/** struct user_regs_struct (sys/user.h), in its order; orig_rax is kept as the kernel saved it. */
const USER_REGS = [
  'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
  'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
] as const;
/** Offset of pr_reg inside struct elf_prstatus (x86-64). */
const PR_REG = 112;

export interface PrStatus {
  /** pr_pid: the thread's id. */
  tid: number;
  /** pr_cursig: the signal the thread stopped with (0: none). */
  signal: number;
  registers: Map<string, bigint>;
}

export function decodePrStatus(desc: Uint8Array): PrStatus {
  const r = new ByteReader(desc, 'NT_PRSTATUS');
  r.need(PR_REG + USER_REGS.length * 8);
  r.pos = 12;
  const signal = r.u16();
  r.pos = 32;
  const tid = r.i32();
  r.pos = PR_REG;
  const registers = new Map<string, bigint>();
  for (const name of USER_REGS) registers.set(name, r.u64());
  return { tid, signal, registers };
}

/** struct user_fpregs_struct (the FXSAVE image): x87 control, st0-7 (80-bit), xmm0-15, mxcsr. */
export function decodeFpRegs(desc: Uint8Array): Map<string, bigint> {
  const r = new ByteReader(desc, 'NT_FPREGSET');
  r.need(416);
  const regs = new Map<string, bigint>();
  regs.set('fctrl', BigInt(r.u16()));
  regs.set('fstat', BigInt(r.u16()));
  regs.set('ftag_abridged', BigInt(r.u16()));
  regs.set('fop', BigInt(r.u16()));
  regs.set('fioff', r.u64());
  regs.set('fooff', r.u64());
  regs.set('mxcsr', BigInt(r.u32()));
  r.u32(); // mxcr_mask
  for (let i = 0; i < 8; i++) regs.set(`st${i}`, le(r.bytesN(16).subarray(0, 10)));
  for (let i = 0; i < 16; i++) regs.set(`xmm${i}`, le(r.bytesN(16)));
  return regs;
}

export interface PsInfo {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  /** pr_fname: the command name (at most 15 characters). */
  name: string;
  /** pr_psargs: the start of the command line (at most 79 characters). */
  args: string;
}

export function decodePrPsInfo(desc: Uint8Array): PsInfo {
  const r = new ByteReader(desc, 'NT_PRPSINFO');
  r.need(136);
  r.pos = 16;
  const uid = r.u32();
  const gid = r.u32();
  const pid = r.i32();
  const ppid = r.i32();
  return { pid, ppid, uid, gid, name: cString(desc.subarray(40, 56)), args: cString(desc.subarray(56, 136)).trimEnd() };
}

export interface FileMapping {
  start: bigint;
  end: bigint;
  /** Offset in the file of `start`, in bytes. */
  fileOffset: bigint;
  path: string;
}

/** No process maps more files than this; the count field of a corrupted note is not trusted. */
const MAX_FILE_MAPPINGS = 1_000_000;

export function decodeFileNote(desc: Uint8Array): FileMapping[] {
  const r = new ByteReader(desc, 'NT_FILE');
  const count = r.u64();
  const pageSize = r.u64();
  if (count > BigInt(Math.min(MAX_FILE_MAPPINGS, Math.floor(r.remaining / 24)))) r.fail(`count ${count} does not fit in the note`, 0);
  const n = Number(count);
  const raw: [bigint, bigint, bigint][] = [];
  for (let i = 0; i < n; i++) raw.push([r.u64(), r.u64(), r.u64()]);
  return raw.map(([start, end, pgoff]) => ({ start, end, fileOffset: BigInt.asUintN(64, pgoff * pageSize), path: r.cstr() }));
}

export interface SigInfo {
  signo: number;
  errno: number;
  code: number;
  /** si_addr, for the fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  addr?: bigint;
  /** si_pid and si_uid, for signals sent by a process (si_code <= 0: SI_USER, SI_TKILL, ...). */
  pid?: number;
  uid?: number;
}

const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

export function decodeSigInfo(desc: Uint8Array): SigInfo {
  const r = new ByteReader(desc, 'NT_SIGINFO');
  r.need(24);
  const signo = r.i32();
  const errno = r.i32();
  const code = r.i32();
  r.u32();
  if (code <= 0) return { signo, errno, code, pid: r.i32(), uid: r.u32() };
  if (FAULT_SIGNALS.has(signo)) return { signo, errno, code, addr: r.u64() };
  return { signo, errno, code };
}

function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return Buffer.from(b.subarray(0, nul < 0 ? b.length : nul)).toString('utf8');
}
