// Call-stack unwinding: CFI first (.debug_frame/.eh_frame), the rbp chain only where no CFI covers a pc.
import { x86_64 } from '../arch/arch.js';
import { Cfi, unwindFrame } from '../dwarf/cfi.js';
import { DW_REG_RBP, DW_REG_RIP, DW_REG_RSP, dwarfRegName, dwarfRegNumber } from '../arch/x86-64/dwarf-regs.js';
import type { RegisterSet } from '../target/contract.js';

export interface Frame {
  level: number;
  pc: bigint;
  /** Canonical frame address (the caller's rsp before the call); frames are identified by it. */
  cfa: bigint | undefined;
  /** Known registers of this frame by DWARF number (frame 0: all; callers: what unwinding recovered). */
  regs: Map<number, bigint>;
}

const MAX_FRAMES = 512;

function le64(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

export function frameZeroRegs(regs: RegisterSet): Map<number, bigint> {
  const m = new Map<number, bigint>();
  for (const [name, v] of regs) {
    const n = dwarfRegNumber(name);
    if (n !== undefined) m.set(n, v);
  }
  return m;
}

/** Name -> value view of a frame's registers (for expression evaluation and `info frame`). */
export function frameRegisterByName(frame: Frame, name: string): bigint | undefined {
  const n = dwarfRegNumber(name);
  return n === undefined ? undefined : frame.regs.get(n);
}

export { dwarfRegName };

export class Unwinder {
  constructor(
    /** The CFI of every loaded image (it changes as libraries come and go). */
    private readonly cfiNow: () => Cfi,
    private readonly readMemory: (a: bigint, n: number) => Promise<Uint8Array>,
    /** True for pcs at which the stack ends (outside any known code, or past main). */
    private readonly isOutermost: (pc: bigint) => boolean,
  ) {}

  /**
   * The CFA of a frame without recovering the caller's registers: a register + offset rule (what
   * compilers emit) needs no memory read at all, which keeps line stepping to few round trips.
   */
  async cfaOf(frame: Frame): Promise<bigint | undefined> {
    const found = this.cfiNow().rowAt(frame.level > 0 ? frame.pc - 1n : frame.pc);
    if (found && found.row.cfa.kind === 'reg-offset') {
      const base = frame.regs.get(found.row.cfa.reg);
      if (base !== undefined) return BigInt.asUintN(64, base + BigInt(found.row.cfa.offset));
    }
    const r = await this.unwindOne(frame);
    return r?.cfa;
  }

  /**
   * Frames from the innermost outwards, up to `limit`. Like gdb's backtrace, the list ends at main
   * unless `pastMain` (finish and until need main's caller too).
   */
  async backtrace(regs: RegisterSet, limit = MAX_FRAMES, pastMain = false): Promise<Frame[]> {
    const first: Frame = { level: 0, pc: regs.get(x86_64.pcRegister) ?? 0n, cfa: undefined, regs: frameZeroRegs(regs) };
    const frames: Frame[] = [first];
    let cur = first;
    while (frames.length < limit) {
      const next = await this.unwindOne(cur).catch(() => undefined);
      cur.cfa = next?.cfa;
      if (!next || next.caller === undefined) break;
      if (!pastMain && this.isOutermost(cur.pc)) break;
      const caller = next.caller;
      // Guard against loops: the stack grows down, so a caller's CFA must be above ours.
      const prev = frames[frames.length - 1]!;
      if (caller.pc === 0n || (prev.cfa !== undefined && caller.regs.get(DW_REG_RSP) !== undefined && caller.regs.get(DW_REG_RSP)! < (prev.regs.get(DW_REG_RSP) ?? 0n))) break;
      frames.push(caller);
      cur = caller;
    }
    if (cur.cfa === undefined) cur.cfa = await this.cfaOf(cur).catch(() => undefined);
    return frames;
  }

  /**
   * gdb's view of frame `level`'s registers, by the names of frame 0's set (`info registers`, `$rax`, the
   * registers pane): what unwinding recovered, else the next inner frame's value (gdb's dwarf2 and
   * prologue unwinders answer a register without a rule with "same value"), or undefined where the
   * CFI says DW_CFA_undefined (gdb's <not saved>).
   */
  registersOf(frames: readonly Frame[], level: number, frame0: RegisterSet): Map<string, bigint | undefined> {
    const out = new Map<string, bigint | undefined>(frame0);
    for (let k = 1; k <= level && k < frames.length; k++) {
      const inner = frames[k - 1]!;
      const row = this.cfiNow().rowAt(inner.level > 0 ? inner.pc - 1n : inner.pc)?.row;
      for (const name of out.keys()) {
        const n = dwarfRegNumber(name);
        if (n === undefined) continue;
        const v = frames[k]!.regs.get(n);
        if (v !== undefined) out.set(name, v);
        else if (n === DW_REG_RSP || n === DW_REG_RIP || row?.registers.get(n)?.kind === 'undefined') out.set(name, undefined);
      }
    }
    return out;
  }

  /** The return address of `frame`, also past main (gdb's "saved rip" in info frame). */
  async callerPc(frame: Frame): Promise<bigint | undefined> {
    const r = await this.unwindOne(frame).catch(() => undefined);
    return r?.caller?.pc;
  }

  /**
   * Where `frame`'s caller's registers are saved in memory (DWARF number -> address), as gdb's info frame
   * lists them: only the frame's own CFI rules "saved at CFA+N" (gdb's dwarf2 unwinder answers a register
   * without a rule from the register itself, not memory), or rbp and the return address on the
   * frame-pointer chain when there is no CFI.
   */
  savedRegisters(frame: Frame): Map<number, bigint> {
    const out = new Map<number, bigint>();
    if (frame.cfa === undefined) return out;
    const found = this.cfiNow().rowAt(frame.level > 0 ? frame.pc - 1n : frame.pc);
    if (!found) {
      out.set(DW_REG_RBP, frame.cfa - 16n);
      out.set(DW_REG_RIP, frame.cfa - 8n);
      return out;
    }
    for (const [reg, rule] of found.row.registers) {
      if (rule.kind === 'offset') out.set(reg, BigInt.asUintN(64, frame.cfa + BigInt(rule.offset)));
    }
    return out;
  }

  private async unwindOne(frame: Frame): Promise<{ cfa: bigint; caller: Frame | undefined } | undefined> {
    const access = {
      readRegister: async (reg: number) => frame.regs.get(reg),
      readMemory: this.readMemory,
    };
    const u = await unwindFrame(this.cfiNow(), frame.pc, access, { isReturnAddress: frame.level > 0 });
    if (u) {
      const caller = u.returnAddress !== undefined && u.returnAddress !== 0n
        ? { level: frame.level + 1, pc: u.returnAddress, cfa: undefined, regs: u.registers }
        : undefined;
      return { cfa: u.cfa, caller };
    }
    // No CFI here: follow the frame-pointer chain (push %rbp; mov %rsp,%rbp).
    const rbp = frame.regs.get(DW_REG_RBP);
    if (rbp === undefined || rbp === 0n) return undefined;
    const saved = await this.readMemory(rbp, 16);
    const callerRbp = le64(saved.subarray(0, 8));
    const ret = le64(saved.subarray(8, 16));
    const cfa = rbp + 16n;
    const regs = new Map<number, bigint>([[DW_REG_RBP, callerRbp], [DW_REG_RSP, cfa], [DW_REG_RIP, ret]]);
    return { cfa, caller: ret ? { level: frame.level + 1, pc: ret, cfa: undefined, regs } : undefined };
  }
}
