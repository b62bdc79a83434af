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
      const what = this.prefix ? `Undefined ${this.prefix} command: "${word}".  Try "help ${this.prefix}".` : `Undefined command: "${word}".  Try "help".`;
      throw new UserError(what + this.didYouMean(word));
    }
    if (cmd.sub && rest.trim()) {
      const subWord = /^\S+/.exec(rest)![0];
      const subCmd = cmd.sub.lookup(subWord.split('/')[0]!);
      if (subCmd) {
        const inner = cmd.sub.resolve(rest);
        return { ...inner, path: `${cmd.name} ${inner.path}` };
      }
      if (!cmd.run) throw new UserError(`Undefined ${cmd.name} command: "${subWord}".  Try "help ${cmd.name}".${cmd.sub.didYouMean(subWord)}`);
    }
    if (!cmd.run && cmd.sub) {
      const list = cmd.sub.all().map((c) => c.name).join(', ');
      throw new UserError(`"${cmd.name}" must be followed by the name of a subcommand: ${list}.`);
    }
    return { command: cmd, args: rest.trim(), path: cmd.name };
  }

  /** ` Did you mean "break"?` for a mistyped word: the names and aliases closest to it (at most two edits away), or ''. */
  didYouMean(word: string): string {
    const limit = word.length <= 3 ? 1 : 2;
    let best = limit + 1;
    let names: string[] = [];
    for (const c of this.commands) {
      for (const n of [c.name, ...(c.aliases ?? [])]) {
        const d = editDistance(word.toLowerCase(), n);
        if (d < best) [best, names] = [d, [c.name]];
        else if (d === best && !names.includes(c.name)) names.push(c.name);
      }
    }
    if (best > limit || !names.length) return '';
    const quoted = names.slice(0, 3).map((n) => `"${this.prefix ? this.prefix + ' ' : ''}${n}"`);
    return ` Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
  }

  /** Names for tab completion. */
  names(): string[] {
    return this.commands.map((c) => c.name);
  }
}

/** Edits (insert, delete, substitute, swap two neighbours) between a and b: the optimal string alignment distance. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]!.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}
