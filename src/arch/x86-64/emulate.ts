// Exact emulation of the one-byte x86-64 instructions (plus their REX forms), which a 2-byte `jmp .` cannot patch.
import type { MemoryRead } from '../types.js';
import type { Instruction } from './decode.js';
import { AC, AF, CF, DF, ID, NT, OF, PF, RF, SF, TF, VM, ZF } from './eflags.js';
import { GPR64, type RegisterSet } from './registers.js';
import { MASK32, MASK64, leBytes, leUint } from './words.js';

export interface MemoryWrite {
  address: bigint;
  bytes: Uint8Array;
}

export interface Emulation {
  /** Registers the instruction changes, always including rip. */
  registers: RegisterSet;
  /** Memory to write, in order. */
  memoryWrites: MemoryWrite[];
}

/** eflags bits popf may change at CPL 3 (IF and IOPL are kept; RF cleared). */
const POPF_MASK = CF | PF | AF | ZF | SF | TF | DF | OF | NT | AC | ID;

/** Flags of `a - b` at `bits` width (cmp/scas/cmps). */
export function subFlags(a: bigint, b: bigint, bits: number, eflags: bigint): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  const top = 1n << BigInt(bits - 1);
  a &= mask;
  b &= mask;
  const r = (a - b) & mask;
  let f = eflags & ~(CF | PF | AF | ZF | SF | OF);
  if (a < b) f |= CF;
  if (r === 0n) f |= ZF;
  if (r & top) f |= SF;
  if ((a ^ b) & (a ^ r) & top) f |= OF;
  if ((a ^ b ^ r) & 0x10n) f |= AF;
  let ones = 0;
  for (let i = 0n; i < 8n; i++) if ((r >> i) & 1n) ones++;
  if (ones % 2 === 0) f |= PF;
  return f;
}

class Machine {
  readonly out: RegisterSet = new Map();
  readonly writes: MemoryWrite[] = [];
  constructor(private readonly regs: RegisterSet, private readonly read: MemoryRead) {}

  get(name: string): bigint {
    const v = this.out.get(name) ?? this.regs.get(name);
    if (v === undefined) throw new Missing(name);
    return v;
  }
  set(name: string, v: bigint): void {
    this.out.set(name, v & MASK64);
  }
  async load(addr: bigint, len: number): Promise<bigint> {
    let b: Uint8Array;
    try {
      b = await this.read(addr & MASK64, len);
    } catch {
      throw new Missing(`memory at 0x${addr.toString(16)}`);
    }
    if (b.length < len) throw new Missing(`memory at 0x${addr.toString(16)}`);
    return leUint(b, 0, len);
  }
  store(addr: bigint, v: bigint, len: number): void {
    this.writes.push({ address: addr & MASK64, bytes: leBytes(v, len) });
  }
  push(v: bigint): void {
    const rsp = (this.get('rsp') - 8n) & MASK64;
    this.store(rsp, v, 8);
    this.set('rsp', rsp);
  }
  async pop(): Promise<bigint> {
    const rsp = this.get('rsp');
    const v = await this.load(rsp, 8);
    this.set('rsp', rsp + 8n);
    return v;
  }
  /** Advance a string pointer register by `size` in the direction of DF. */
  step(reg: string, size: number): void {
    const d = (this.get('eflags') & DF) !== 0n ? -BigInt(size) : BigInt(size);
    this.set(reg, this.get(reg) + d);
  }
}

class Missing extends Error {}

/**
 * The effect of `insn` (at regs' rip) if it is a one-byte instruction we can emulate exactly (optionally
 * with a REX prefix): push/pop reg, leave, ret, nop, xchg eax, cwtl/cltq, cltd/cqto, pushf/popf, sahf/lahf,
 * clc/stc/cmc/cld/std, xlat, movs/stos/lods/cmps/scas (no rep). Undefined otherwise (hlt, int3, cli,
 * in/out, ... or a register/memory we cannot read): the caller must not step it this way.
 */
export async function emulate(insn: Instruction, regs: RegisterSet, read: MemoryRead): Promise<Emulation | undefined> {
  const b = insn.bytes;
  let i = 0;
  const rex = b[0]! >= 0x40 && b[0]! <= 0x4f ? b[i++]! : 0;
  if (insn.size !== i + 1 || b.length !== insn.size) return undefined;
  const op = b[i]!;
  const w = (rex & 8) !== 0;
  const m = new Machine(regs, read);
  try {
    if (!(await run(m, op, rex, w))) return undefined;
  } catch (e) {
    if (e instanceof Missing) return undefined;
    throw e;
  }
  if (!m.out.has('rip')) m.set('rip', insn.fallThrough);
  return { registers: m.out, memoryWrites: m.writes };
}

async function run(m: Machine, op: number, rex: number, w: boolean): Promise<boolean> {
  const reg = (op & 7) | ((rex & 1) << 3);
  const size = (op & 1) === 0 ? 1 : w ? 8 : 4;
  const width = (v: bigint): bigint => v & ((1n << BigInt(size * 8)) - 1n);
  if (op >= 0x50 && op <= 0x57) {
    m.push(m.get(GPR64[reg]!));
  } else if (op >= 0x58 && op <= 0x5f) {
    m.set(GPR64[reg]!, await m.pop());
  } else if (op === 0x90 && !(rex & 1)) {
    // nop
  } else if (op >= 0x90 && op <= 0x97) {
    const other = GPR64[reg]!;
    const a = m.get('rax'), o = m.get(other);
    const mask = w ? MASK64 : MASK32;
    m.set('rax', o & mask);
    m.set(other, a & mask);
  } else if (op === 0x98) {
    const rax = m.get('rax');
    m.set('rax', w ? BigInt.asIntN(32, rax) : BigInt.asIntN(16, rax) & MASK32);
  } else if (op === 0x99) {
    const rax = m.get('rax');
    const neg = w ? (rax >> 63n) & 1n : (rax >> 31n) & 1n;
    m.set('rdx', neg ? (w ? MASK64 : MASK32) : 0n);
  } else if (op === 0x9c) {
    m.push(m.get('eflags') & ~(RF | VM));
  } else if (op === 0x9d) {
    const v = await m.pop();
    m.set('eflags', ((m.get('eflags') & ~POPF_MASK & ~RF) | (v & POPF_MASK) | 2n));
  } else if (op === 0x9e) {
    const ah = (m.get('rax') >> 8n) & 0xffn;
    const keep = SF | ZF | AF | PF | CF;
    m.set('eflags', (m.get('eflags') & ~keep) | (ah & keep));
  } else if (op === 0x9f) {
    const ah = (m.get('eflags') & (SF | ZF | AF | PF | CF)) | 2n;
    m.set('rax', (m.get('rax') & ~0xff00n) | (ah << 8n));
  } else if (op === 0xc3) {
    m.set('rip', await m.pop());
  } else if (op === 0xc9) {
    m.set('rsp', m.get('rbp'));
    m.set('rbp', await m.pop());
  } else if (op === 0xf5 || op === 0xf8 || op === 0xf9 || op === 0xfc || op === 0xfd) {
    const f = m.get('eflags');
    const bit = op === 0xfc || op === 0xfd ? DF : CF;
    m.set('eflags', op === 0xf5 ? f ^ CF : op === 0xf8 || op === 0xfc ? f & ~bit : f | bit);
  } else if (op === 0xd7) {
    const al = await m.load(m.get('rbx') + (m.get('rax') & 0xffn), 1);
    m.set('rax', (m.get('rax') & ~0xffn) | al);
  } else if (op === 0xa4 || op === 0xa5) {
    m.store(m.get('rdi'), await m.load(m.get('rsi'), size), size);
    m.step('rsi', size);
    m.step('rdi', size);
  } else if (op === 0xaa || op === 0xab) {
    m.store(m.get('rdi'), width(m.get('rax')), size);
    m.step('rdi', size);
  } else if (op === 0xac || op === 0xad) {
    const v = await m.load(m.get('rsi'), size);
    const rax = m.get('rax');
    m.set('rax', size === 8 || size === 4 ? v : (rax & ~0xffn) | v);
    m.step('rsi', size);
  } else if (op === 0xa6 || op === 0xa7) {
    const a = await m.load(m.get('rsi'), size), c = await m.load(m.get('rdi'), size);
    m.set('eflags', subFlags(a, c, size * 8, m.get('eflags')));
    m.step('rsi', size);
    m.step('rdi', size);
  } else if (op === 0xae || op === 0xaf) {
    const c = await m.load(m.get('rdi'), size);
    m.set('eflags', subFlags(width(m.get('rax')), c, size * 8, m.get('eflags')));
    m.step('rdi', size);
  } else {
    return false; // hlt, int3, cli/sti, in/out, iret, lret, fwait, ... or not a one-byte instruction
  }
  return true;
}
