// The command table: gdb-style names, aliases and unique-prefix abbreviations, with subcommand tables (info ...).
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';

export interface Command {
  name: string;
  aliases?: string[];
  /** One-line help, shown by `help` and the TUI. */
  help: string;
  /** Repeat on an empty line (step, next, continue...), as gdb does. */
  repeatable?: boolean;
  run?(args: string, ctx: CommandContext): Promise<void> | void;
  /** Subcommands (e.g. `info`); `run` is then the fallback for an unknown one. */
  sub?: CommandTable;
}

export class CommandTable {
  private readonly commands: Command[] = [];

  constructor(readonly prefix = '') {}

  add(...cmds: Command[]): this {
    this.commands.push(...cmds);
    return this;
  }

  all(): readonly Command[] {
    return this.commands;
  }

  /** Exact name or alias first, then a unique prefix of a name (gdb's rule). */
  lookup(word: string): Command | undefined {
    const exact = this.commands.find((c) => c.name === word || c.aliases?.includes(word));
    if (exact) return exact;
    const matches = this.commands.filter((c) => c.name.startsWith(word));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      const names = matches.map((c) => c.name).sort();
      throw new UserError(`Ambiguous ${this.prefix ? this.prefix + ' ' : ''}command "${word}": ${names.join(', ')}.`);
    }
    return undefined;
  }

  /** Resolves a command line to the command and its argument text. */
  resolve(line: string): { command: Command; args: string; path: string } {
    const m = /^\s*([A-Za-z_][\w-]*|[!/]|\S)\s*(.*)$/s.exec(line);
    if (!m) throw new UserError('Empty command.');
    let word = m[1]!;
    let rest = m[2]!;
    // gdb allows `x/4x`, `p/x`: the format sticks to the command name.
    const slash = word.indexOf('/');
    if (slash > 0) {
      rest = word.slice(slash) + (rest ? ' ' + rest : '');
      word = word.slice(0, slash);
    } else if (rest.startsWith('/') && /^[A-Za-z]+$/.test(word)) {
      // `p /x v` is the same as `p/x v`
    }
    const cmd = this.lookup(word);
    if (!cmd) {
      const what = this.prefix ? `"${this.prefix}" must be followed by the name of an ${this.prefix} command` : `Undefined command: "${word}".  Try "help".`;
      throw new UserError(this.prefix ? `Undefined ${this.prefix} command: "${word}".  Try "help ${this.prefix}".` : what);
    }
    if (cmd.sub && rest.trim()) {
      const subWord = /^\S+/.exec(rest)![0];
      const subCmd = cmd.sub.lookup(subWord.split('/')[0]!);
      if (subCmd) {
        const inner = cmd.sub.resolve(rest);
        return { ...inner, path: `${cmd.name} ${inner.path}` };
      }
      if (!cmd.run) throw new UserError(`Undefined ${cmd.name} command: "${subWord}".  Try "help ${cmd.name}".`);
    }
    if (!cmd.run && cmd.sub) {
      const list = cmd.sub.all().map((c) => c.name).join(', ');
      throw new UserError(`"${cmd.name}" must be followed by the name of a subcommand: ${list}.`);
    }
    return { command: cmd, args: rest.trim(), path: cmd.name };
  }

  /** Names for tab completion. */
  names(): string[] {
    return this.commands.map((c) => c.name);
  }
}
