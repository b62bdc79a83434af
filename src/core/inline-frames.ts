// Inline frames (gdb's inline-frame.c): each unwound frame split into the inlined calls active at its pc, innermost first.
import { blocksAt, inlinedAt, type Block, type FunctionInfo } from '../symbols/functions.js';
import type { Program } from '../symbols/program.js';
import { lookupPc, type Frame } from './frames.js';

/**
 * gdb's block_starting_point_at: true when pc is where `b` begins, i.e. the instruction before pc is not
 * in `b` (nor in a block inside it).
 */
function startsAt(f: FunctionInfo, b: Block, pc: bigint): boolean {
  if (b.entryPc === pc) return true;
  const before = pc - 1n;
  if (!f.ranges.some((r) => before >= r.start && before < r.end)) return true;
  return !blocksAt(f, before).some((x) => x.dieOffset === b.dieOffset);
}

/**
 * gdb's skip_inline_frames at a stop: how many of the inlined calls at frame 0's pc are hidden, because the
 * pc is where they begin (the stop shows the caller "at" the call's line first; `step` then enters them).
 * `userBlocks`: for each user breakpoint at the pc, the DIE of the block its location was found for
 * (`break FUNC`), or undefined (line and address breakpoints: the innermost block, which is never hidden).
 */
export function hiddenInlineCalls(f: FunctionInfo, pc: bigint, userBlocks: (number | undefined)[]): number {
  let n = 0;
  for (const b of inlinedAt(f, pc)) {
    if (!startsAt(f, b, pc)) break;
    // gdb's stopped_by_user_bp_inline_frame: a user breakpoint set on this inlined function shows it.
    if (userBlocks.some((d) => d === undefined || d === b.dieOffset)) break;
    n++;
  }
  return n;
}

/**
 * The frames gdb shows for unwound frames `real`: before each, one inline frame per inlined call active at its
 * pc (they share its pc, cfa and registers), innermost first; `hidden` inlined calls of frame 0 are left out.
 */
export function withInlineFrames(real: Frame[], programAt: (pc: bigint) => Program, hidden: number): Frame[] {
  const out: Frame[] = [];
  for (const r of real) {
    const pc = lookupPc(r);
    const f = programAt(pc).functionAt(pc);
    const chain = f ? inlinedAt(f, pc) : [];
    const skip = r === real[0] ? Math.min(hidden, chain.length) : 0;
    for (let i = skip; i <= chain.length; i++) {
      const frame: Frame = { ...r, level: out.length };
      if (i < chain.length) frame.inlined = chain[i]!;
      if (i > 0) {
        frame.inlineDepth = i;
        frame.callee = chain[i - 1]!;
      }
      out.push(frame);
    }
  }
  return out;
}
