// x86-64 register helpers: sub-register names (eax, r8d, al...) onto RegisterSet, and eflags bits.
import type { RegisterSet } from '../../target/contract.js';

export const MASK64 = (1n << 64n) - 1n;
export const MASK32 = (1n << 32n) - 1n;

/** eflags bits. */
export const CF = 1n << 0n;
export const PF = 1n << 2n;
export const AF = 1n << 4n;
export const ZF = 1n << 6n;
export const SF = 1n << 7n;
export const TF = 1n << 8n;
export const IF = 1n << 9n;
export const DF = 1n << 10n;
export const OF = 1n << 11n;

/** The 16 general registers in encoding order (ModRM / opcode+r numbering). */
export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

interface SubReg { full: string; bits: number; shift: number }

const SUBREGS = new Map<string, SubReg>();
(() => {
  const legacy = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
  legacy.forEach((n, i) => {
    const full = GPR64[i]!;
    SUBREGS.set(full, { full, bits: 64, shift: 0 });
    SUBREGS.set(`e${n}`, { full, bits: 32, shift: 0 });
    SUBREGS.set(n, { full, bits: 16, shift: 0 });
  });
  for (const [i, n] of ['al', 'cl', 'dl', 'bl'].entries()) {
    SUBREGS.set(n, { full: GPR64[i]!, bits: 8, shift: 0 });
    SUBREGS.set(`${n[0]}h`, { full: GPR64[i]!, bits: 8, shift: 8 });
  }
  for (const [i, n] of ['spl', 'bpl', 'sil', 'dil'].entries()) SUBREGS.set(n, { full: GPR64[i + 4]!, bits: 8, shift: 0 });
  for (let i = 8; i < 16; i++) {
    const full = `r${i}`;
    SUBREGS.set(full, { full, bits: 64, shift: 0 });
    SUBREGS.set(`${full}d`, { full, bits: 32, shift: 0 });
    SUBREGS.set(`${full}w`, { full, bits: 16, shift: 0 });
    SUBREGS.set(`${full}b`, { full, bits: 8, shift: 0 });
  }
  SUBREGS.set('rip', { full: 'rip', bits: 64, shift: 0 });
  SUBREGS.set('eip', { full: 'rip', bits: 32, shift: 0 });
})();

/** True for a general-purpose register name of any width (rax, eax, ax, al, ah, r8d, ...). */
export function isGpr(name: string): boolean {
  return SUBREGS.has(name) && name !== 'rip' && name !== 'eip';
}

/** Width in bits of a general register name, or undefined. */
export function gprBits(name: string): number | undefined {
  return SUBREGS.get(name)?.bits;
}

/** Value of a (sub-)register, zero-extended; undefined when the set lacks the full register. */
export function readReg(regs: RegisterSet, name: string): bigint | undefined {
  const s = SUBREGS.get(name);
  const full = regs.get(s ? s.full : name);
  if (full === undefined || !s) return full;
  return (full >> BigInt(s.shift)) & ((1n << BigInt(s.bits)) - 1n);
}

/** The full register after writing `value` to (sub-)register `name`, with the CPU's rules:
 *  32-bit writes zero-extend to 64 bits, 8/16-bit writes keep the other bits. */
export function writeReg(regs: RegisterSet, name: string, value: bigint): [string, bigint] {
  const s = SUBREGS.get(name);
  if (!s) return [name, value & MASK64];
  const old = regs.get(s.full) ?? 0n;
  if (s.bits === 64) return [s.full, value & MASK64];
  if (s.bits === 32) return [s.full, value & MASK32];
  const mask = ((1n << BigInt(s.bits)) - 1n) << BigInt(s.shift);
  return [s.full, (old & ~mask & MASK64) | ((value << BigInt(s.shift)) & mask)];
}

/** Sign-extend the low `bits` of v into a (signed) bigint. */
export function signExtend(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/** Little-endian unsigned read of bytes[off..off+len). */
export function leUint(bytes: Uint8Array, off = 0, len = bytes.length): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i] ?? 0);
  return v;
}

/** Little-endian encoding of v in `len` bytes. */
export function leBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
