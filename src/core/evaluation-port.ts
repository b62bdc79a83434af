// The port through which core asks for C expression evaluation, which lives above it (commands' eval-hooks implement it).
import type { Frame } from './frames.js';

/** Given to the Session once (Session.setEvaluation); without it conditions hold, and frames show no values. */
export interface EvaluationPort {
  /** Does a breakpoint condition hold at the current stop (evaluated in frame 0)? */
  conditionHolds(expression: string): Promise<boolean>;
  /** The frame's arguments formatted for a frame line, gdb-style ("n=5"). */
  frameArguments(frame: Frame): Promise<{ name: string; value: string }[]>;
  /** The locals of frame `level` as "name = value" lines (bt full). */
  frameLocals(level: number): Promise<string[]>;
  /**
   * "$1 = 5": the value the function (DIE offset) just returned on `vcpu`, recorded in the value history; undefined
   * for void. `pc` (an address in the function) says which image's debug info the DIE offset is in (default: the program's).
   */
  returnedValue(fnDieOffset: number, vcpu: number, pc?: bigint): Promise<string | undefined>;
}
