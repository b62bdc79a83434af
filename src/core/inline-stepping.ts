// gdb's stepping rules around inlined calls (infrun.c "calls to inlined functions", parts one and two), as decisions over plain data.
import { inlinedAt, type Block, type FunctionInfo } from '../symbols/functions.js';
import type { Program } from '../symbols/program.js';
import { hiddenInlineCalls } from './inline-frames.js';

/** gdb's frame_id while stepping: the real frame's CFA and the inlined block frame 0 shows (undefined: the function itself). */
export interface StepFrame {
  cfa: bigint | undefined;
  block: number | undefined;
}

/** The inlined calls at a pc: innermost first, and how many of them frame 0 hides (they start there). */
export interface InlineView {
  fn: FunctionInfo | undefined;
  chain: Block[];
  hidden: number;
}

/** What gdb's step_frame_id, current_line and current_symtab hold: the frame and line a step started from (refreshed mid-line). */
export interface StepState {
  frame: StepFrame;
  line: number;
  file: string | undefined;
}

/** The view at a stop gdb makes while stepping (skip_inline_frames without user breakpoints), or with `hidden` given. */
export function inlineView(prog: Program, pc: bigint, hidden?: number): InlineView {
  const fn = prog.functionAt(pc);
  const chain = fn ? inlinedAt(fn, pc) : [];
  return { fn, chain, hidden: hidden ?? (fn ? hiddenInlineCalls(fn, pc, []) : 0) };
}

export function frameOf(view: InlineView, cfa: bigint | undefined): StepFrame {
  return { cfa, block: view.chain[view.hidden]?.dieOffset };
}

export function sameFrame(a: StepFrame, b: StepFrame): boolean {
  return a.cfa === b.cfa && a.block === b.block;
}

/** gdb's stepped_in_from: `step` is one of the frames frame 0 is inlined into (same real frame, further out). */
function steppedInFrom(view: InlineView, cfa: bigint | undefined, step: StepFrame): boolean {
  if (step.cfa !== cfa) return false;
  return step.block === undefined || view.chain.slice(view.hidden + 1).some((b) => b.dieOffset === step.block);
}

/** The call site of the outermost hidden inlined call (what gdb's find_frame_sal gives frame 0 then). */
export function hiddenCallSite(prog: Program, view: InlineView): { line: number; fullPath: string } | undefined {
  if (!view.fn || view.hidden === 0) return undefined;
  return prog.callSite(view.fn, view.chain[view.hidden - 1]!);
}

/**
 * gdb's "calls to inlined functions" checks after a step left its range: 'stop' (with the hidden count frame 0
 * then has: `step` enters a call made from the line it stepped), 'keep' (go on stepping, the range unchanged),
 * or 'line' (no inlined call decides: the ordinary line rules apply).
 */
export function inlineStepVerdict(prog: Program, view: InlineView, cfa: bigint | undefined, st: StepState, over: boolean): { action: 'stop' | 'keep' | 'line'; hidden: number } {
  const here = frameOf(view, cfa);
  if (view.hidden > 0 && sameFrame(here, st.frame)) {
    // Part one: an inlined call starts here, in the frame being stepped.
    const site = hiddenCallSite(prog, view);
    const fromThisLine = site !== undefined && site.line === st.line && site.fullPath === st.file;
    if (!over) return { action: 'stop', hidden: fromThisLine ? view.hidden - 1 : view.hidden };
    return { action: fromThisLine ? 'keep' : 'stop', hidden: view.hidden };
  }
  if (view.chain[view.hidden] && !sameFrame(here, st.frame) && steppedInFrom(view, cfa, st.frame)) {
    // Part two: deeper in an inlined call made from the frame being stepped.
    return { action: over ? 'keep' : 'stop', hidden: view.hidden };
  }
  return { action: 'line', hidden: view.hidden };
}

/** gdb's prepare_one_step for `next` with hidden inlined calls: the range ends where the outermost hidden call ends. */
export function clipRangeToHidden(view: InlineView, end: bigint): bigint {
  if (view.hidden === 0) return end;
  const b = view.chain[view.hidden - 1]!;
  let blockEnd = 0n;
  for (const r of b.ranges) if (r.end > blockEnd) blockEnd = r.end;
  return blockEnd > 0n && blockEnd < end ? blockEnd : end;
}
