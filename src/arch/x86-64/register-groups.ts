// gdb's amd64 register numbering beyond the general registers (x87, SSE, AVX, AVX-512), pseudo ymm/zmm, register groups.
import { GDB_GPR_ORDER, PC_REGISTER, FLAGS_REGISTER, SEGMENT_REGISTERS } from './registers.js';

const range = (n: number, f: (i: number) => string, from = 0): string[] => Array.from({ length: n }, (_, i) => f(i + from));

export const X87_REGISTERS = range(8, (i) => `st${i}`);
export const X87_CONTROL = ['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'] as const;
export const MXCSR_REGISTER = 'mxcsr';
/** Linux's registers that gdb keeps out of every group but "system" (amd64_linux_register_reggroup_p). */
export const SYSTEM_REGISTERS = ['fs_base', 'gs_base', 'orig_rax'] as const;

/**
 * Raw registers in gdb's amd64 register-number order (amd64-tdep.h; MPX's bnd registers left out): gdb
 * maps a target description onto these numbers, so `info all-registers` lists in this order whatever
 * order the stub sent.
 */
export const GDB_RAW_ORDER: readonly string[] = [
  ...GDB_GPR_ORDER, PC_REGISTER, FLAGS_REGISTER, ...SEGMENT_REGISTERS,
  ...X87_REGISTERS, ...X87_CONTROL,
  ...range(16, (i) => `xmm${i}`), MXCSR_REGISTER,
  ...range(16, (i) => `ymm${i}h`),
  ...range(16, (i) => `xmm${i}`, 16), ...range(16, (i) => `ymm${i}h`, 16),
  ...range(8, (i) => `k${i}`),
  ...range(32, (i) => `zmm${i}h`),
  'pkru', ...SYSTEM_REGISTERS,
];

/** One raw register making up part of a pseudo register, low bits first. */
export interface RegisterPart {
  name: string;
  bits: number;
}

/** The raw registers gdb assembles ymmN (xmmN + ymmNh) and zmmN (+ zmmNh) from. */
export function pseudoParts(name: string): readonly RegisterPart[] | undefined {
  const m = /^([yz])mm(\d+)$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (n > 31 || String(n) !== m[2]) return undefined;
  const parts: RegisterPart[] = [{ name: `xmm${n}`, bits: 128 }, { name: `ymm${n}h`, bits: 128 }];
  if (m[1] === 'z') parts.push({ name: `zmm${n}h`, bits: 256 });
  return parts;
}

/** Which vector extension a register set shows (gdb's avx512_p / avx_p / sse_p from XCR0). */
export type VectorExtension = 'avx512' | 'avx' | 'sse' | 'none';

export function vectorExtension(has: (name: string) => boolean): VectorExtension {
  if (has('zmm0h')) return 'avx512';
  if (has('ymm0h')) return 'avx';
  return has('xmm0') ? 'sse' : 'none';
}

export type RegisterGroup = 'general' | 'float' | 'vector' | 'sse' | 'system' | 'all';
export const REGISTER_GROUPS: readonly RegisterGroup[] = ['general', 'float', 'vector', 'sse', 'system', 'all'];

const X87 = new Set<string>([...X87_REGISTERS, ...X87_CONTROL]);
const SYSTEM = new Set<string>(SYSTEM_REGISTERS);

const KNOWN = new Set(GDB_RAW_ORDER);

function kind(name: string): 'fp' | 'xmm' | 'mxcsr' | 'ymm' | 'ymmh' | 'zmm' | 'zmmh' | 'pkru' | 'system' | 'other' | 'foreign' {
  if (X87.has(name)) return 'fp';
  if (name === MXCSR_REGISTER) return 'mxcsr';
  if (name === 'pkru') return 'pkru';
  if (SYSTEM.has(name)) return 'system';
  const m = /^(xmm|ymm|zmm)\d+(h?)$/.exec(name);
  if (!m) return KNOWN.has(name) ? 'other' : 'foreign';
  if (m[1] === 'xmm') return 'xmm';
  return (m[1] + (m[2] ? 'h' : '')) as 'ymm' | 'ymmh' | 'zmm' | 'zmmh';
}

/** gdb's i386_register_reggroup_p and amd64_linux_register_reggroup_p for one register. */
export function inGroup(name: string, group: RegisterGroup, ext: VectorExtension): boolean {
  const k = kind(name);
  if (k === 'system') return group === 'system';
  // A register gdb's amd64 numbering lacks (a Xen backend's cr3): only `info all-registers` lists it.
  if (k === 'foreign') return group === 'all';
  switch (group) {
    case 'sse': return k === 'xmm' || k === 'mxcsr';
    case 'vector': return k === 'mxcsr' || (k === 'zmm' && ext === 'avx512') || (k === 'ymm' && ext === 'avx') || (k === 'xmm' && ext === 'sse');
    case 'float': return k === 'fp';
    case 'general': return k === 'other';
    case 'system': return false;
    case 'all':
      if (k === 'xmm') return ext === 'sse';
      if (k === 'ymm') return ext === 'avx';
      return k !== 'ymmh' && k !== 'zmmh';
  }
}

/**
 * The registers of `group` in gdb's order: raw registers by gdb's number (ones gdb does not know, such as
 * a Xen backend's control registers, after them), then the pseudo ymm and zmm ones.
 */
export function groupRegisters(available: Iterable<string>, group: RegisterGroup): string[] {
  const have = new Set(available);
  const ext = vectorExtension((n) => have.has(n));
  const raw = [...GDB_RAW_ORDER.filter((n) => have.has(n)), ...[...have].filter((n) => !KNOWN.has(n))];
  const pseudo = [...range(32, (i) => `ymm${i}`), ...range(32, (i) => `zmm${i}`)]
    .filter((n) => pseudoParts(n)!.every((p) => have.has(p.name)));
  return [...raw, ...pseudo].filter((n) => inGroup(n, group, ext));
}
