// What a command sees: the program model (always), the live session (when a target is attached), an output sink and remembered state.
import type { Session } from '../core/session.js';
import type { Program } from '../symbols/program.js';
import type { SourceFiles } from './source-files.js';
import type { ExamineState } from './examine.js';
import { UserError } from '../util/errors.js';

export interface Output {
  /** Normal answers (stdout in line mode). Text includes its own newlines. */
  print(text: string): void;
  /** Error messages, one line each (stderr in line mode). */
  error(text: string): void;
}

/** Where `list` continues from (gdb keeps this between commands). */
export interface ListState {
  file?: string;
  /** Next line `list` without arguments shows. */
  next?: number;
  /** First line shown by the last listing (for `list -`). */
  first?: number;
}

export interface CommandContext {
  program: Program | undefined;
  session: Session | undefined;
  sources: SourceFiles;
  out: Output;
  list: ListState;
  /** display and x state (created on first use). */
  data?: DataState;
  /** The running command was typed at a terminal (gdb's from_tty). */
  fromTerminal?: boolean;
  /** Set by the TUI: session events are shown in panes, not printed. */
  quiet?: boolean;
  /** Ask the front end to end the session (quit/detach). */
  requestQuit?: () => void;
  /**
   * Set when duster-tui starts the program itself (`duster-tui PROG`): starts gdbserver on it and
   * returns the session, the program created but not run yet. `args` replace the program's arguments.
   */
  launch?: (args?: string[]) => Promise<Session>;
  /** Asks the user a yes/no question typed at a terminal (gdb's query; `emptyAnswer`: what an empty line means). */
  confirm?: (question: string, emptyAnswer?: boolean) => Promise<boolean>;
  /** gdb's argument list for the next `run` (`duster-tui PROG ARGS...`, `run ARGS`, `set args`); unset: the last run's. */
  programArgs?: readonly string[];
  /** The same as typed (`show args` prints it so, quotes included). */
  programArgsText?: string;
  /** gdb's `set exec-file-mismatch` as typed (ask, warn, off), for `show exec-file-mismatch`. */
  execFileMismatch?: 'ask' | 'warn' | 'off';
  /** gdb's `set breakpoint pending`: a breakpoint on a function not defined yet is made pending (on), refused (off) or asked about (auto). */
  breakpointPending?: 'on' | 'off' | 'auto';
}

/** Auto-display expressions, shown after every stop (gdb's display). */
export interface Display {
  id: number;
  expression: string;
  format?: string;
  /** Set when the expression needs locals: like gdb, show it only while stopped in this function. */
  function?: string;
}
/** What `display` and `x` remember between commands, kept with the command context (one per session). */
export interface DataState {
  displays: Display[];
  nextDisplay: number;
  examine: ExamineState;
}

/**
 * The session while its program has frames (stopped, or a core file); without them gdb's words for what is
 * missing: "No stack." (bt, frame, up, down), "No frame selected." (info locals, info args), "The program
 * has no registers now." (info registers).
 */
export function needFrames(ctx: CommandContext, missing: string): Session {
  const s = ctx.session;
  if (!s || s.state === 'exited' || s.state === 'detached') throw new UserError(missing);
  s.requireStopped();
  return s;
}

export function needSession(ctx: CommandContext): Session {
  if (!ctx.session) throw new UserError('The program is not being run.');
  return ctx.session;
}

/** The session, started now (gdbserver on the program, not run yet) when duster-tui runs the program itself. */
export async function sessionOrLaunch(ctx: CommandContext, args?: string[]): Promise<Session> {
  if (ctx.session) return ctx.session;
  if (ctx.launch) return ctx.launch(args);
  return needSession(ctx);
}

/**
 * gdb's query: asks when the command was typed at a terminal that can answer, else says the answer
 * as gdb does ("(y or n) [answered Y; input not from terminal]"). `question` ends with "? ".
 */
export async function query(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.fromTerminal && ctx.confirm) return ctx.confirm(`${question}(y or n) `);
  ctx.out.print(`${question}(y or n) [answered Y; input not from terminal]\n`);
  return true;
}

/**
 * gdb's nquery (the answer is no unless given): asked at a terminal that can answer; with no terminal gdb's
 * "[answered N; input not from terminal]". The full screen, which cannot ask in the middle of a command, takes yes.
 */
export async function nquery(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.fromTerminal && ctx.confirm) return ctx.confirm(`${question}(y or [n]) `, false);
  if (ctx.fromTerminal) return true;
  ctx.out.print(`${question}(y or [n]) [answered N; input not from terminal]\n`);
  return false;
}
