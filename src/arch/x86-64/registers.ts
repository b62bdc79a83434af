// THE x86-64 register table: names, gdb's amd64 numbering and sizes, sub-registers (eax, ax, al, ah...).
import { MASK32, MASK64 } from './words.js';

/** Register values by name; every value is the full (zero-extended) register. */
export type RegisterSet = Map<string, bigint>;

/** gdb's name of the architecture (target.xml <architecture>). */
export const ARCHITECTURE_NAME = 'i386:x86-64';

export const PC_REGISTER = 'rip';
export const SP_REGISTER = 'rsp';
export const FP_REGISTER = 'rbp';
export const FLAGS_REGISTER = 'eflags';

/** The 16 general registers in encoding order (ModRM / opcode+r numbering). */
export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

/** The 16 general registers in gdb's order (amd64 register numbers 0-15, `info registers`). */
export const GDB_GPR_ORDER = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

export const SEGMENT_REGISTERS = ['cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;
export const SEGMENT_BASES = ['fs_base', 'gs_base'] as const;

/** Register names core uses; a backend maps them onto its own layout. Values are 64-bit. */
export const GENERAL_REGISTERS: readonly string[] = [
  ...GDB_GPR_ORDER, PC_REGISTER, FLAGS_REGISTER, ...SEGMENT_REGISTERS, ...SEGMENT_BASES,
];

export interface RegisterSpec {
  name: string;
  bitsize: number;
  group: 'general' | 'float' | 'vector';
}

/**
 * gdb's amd64 registers without a target description, in register-number order (regnum = index):
 * the g-packet order gdbserver, gdbsx and most stubs use. gdbsx sends only up to gs.
 */
export const AMD64_GDB_REGISTERS: readonly RegisterSpec[] = (() => {
  const list: RegisterSpec[] = [];
  const add = (name: string, bitsize: number, group: RegisterSpec['group']): void => void list.push({ name, bitsize, group });
  for (const n of GDB_GPR_ORDER) add(n, 64, 'general');
  add(PC_REGISTER, 64, 'general');
  add(FLAGS_REGISTER, 32, 'general');
  for (const n of SEGMENT_REGISTERS) add(n, 32, 'general');
  for (let i = 0; i < 8; i++) add(`st${i}`, 80, 'float');
  for (const n of ['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop']) add(n, 32, 'float');
  for (let i = 0; i < 16; i++) add(`xmm${i}`, 128, 'vector');
  add('mxcsr', 32, 'vector');
  return list;
})();

/** A register that is part of a 64-bit one: `bits` wide, starting `shift` bits up. */
export interface SubRegister {
  full: string;
  bits: number;
  shift: number;
}

/** gdb's names for the general registers and their parts ($rax, $eax, $ax, $al, $ah, $r8d, $r8w, $r8l, $rip). */
export const SUB_REGISTERS: ReadonlyMap<string, SubRegister> = (() => {
  const m = new Map<string, SubRegister>();
  const add = (name: string, full: string, bits: number, shift = 0): void => void m.set(name, { full, bits, shift });
  for (const r of ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp', 'sp']) {
    const full = `r${r}`;
    add(full, full, 64);
    add(`e${r}`, full, 32);
    add(r, full, 16);
    add(r.endsWith('x') ? `${r[0]}l` : `${r}l`, full, 8);
    if (r.endsWith('x')) add(`${r[0]}h`, full, 8, 8);
  }
  for (let i = 8; i <= 15; i++) {
    const full = `r${i}`;
    add(full, full, 64);
    add(`${full}d`, full, 32);
    add(`${full}w`, full, 16);
    add(`${full}l`, full, 8);
  }
  add(PC_REGISTER, PC_REGISTER, 64);
  return m;
})();

/** A (sub-)register by gdb's name or the decoder's AT&T name (r8b for gdb's r8l, eip for addr32 rip). */
function subRegister(name: string): SubRegister | undefined {
  if (name === 'eip') return { full: PC_REGISTER, bits: 32, shift: 0 };
  return SUB_REGISTERS.get(/^r\d+b$/.test(name) ? `${name.slice(0, -1)}l` : name);
}

/** True for a general-purpose register name of any width (rax, eax, ax, al, ah, r8d, r8b...). */
export function isGpr(name: string): boolean {
  const s = subRegister(name);
  return s !== undefined && s.full !== PC_REGISTER;
}

/** Width in bits of a general register name, or undefined. */
export function gprBits(name: string): number | undefined {
  return subRegister(name)?.bits;
}

/** Value of a (sub-)register, zero-extended; undefined when the set lacks the full register. */
export function readReg(regs: ReadonlyMap<string, bigint>, name: string): bigint | undefined {
  const s = subRegister(name);
  const full = regs.get(s ? s.full : name);
  if (full === undefined || !s) return full;
  return (full >> BigInt(s.shift)) & ((1n << BigInt(s.bits)) - 1n);
}

/** The full register after writing `value` to (sub-)register `name`, with the CPU's rules:
 *  32-bit writes zero-extend to 64 bits, 8/16-bit writes keep the other bits. */
export function writeReg(regs: ReadonlyMap<string, bigint>, name: string, value: bigint): [string, bigint] {
  const s = subRegister(name);
  if (!s) return [name, value & MASK64];
  const old = regs.get(s.full) ?? 0n;
  if (s.bits === 64) return [s.full, value & MASK64];
  if (s.bits === 32) return [s.full, value & MASK32];
  const mask = ((1n << BigInt(s.bits)) - 1n) << BigInt(s.shift);
  return [s.full, (old & ~mask & MASK64) | ((value << BigInt(s.shift)) & mask)];
}
