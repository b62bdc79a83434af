// Call-stack unwinding: CFI first (.debug_frame/.eh_frame), the rbp chain only where no CFI covers a pc.
import { x86_64 } from '../arch/arch.js';
import { Cfi, unwindFrame } from '../dwarf/cfi.js';
import { DW_REG_RBP, DW_REG_RIP, DW_REG_RSP, dwarfRegName, dwarfRegNumber } from '../arch/x86-64/dwarf-regs.js';
import type { RegisterSet } from '../target/contract.js';
import { sigcontextSlots, sigtrampUnwind } from './sigtramp.js';
import { frameSetupAt, type FrameSetup } from '../arch/x86-64/prologue.js';
import { ByteReader } from '../util/byte-reader.js';
import type { Block } from '../symbols/functions.js';

export interface Frame {
  level: number;
  pc: bigint;
  /** Canonical frame address (the caller's rsp before the call); frames are identified by it. */
  cfa: bigint | undefined;
  /** Known registers of this frame by DWARF number (frame 0: all; callers: what unwinding recovered). */
  regs: Map<number, bigint>;
  /** The pc is a return address (a caller's frame): blocks, lines and CFI rows are looked up at pc-1. */
  caller?: boolean;
  /** A signal trampoline (gdb's SIGTRAMP_FRAME, "<signal handler called>"): its pc is not a return address. */
  sigtramp?: boolean;
  /** The frame a signal interrupted (the caller of a trampoline): its pc is exact, not a return address. */
  interrupted?: boolean;
  /** A function that tail-called the frame below it (gdb's TAILCALL_FRAME): it has no frame of its own, only a pc. */
  tailCall?: boolean;
  /** gdb's INLINE_FRAME: the inlined block this frame shows (frames of one real frame share pc, cfa and regs). */
  inlined?: Block;
  /**
   * Inlined calls at the pc inner to this frame (gdb's frame_inlined_callees): its variables are looked up
   * past that many inlined blocks, and when it is not 0 the frame's line is the call site of `callee`.
   */
  inlineDepth?: number;
  /** The inlined block called from this frame (the next inner frame, or one hidden at a stop): its call site is this frame's line. */
  callee?: Block;
  /**
   * Frame 0 of a stop report, built from the registers the stop reply carried (rip, rsp, rbp): fills `regs`
   * in place with the full set, once, the first time a register it lacks is asked for (frame-access.ts).
   */
  completeRegisters?: () => Promise<void>;
}

/**
 * The pc that names a frame's code (gdb's get_frame_address_in_block): a caller's pc is a return address,
 * so blocks, lines, CFI and location lists are looked up at the call (pc-1); frame 0 (and the inline frames
 * that share its pc), a signal trampoline and the frame a signal interrupted are at an exact pc.
 */
export function lookupPc(frame: Frame): bigint {
  return frame.caller && !frame.sigtramp && !frame.interrupted ? frame.pc - 1n : frame.pc;
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

/** The address a lone `DW_OP_bregN OFFSET` expression computes in a frame, when that is all it is. */
function bregAddress(expr: Uint8Array, regs: ReadonlyMap<number, bigint>): bigint | undefined {
  const op = expr[0];
  if (op === undefined || op < 0x70 || op > 0x8f) return undefined;
  const base = regs.get(op - 0x70);
  if (base === undefined) return undefined;
  try {
    const r = new ByteReader(expr.subarray(1), '.eh_frame');
    const off = r.slebBig();
    return r.pos === r.end ? BigInt.asUintN(64, base + off) : undefined;
  } catch {
    return undefined;
  }
}

export class Unwinder {
  constructor(
    /** The CFI of every loaded image (it changes as libraries come and go). */
    private readonly cfiNow: () => Cfi,
    private readonly readMemory: (a: bigint, n: number) => Promise<Uint8Array>,
    /** True for pcs at which the stack ends (outside any known code, or past main). */
    private readonly isOutermost: (pc: bigint) => boolean,
    /** The tail-call frames between a frame and its caller, innermost first (core/tail-calls.ts). */
    private readonly tailCalls?: (callee: Frame, caller: Frame) => Frame[],
    /** Where the function holding a pc starts (debug info, else the ELF symbol); undefined when unknown. */
    private readonly functionStart: (pc: bigint) => bigint | undefined = () => undefined,
    /** The program's entry point: gdb does not unwind past the function holding it (backtrace past-entry off). */
    private readonly entryPoint: () => bigint | undefined = () => undefined,
  ) {}

  /**
   * The CFA of a frame without recovering the caller's registers: a register + offset rule (what
   * compilers emit) needs no memory read at all, which keeps line stepping to few round trips.
   */
  async cfaOf(frame: Frame): Promise<bigint | undefined> {
    const found = this.cfiNow().rowAt(lookupPc(frame));
    if (found && found.row.cfa.kind === 'reg-offset') {
      const base = frame.regs.get(found.row.cfa.reg);
      // Unknown base (a stop report's frame 0 holds only the pc): no CFA, and no unwinding that could only fail.
      return base === undefined ? undefined : BigInt.asUintN(64, base + BigInt(found.row.cfa.offset));
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
    this.markSigtramp(first);
    const frames: Frame[] = [first];
    let cur = first;
    while (frames.length < limit) {
      const next = await this.unwindOne(cur).catch(() => undefined);
      cur.cfa = next?.cfa;
      if (!next || next.caller === undefined) break;
      const entry = this.entryPoint();
      if (entry !== undefined && this.functionStart(lookupPc(cur)) === entry) break;
      if (!pastMain && this.isOutermost(cur.pc)) break;
      const caller = next.caller;
      // Guard against loops: the stack grows down, so a caller's CFA must be above ours.
      const prev = frames[frames.length - 1]!;
      if (prev.cfa !== undefined && caller.regs.get(DW_REG_RSP) !== undefined && caller.regs.get(DW_REG_RSP)! < (prev.regs.get(DW_REG_RSP) ?? 0n)) break;
      let between: Frame[] = [];
      try {
        between = this.tailCalls?.(cur, caller) ?? [];
      } catch {
        // Unreadable call-site DWARF: no tail-call frames, as if there were none.
      }
      for (const t of between) frames.push({ ...t, level: frames.length });
      caller.level = frames.length;
      frames.push(caller);
      cur = caller;
      // gdb shows a caller whose pc is 0 (a thread entry that pushed 0 as its return address) and unwinds no further.
      if (caller.pc === 0n) break;
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
      const row = this.cfiNow().rowAt(lookupPc(inner))?.row;
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
   * frame-pointer chain when there is no CFI (rbp only once the function has pushed it: gdb's prologue analyzer).
   */
  async savedRegisters(frame: Frame): Promise<Map<number, bigint>> {
    const out = new Map<number, bigint>();
    if (frame.cfa === undefined) return out;
    const found = this.cfiNow().rowAt(lookupPc(frame));
    if (!found && frame.sigtramp) {
      const rsp = frame.regs.get(DW_REG_RSP);
      return rsp === undefined ? out : sigcontextSlots(rsp);
    }
    if (!found) {
      if ((await this.frameSetup(frame)).rbpSaved) out.set(DW_REG_RBP, frame.cfa - 16n);
      out.set(DW_REG_RIP, frame.cfa - 8n);
      return out;
    }
    for (const [reg, rule] of found.row.registers) {
      if (rule.kind === 'offset') out.set(reg, BigInt.asUintN(64, frame.cfa + BigInt(rule.offset)));
      else if (rule.kind === 'expression') {
        // A signal frame's rules (glibc's __restore_rt): "saved at DW_OP_bregN OFFSET", a register plus a constant.
        const at = bregAddress(rule.expr, frame.regs);
        if (at !== undefined) out.set(reg, at);
      }
    }
    return out;
  }

  /** The frame `frame` returns to, unwound from its own registers (a stop report's frame 0 has rip, rsp and rbp). */
  async callerOf(frame: Frame): Promise<Frame | undefined> {
    return (await this.unwindOne(frame).catch(() => undefined))?.caller;
  }

  /** Marks a signal trampoline: its CFI says so ('S' augmentation, as glibc's __restore_rt), or its code does. */
  private markSigtramp(frame: Frame): void {
    if (this.cfiNow().find(frame.pc)?.fde.cie.signalFrame) frame.sigtramp = true;
  }

  private async unwindOne(frame: Frame): Promise<{ cfa: bigint; caller: Frame | undefined } | undefined> {
    const access = {
      readRegister: (reg: number) => frame.regs.get(reg),
      readMemory: this.readMemory,
    };
    // gdb's dwarf2 unwinder answers a register without a CFI rule from the frame below (caller-saved ones too:
    // `p $rax` in an outer frame shows the inner frame's rax), so every known register is carried up.
    const u = await unwindFrame(this.cfiNow(), lookupPc(frame), access, { sameValue: [...frame.regs.keys()] });
    if (u) {
      // A return address of 0 is a frame all the same (gdb shows it, then unwinds no further: see backtrace).
      const caller: Frame | undefined = u.returnAddress !== undefined
        ? { level: frame.level + 1, pc: u.returnAddress, cfa: undefined, regs: u.registers, caller: true }
        : undefined;
      if (caller && (!u.callerPcIsReturnAddress || frame.sigtramp)) caller.interrupted = true;
      if (caller) this.markSigtramp(caller);
      return { cfa: u.cfa, caller };
    }
    // A trampoline without CFI (musl, a unikernel): the registers saved in the ucontext on the stack.
    const sig = await sigtrampUnwind(frame, this.readMemory);
    if (sig) {
      frame.sigtramp = true;
      const caller: Frame | undefined = sig.pc !== 0n ? { level: frame.level + 1, pc: sig.pc, cfa: undefined, regs: sig.regs, caller: true, interrupted: true } : undefined;
      if (caller) this.markSigtramp(caller);
      return { cfa: sig.cfa, caller };
    }
    // No CFI here: gdb's amd64 prologue unwinder. The frame's base is rbp once the function has run its
    // `push %rbp; mov %rsp,%rbp`, else rsp (before it, in a function without it, at a `ret` in frame 0).
    const setup = await this.frameSetup(frame);
    const base = setup.frameless ? frame.regs.get(DW_REG_RSP) : frame.regs.get(DW_REG_RBP);
    if (base === undefined || (!setup.frameless && base === 0n)) return undefined;
    const at = BigInt.asUintN(64, base + BigInt(setup.spOffset));
    const saved = await this.readMemory(at, 16);
    const callerRbp = setup.rbpSaved ? le64(saved.subarray(0, 8)) : frame.regs.get(DW_REG_RBP);
    const ret = le64(saved.subarray(8, 16));
    const cfa = at + 16n;
    // As gdb's amd64 prologue unwinder: registers it did not find saved keep their value.
    const regs = new Map<number, bigint>([...frame.regs, [DW_REG_RSP, cfa], [DW_REG_RIP, ret]]);
    if (callerRbp !== undefined) regs.set(DW_REG_RBP, callerRbp);
    return { cfa, caller: { level: frame.level + 1, pc: ret, cfa: undefined, regs, caller: true } };
  }

  /** How far the function of a frame without CFI has set its frame up (gdb: frameless, sp_offset -8, when unknown). */
  private async frameSetup(frame: Frame): Promise<FrameSetup> {
    const frameless: FrameSetup = { frameless: true, spOffset: -8, rbpSaved: false };
    // gdb's amd64 epilogue unwinder: frame 0 at a `ret` has its return address at rsp.
    if (frame.level === 0 && (await this.readMemory(frame.pc, 1).catch(() => undefined))?.[0] === 0xc3) return frameless;
    const start = this.functionStart(lookupPc(frame));
    if (start === undefined || start > frame.pc) return frameless;
    const code = await this.readMemory(start, 8).catch(() => undefined);
    return code ? frameSetupAt(code, Number(frame.pc - start)) : frameless;
  }
}
