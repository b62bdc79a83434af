// `info frame` in gdb's layout: levels and CFAs of the neighbours, the caller's pc, argument values, frame base, saved registers.
import { DW_REG_RBP, dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import type { Session } from '../core/session.js';

/** gdb's amd64 register order (its register numbers), for the "Saved registers" list. */
const GDB_ORDER = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip'];

const hex = (a: bigint): string => `0x${a.toString(16)}`;

export async function infoFrameText(s: Session): Promise<string> {
  const frames = await s.frames();
  const level = s.selectedFrame;
  const f = frames[level]!;
  const caller = frames[level + 1];
  const inner = level > 0 ? frames[level - 1] : undefined;
  const info = (await s.backtrace(level + 1))[level];
  const detail = await s.frameDetail(level);
  const loc = s.describe(f.level > 0 ? f.pc - 1n : f.pc);
  const where = loc.function ? ` in ${loc.function}${loc.file && loc.line ? ` (${loc.file}:${loc.line})` : ''}` : '';
  const lines = [
    `Stack level ${f.level}, frame at ${hex(f.cfa ?? 0n)}:`,
    ` rip = ${hex(f.pc)}${where}; saved rip = ${hex(detail.callerPc ?? 0n)}`,
  ];
  const links = [caller ? `called by frame at ${hex(caller.cfa ?? 0n)}` : '', inner ? `caller of frame at ${hex(inner.cfa ?? 0n)}` : ''].filter((x) => x);
  if (links.length) lines.push(` ${links.join(', ')}`);
  lines.push(' source language c.');
  if (f.cfa !== undefined) {
    // gdb's amd64 frame base: the frame's %rbp once the prologue set it up (the -O0 frame), else the CFA less
    // the return address and saved %rbp slots.
    const rbpSlot = detail.saved.find((r) => r.reg === DW_REG_RBP);
    const base = rbpSlot ? rbpSlot.address : f.cfa - 16n;
    const args = (info?.args ?? []).map((a) => `${a.name}=${a.value}`).join(', ');
    lines.push(` Arglist at ${hex(base)}, args: ${args}`);
    lines.push(` Locals at ${hex(base)}, Previous frame's sp is ${hex(f.cfa)}`);
  }
  const saved = detail.saved
    .map((r) => ({ name: dwarfRegName(r.reg), address: r.address }))
    .filter((r) => GDB_ORDER.includes(r.name))
    .sort((a, b) => GDB_ORDER.indexOf(a.name) - GDB_ORDER.indexOf(b.name));
  if (saved.length) lines.push(' Saved registers:', `  ${saved.map((r) => `${r.name} at ${hex(r.address)}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
