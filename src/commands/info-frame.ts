// gdb's `info frame` (info_frame_command_core): frame and caller addresses, arguments, frame base, saved registers.
import { x86_64 } from '../arch/arch.js';
import { isEndbr64 } from '../arch/x86-64/prologue.js';
import { DW_REG_RBP, DW_REG_RIP, DW_REG_RSP, dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import type { Session } from '../core/session.js';
import { lookupPc, type Frame } from '../core/frames.js';

/** DWARF register numbers in gdb's amd64 register order (rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip eflags). */
const GDB_ORDER = [0, 3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 49];
/** DWARF's rflags, which gdb calls eflags. */
const DW_REG_RFLAGS = 49;

function hex(a: bigint): string {
  return `0x${a.toString(16)}`;
}

/**
 * The frame base gdb's amd64 prologue analyser gives Arglist/Locals (amd64_frame_cache): rbp once the
 * function's `push %rbp; mov %rsp,%rbp` has begun, else the frame's rsp minus what is not yet pushed.
 */
async function amd64FrameBase(session: Session, frame: Frame): Promise<bigint | undefined> {
  const fn = session.programAt(frame.pc).functionAt(lookupPc(frame));
  const entry = fn?.low ?? session.programAt(frame.pc).symbols.lookup(frame.pc)?.symbol.value;
  const rsp = frame.regs.get(DW_REG_RSP);
  const rbp = frame.regs.get(DW_REG_RBP);
  let spOffset = -8n;
  let framed = false;
  if (entry !== undefined && frame.pc > entry) {
    const code = await session.readMemory(entry, 8).catch(() => undefined);
    if (code) {
      let at = 0;
      if (isEndbr64(code)) at = 4;
      if (frame.pc > entry + BigInt(at) && code[at] === 0x55) {
        spOffset = 0n;
        const [a, b, c] = [code[at + 1], code[at + 2], code[at + 3]];
        // gdb counts the frame as set up from the push on when `mov %rsp,%rbp` follows it.
        if (frame.pc > entry + BigInt(at) + 1n && a === 0x48 && ((b === 0x89 && c === 0xe5) || (b === 0x8b && c === 0xec))) framed = true;
      }
    }
  }
  if (framed) return rbp;
  return rsp === undefined ? undefined : BigInt.asUintN(64, rsp + spOffset);
}

/** The text of `info frame` for the selected frame. */
export async function infoFrameText(session: Session): Promise<string> {
  const frames = await session.frames();
  const level = session.selectedFrame;
  const f = frames[level]!;
  const caller = frames[level + 1];
  const callee = level > 0 ? frames[level - 1] : undefined;
  const info = (await session.backtrace(level + 1))[level];
  const loc = session.frameLocation(f);
  // gdb's frame_unwind_caller_pc skips tail-call frames (a tail-call frame's "saved rip" is its real caller's) and
  // inline frames (an inline frame's registers are its real frame's).
  const real = f.tailCall ? frames.slice(level + 1).find((x) => !x.tailCall) : undefined;
  const realCaller = real ? frames[real.level + 1] : f.inlined ? await session.realCaller(f) : caller;
  const savedPc = realCaller?.pc ?? (await session.unwinder.callerPc(real ?? f));
  const lines = [`Stack level ${f.level}, frame at ${hex(f.cfa ?? 0n)}:`];
  let rip = ` rip = ${hex(f.pc)}`;
  if (loc.function) rip += ` in ${loc.function}`;
  if (loc.file && loc.line) rip += ` (${loc.file}:${loc.line})`;
  lines.push(`${rip}; saved rip = ${savedPc !== undefined ? hex(savedPc) : '<not saved>'}`);
  const rel: string[] = [];
  if (f.tailCall) rel.push(' tail call frame');
  else if (caller) rel.push(f.inlined ? ` inlined into frame ${caller.level}` : ` called by frame at ${hex(caller.cfa ?? 0n)}`);
  if (callee) rel.push(` caller of frame at ${hex(callee.cfa ?? 0n)}`);
  if (rel.length) lines.push(rel.join(','));
  if (loc.file) lines.push(' source language c.');
  if (f.inlined) {
    // gdb: an inline frame has no frame base of its own, and its caller's sp is a register of the real frame.
    lines.push(' Arglist at unknown address.', " Locals at unknown address, Previous frame's sp in rsp");
    return lines.join('\n') + '\n';
  }
  const base = f.sigtramp || f.tailCall ? undefined : await amd64FrameBase(session, f);
  const args = (info?.args ?? []).map((a) => `${a.name}=${a.value}`).join(', ');
  lines.push(base ? ` Arglist at ${hex(base)}, args: ${args}` : ' Arglist at unknown address.');
  let locals = base ? ` Locals at ${hex(base)},` : ' Locals at unknown address,';
  const saved = f.tailCall ? new Map<number, bigint>() : await session.unwinder.savedRegisters(f);
  // gdb: "at" when the caller's sp is saved in memory (a signal frame's sigcontext), "is" when it is computed;
  // a tail-call frame passes its caller's sp through from the register ("in rsp") and saves nothing.
  const savedSp = saved.get(DW_REG_RSP);
  if (f.tailCall) locals += ` Previous frame's sp in ${dwarfRegName(DW_REG_RSP)}`;
  else if (savedSp !== undefined) locals += ` Previous frame's sp at ${hex(savedSp)}`;
  else if (f.cfa !== undefined) locals += ` Previous frame's sp is ${hex(f.cfa)}`;
  lines.push(locals);
  // Below a tail-call frame the return address is the tail call's site, computed rather than read from the stack.
  if (caller?.tailCall) saved.delete(DW_REG_RIP);
  const slots = GDB_ORDER.filter((r) => r !== DW_REG_RSP && saved.has(r)).map((r) => ` ${r === DW_REG_RFLAGS ? x86_64.flagsRegister : dwarfRegName(r)} at ${hex(saved.get(r)!)}`);
  if (slots.length) lines.push(' Saved registers:', ` ${slots.join(',')}`);
  return lines.join('\n') + '\n';
}
