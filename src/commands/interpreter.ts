// Runs command lines: comments, empty-line repeat, errors reported as one line while the session goes on.
import { FormatError, UserError, debugEnabled, errorMessage } from '../util/errors.js';
import { MemoryError, TargetGoneError } from '../target/contract.js';
import { DwarfExpressionError } from '../dwarf/expr.js';
import type { CommandContext } from './context.js';
import type { CommandTable } from './registry.js';

/** Thrown by `quit` so that whoever drives the interpreter can clean up and leave. */
export class QuitRequest extends Error {
  override name = 'QuitRequest';
}

export class Interpreter {
  private lastRepeatable: string | undefined;
  /** The last malformed-file error a command met (the message as printed), if any. */
  formatError: string | undefined;
  /** Whether the last command failed (gdb's batch mode exits 1 when the last command was an error). */
  lastFailed = false;

  constructor(readonly table: CommandTable, readonly ctx: CommandContext) {}

  /**
   * Executes one line. Returns false when the command failed (the message was already printed).
   * User errors and target memory errors print one line; anything else is a bug, printed with
   * its message only, and the session goes on. QuitRequest propagates.
   */
  async execute(line: string, opts: { fromTerminal?: boolean; repeatEmpty?: boolean } = {}): Promise<boolean> {
    let text = line.replace(/\r$/, '');
    if (/^\s*#/.test(text)) return true;
    if (!text.trim()) {
      if (!(opts.fromTerminal || opts.repeatEmpty) || !this.lastRepeatable) return true;
      text = this.lastRepeatable;
    }
    this.lastFailed = false;
    try {
      const { command, args } = this.table.resolve(text);
      this.lastRepeatable = command.repeatable ? text : undefined;
      // gdb's from_tty: chatter such as "Continuing." is for people at a terminal, not for -ex/-batch.
      this.ctx.fromTerminal = !!opts.fromTerminal;
      await command.run!(args, this.ctx);
      return true;
    } catch (e) {
      if (e instanceof QuitRequest) throw e;
      this.lastRepeatable = undefined;
      this.lastFailed = true;
      if (e instanceof FormatError && !(e instanceof DwarfExpressionError)) {
        // A corrupt program file found by a lazy reader: name the file; batch mode treats it as fatal.
        const path = this.ctx.program?.elf.path;
        this.formatError = path && !e.message.startsWith(`${path}: `) ? `${path}: ${e.message}` : e.message;
        this.ctx.out.error(this.formatError);
        return false;
      }
      if (e instanceof TargetGoneError) {
        // Not our bug: the stub or the connection failed. The session says so once (its exit text).
        const text = this.ctx.session ? this.ctx.session.noteTargetGone(e) : e.message;
        if (text) this.ctx.out.error(text);
        return false;
      }
      // A bad location expression spoils one variable, not the file: an ordinary error, as in gdb.
      if (e instanceof UserError || e instanceof MemoryError) {
        this.ctx.out.error(errorMessage(e));
        return false;
      }
      this.ctx.out.error(`internal error: ${errorMessage(e)}`);
      if (debugEnabled()) console.error(e);
      return false;
    }
  }
}

/** gdb's `echo` escapes: \n \t \\ \" \a, octal \NNN; a trailing backslash is dropped. */
export function unescapeEcho(text: string): string {
  return text.replace(/\\(n|t|a|\\|"|'|[0-7]{1,3}|$)/g, (_, c: string) => {
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'a': return '\x07';
      case '': return '';
      default: return /^[0-7]+$/.test(c) ? String.fromCharCode(parseInt(c, 8)) : c;
    }
  });
}

export { UserError };
