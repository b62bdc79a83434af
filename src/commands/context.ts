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

export function needSession(ctx: CommandContext): Session {
  if (!ctx.session) throw new UserError('The program is not being run.');
  return ctx.session;
}
