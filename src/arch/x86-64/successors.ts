// Where execution can go after one x86-64 instruction: the basis of stepping with spin ('jmp .') breakpoints.
import type { MemoryRead } from '../types.js';
import type { Instruction, Operand } from './decode.js';
import { CF, OF, PF, SF, ZF } from './eflags.js';
import { gprBits, readReg, type RegisterSet } from './registers.js';
import { MASK32, MASK64, leUint } from './words.js';

export interface Successors {
  /** Every address the instruction may transfer control to next (deduplicated). Empty when unpredictable. */
  addresses: bigint[];
  /** Address of the next instruction in memory. */
  fallThrough: bigint;
  /** For a call: its return address (where `nexti` / `next` wait). Not in `addresses`. */
  callReturn?: bigint;
  /** Why the successors cannot be predicted (syscall, int, hlt, ud2, far transfer, unreadable memory...):
   *  the caller falls back (hardware step, or a breakpoint on `fallThrough` where that is sound). */
  unpredictable?: string;
}

export interface SuccessorOptions {
  /** Evaluate jcc/loop/jrcxz conditions from eflags/rcx and return only the branch taken (default true).
   *  Returning both is always safe; evaluation falls back to both when a register is missing. */
  evaluateConditions?: boolean;
}

/** Effective address of a memory operand (rip-relative, SIB, fs/gs bases); undefined when a register is unknown. */
export function effectiveAddress(op: Extract<Operand, { type: 'mem' }>, insn: Instruction, regs: RegisterSet): bigint | undefined {
  let ea = op.disp;
  let addr32 = false;
  for (const [name, mul] of [[op.base, 1n], [op.index, BigInt(op.scale)]] as const) {
    if (!name) continue;
    const v = name === 'rip' ? insn.fallThrough : name === 'eip' ? insn.fallThrough & MASK32 : readReg(regs, name);
    if (v === undefined) return undefined;
    if (gprBits(name) === 32) addr32 = true;
    ea += v * mul;
  }
  ea = addr32 ? ea & MASK32 : ea & MASK64;
  if (op.segment === 'fs' || op.segment === 'gs') {
    const base = regs.get(`${op.segment}_base`);
    if (base === undefined) return undefined;
    ea = (ea + base) & MASK64;
  }
  return ea;
}

/** Value an indirect jmp/call goes to: a register, or 8 bytes read at a memory operand. */
async function indirectTarget(op: Operand, insn: Instruction, regs: RegisterSet, read: MemoryRead): Promise<bigint | string> {
  if (op.type === 'reg') return readReg(regs, op.reg) ?? `register ${op.reg} unknown`;
  if (op.type !== 'mem') return 'unexpected operand';
  const ea = effectiveAddress(op, insn, regs);
  if (ea === undefined) return 'address register unknown';
  try {
    const b = await read(ea, 8);
    if (b.length < 8) return `short read at 0x${ea.toString(16)}`;
    return leUint(b, 0, 8);
  } catch (e) {
    return `cannot read 0x${ea.toString(16)}: ${(e as Error).message}`;
  }
}

/** Truth of a jcc condition code (by gdb mnemonic) given eflags. */
function condition(mn: string, f: bigint): boolean | undefined {
  const cf = (f & CF) !== 0n, zf = (f & ZF) !== 0n, sf = (f & SF) !== 0n, of = (f & OF) !== 0n, pf = (f & PF) !== 0n;
  switch (mn) {
    case 'jo': return of;
    case 'jno': return !of;
    case 'jb': case 'jc': case 'jnae': return cf;
    case 'jae': case 'jnb': case 'jnc': return !cf;
    case 'je': case 'jz': return zf;
    case 'jne': case 'jnz': return !zf;
    case 'jbe': case 'jna': return cf || zf;
    case 'ja': case 'jnbe': return !cf && !zf;
    case 'js': return sf;
    case 'jns': return !sf;
    case 'jp': case 'jpe': return pf;
    case 'jnp': case 'jpo': return !pf;
    case 'jl': case 'jnge': return sf !== of;
    case 'jge': case 'jnl': return sf === of;
    case 'jle': case 'jng': return zf || sf !== of;
    case 'jg': case 'jnle': return !zf && sf === of;
    default: return undefined;
  }
}

/** Whether a conditional branch is taken, or undefined when it cannot be told. */
function taken(insn: Instruction, regs: RegisterSet): boolean | undefined {
  const mn = insn.mnemonic.split(' ').at(-1)!;
  const addr32 = insn.bytes.slice(0, insn.size - 1).includes(0x67);
  const eflags = regs.get('eflags');
  if (mn === 'jrcxz' || mn === 'jecxz') {
    const c = readReg(regs, mn === 'jecxz' ? 'ecx' : 'rcx');
    return c === undefined ? undefined : c === 0n;
  }
  if (mn.startsWith('loop')) {
    const c = readReg(regs, addr32 ? 'ecx' : 'rcx');
    if (c === undefined) return undefined;
    const nonzero = ((c - 1n) & (addr32 ? MASK32 : MASK64)) !== 0n;
    if (mn === 'loop') return nonzero;
    if (eflags === undefined) return undefined;
    const zf = (eflags & ZF) !== 0n;
    return nonzero && (mn === 'loope' || mn === 'loopz' ? zf : !zf);
  }
  return eflags === undefined ? undefined : condition(mn, eflags);
}

function result(insn: Instruction, addresses: bigint[], extra: Partial<Successors> = {}): Successors {
  return { addresses: [...new Set(addresses)], fallThrough: insn.fallThrough, ...extra };
}

function cannot(insn: Instruction, why: string, extra: Partial<Successors> = {}): Successors {
  return { addresses: [], fallThrough: insn.fallThrough, unpredictable: why, ...extra };
}

/**
 * Every address execution can reach after `insn` (which must sit at regs' rip), given the vCPU's
 * registers and target memory. Calls report their return address separately (callReturn).
 */
export async function successors(insn: Instruction, regs: RegisterSet, read: MemoryRead, opts: SuccessorOptions = {}): Promise<Successors> {
  const mn = insn.mnemonic.split(' ').at(-1)!;
  switch (insn.kind) {
    case 'other':
      return result(insn, [insn.fallThrough]);
    case 'cond-jump': {
      if (insn.target === undefined) return cannot(insn, `${mn} without a target`);
      if (mn !== 'xbegin' && opts.evaluateConditions !== false) {
        const t = taken(insn, regs);
        if (t !== undefined) return result(insn, [t ? insn.target : insn.fallThrough]);
      }
      return result(insn, [insn.target, insn.fallThrough]);
    }
    case 'jump':
    case 'call': {
      const extra: Partial<Successors> = insn.kind === 'call' ? { callReturn: insn.fallThrough } : {};
      if (mn.startsWith('l')) return cannot(insn, `far ${insn.kind}`, extra);
      if (insn.target !== undefined) return result(insn, [insn.target], extra);
      if (!insn.indirect) return cannot(insn, `${mn} without a target`, extra);
      const t = await indirectTarget(insn.indirect, insn, regs, read);
      return typeof t === 'string' ? cannot(insn, t, extra) : result(insn, [t], extra);
    }
    case 'ret': {
      if (mn !== 'ret') return cannot(insn, 'far return');
      const rsp = regs.get('rsp');
      if (rsp === undefined) return cannot(insn, 'rsp unknown');
      const t = await indirectTarget({ type: 'mem', disp: 0n, base: 'rsp', scale: 1 }, insn, regs, read);
      return typeof t === 'string' ? cannot(insn, t) : result(insn, [t]);
    }
    case 'iret': return cannot(insn, 'iret');
    case 'syscall': return cannot(insn, `${mn} (enters the kernel / hypervisor)`);
    case 'int': return cannot(insn, `${mn} raises an exception`);
    case 'hlt': return cannot(insn, 'hlt');
    case 'invalid': return cannot(insn, 'undecodable instruction');
  }
}
