// InstructionStepper for x86-64: decode at pc, emulate one-byte instructions, otherwise predict successors.
import type { InstructionStepper, MemoryRead as Read } from '../types.js';
import { decodeOne, type Instruction } from './decode.js';
import { emulate } from './emulate.js';
import type { RegisterSet } from './registers.js';
import { effectiveAddress, successors } from './successors.js';

/** Reads up to 15 bytes at `address`, fewer when the page after it is unreadable. */
export async function instructionAt(address: bigint, read: Read): Promise<Instruction> {
  let bytes: Uint8Array;
  try {
    bytes = await read(address, 15);
  } catch {
    const toPage = Number(0x1000n - (address & 0xfffn));
    bytes = await read(address, Math.min(15, toPage));
  }
  return decodeOne(bytes, address);
}

/** The effective addresses of an instruction's explicit memory operands (see StepSuccessors.data). */
function dataAddresses(insn: Instruction, regs: RegisterSet): bigint[] | undefined {
  if (insn.repeats) return undefined;
  const mnemonic = insn.mnemonic.split(' ').at(-1)!;
  if (mnemonic.startsWith('lea') || mnemonic.startsWith('nop')) return [];
  const out: bigint[] = [];
  for (const op of insn.ops) {
    if (op.type !== 'mem') continue;
    const ea = effectiveAddress(op, insn, regs);
    if (ea === undefined) return undefined;
    out.push(ea);
  }
  return out;
}

export const x86Stepper: InstructionStepper = {
  async plan(regs: RegisterSet, read: Read) {
    const pc = regs.get('rip')!;
    const insn = await instructionAt(pc, read);
    if (insn.size === 1) {
      const e = await emulate(insn, regs, read);
      if (e) return { emulate: e };
    }
    const s = await successors(insn, regs, read);
    if (s.unpredictable || s.addresses.length === 0) return undefined;
    return { successors: s.addresses, data: dataAddresses(insn, regs) };
  },
  async lengthAt(address: bigint, read: Read) {
    return (await instructionAt(address, read)).size;
  },
};
