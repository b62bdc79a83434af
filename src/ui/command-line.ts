// The command line: a small line editor, history persisted under $XDG_STATE_HOME, and tab completion.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandTable } from '../commands/registry.js';

export class LineEditor {
  text = '';
  cursor = 0;

  set(text: string, cursor = text.length): void {
    this.text = text;
    this.cursor = Math.max(0, Math.min(cursor, text.length));
  }

  insert(s: string): void {
    this.text = this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor);
    this.cursor += s.length;
  }

  /** Applies an editing key; returns false when the key is not an editing key. */
  edit(key: string): boolean {
    const t = this.text;
    const c = this.cursor;
    switch (key) {
      case 'backspace': case 'C-h': if (c > 0) this.set(t.slice(0, c - 1) + t.slice(c), c - 1); return true;
      case 'delete': case 'C-d': if (c < t.length) this.set(t.slice(0, c) + t.slice(c + 1), c); return true;
      case 'left': case 'C-b': this.cursor = Math.max(0, c - 1); return true;
      case 'right': case 'C-f': this.cursor = Math.min(t.length, c + 1); return true;
      case 'home': case 'C-a': this.cursor = 0; return true;
      case 'end': case 'C-e': this.cursor = t.length; return true;
      case 'C-u': this.set(t.slice(c), 0); return true;
      case 'C-k': this.set(t.slice(0, c), c); return true;
      case 'C-w': {
        const before = t.slice(0, c).replace(/\S*\s*$/, '');
        this.set(before + t.slice(c), before.length);
        return true;
      }
      default: return false;
    }
  }
}

/** $XDG_STATE_HOME/duster-tui/history (default ~/.local/state/duster-tui/history). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'duster-tui', 'history');
}

export const HISTORY_MAX = 1000;

/** Command history: up/down browsing, saved line by line; failures to save are reported once, not fatal. */
export class History {
  readonly entries: string[] = [];
  private pos = 0;
  private draft = '';
  error: string | undefined;

  constructor(readonly path: string | undefined) {
    if (!path) return;
    try {
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
      this.entries.push(...lines.slice(-HISTORY_MAX));
      if (lines.length > HISTORY_MAX * 2) writeFileSync(path, this.entries.join('\n') + '\n');
    } catch {
      // no history yet
    }
    this.pos = this.entries.length;
  }

  add(line: string): void {
    const l = line.replace(/[\r\n]/g, ' ');
    this.pos = this.entries.length;
    if (!l.trim() || this.entries[this.entries.length - 1] === l) return;
    this.entries.push(l);
    this.pos = this.entries.length;
    if (!this.path || this.error) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, l + '\n');
    } catch (e) {
      this.error = `cannot save history to ${this.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    }
  }

  /** Older entry (keeps the line being typed as a draft). */
  prev(current: string): string | undefined {
    if (this.pos === this.entries.length) this.draft = current;
    if (this.pos === 0) return undefined;
    return this.entries[--this.pos];
  }

  next(): string | undefined {
    if (this.pos >= this.entries.length) return undefined;
    this.pos++;
    return this.pos === this.entries.length ? this.draft : this.entries[this.pos];
  }

  reset(): void {
    this.pos = this.entries.length;
  }
}

export interface CompletionSources {
  commands: Pick<CommandTable, 'all' | 'lookup'>;
  /** Function and global variable names. */
  symbols(): readonly string[];
  /** Source file names as users type them (e.g. "kernel.c"). */
  files(): readonly string[];
  /** Lines of `file` that have code, for "file:line". */
  lines(file: string): readonly number[];
  /** Member names of the struct or union an expression has (through a pointer too), for `p inv.he<Tab>`. */
  members?(expression: string): Promise<readonly string[]>;
}

export interface Completion {
  text: string;
  cursor: number;
  /** All candidates when more than one matched (to show in the log). */
  candidates: string[];
}

function commonPrefix(xs: readonly string[]): string {
  if (!xs.length) return '';
  let p = xs[0]!;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

const MAX_CANDIDATES = 200;

/** Where the word to complete starts: after a space, a comma or an opening parenthesis. */
export function wordStartOf(before: string): number {
  return before.search(/[^\s,(]*$/);
}

/** `inv.items[0].he` → the expression `inv.items[0]` and the `.`: the word before the cursor names a member. */
export function memberContext(text: string, cursor: number): { expression: string; access: '.' | '->' } | undefined {
  const before = text.slice(0, cursor);
  if (!before.slice(0, wordStartOf(before)).trim()) return undefined; // the command word itself
  const m = /^(.*?)(\.|->)(\w*)$/.exec(before.slice(wordStartOf(before)));
  return m && /[\w\])]$/.test(m[1]!) ? { expression: m[1]!, access: m[2] as '.' | '->' } : undefined;
}

/** Completes a line and, where the word is a member access, asks `members` for the names first. */
export async function completeLine(text: string, cursor: number, src: CompletionSources): Promise<Completion> {
  const mc = memberContext(text, cursor);
  const names = mc && src.members ? await src.members(mc.expression).catch(() => []) : undefined;
  return complete(text, cursor, src, names);
}

/** file:line candidates by line number (kernel.c:9 before kernel.c:10), the rest by name. */
function byNameThenLine(a: string, b: string): number {
  const ma = /^(.*):(\d+)$/.exec(a);
  const mb = /^(.*):(\d+)$/.exec(b);
  if (ma && mb && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Completes the word before the cursor: a command, a subcommand, a symbol, a file, file:line, or
 * (given the member names of the expression before `.`/`->`, see completeLine) a member.
 */
export function complete(text: string, cursor: number, src: CompletionSources, members?: readonly string[]): Completion {
  const before = text.slice(0, cursor);
  const after = text.slice(cursor);
  const wordStart = wordStartOf(before);
  const word = before.slice(wordStart);
  const words = before.slice(0, wordStart).trim().split(/\s+/).filter(Boolean);
  let pool: string[];
  let finalSuffix = ' ';
  if (!words.length) {
    // Aliases that only abbreviate the name (br, bre, brea for break) add nothing to the list.
    pool = src.commands.all().flatMap((c) => [c.name, ...(c.aliases ?? []).filter((a) => a.length > 1 && !c.name.startsWith(a))]);
  } else {
    const cmd = (() => {
      try {
        return src.commands.lookup(words[0]!);
      } catch {
        return undefined;
      }
    })();
    const mc = members && memberContext(text, cursor);
    if (mc) {
      pool = members.map((n) => `${mc.expression}${mc.access}${n}`);
      finalSuffix = '';
    } else if (cmd?.sub && words.length === 1) pool = cmd.sub.all().map((c) => c.name);
    else {
      const colon = word.lastIndexOf(':');
      if (colon > 0) {
        const file = word.slice(0, colon);
        pool = src.lines(file).map((n) => `${file}:${n}`);
      } else {
        pool = [...src.files(), ...src.symbols()];
        if (pool.length === 0) finalSuffix = ' ';
      }
    }
  }
  const matches = [...new Set(pool.filter((p) => p.startsWith(word)))].sort(byNameThenLine);
  if (!matches.length) return { text, cursor, candidates: [] };
  if (matches.length === 1) {
    const m = matches[0]!;
    const isFile = src.files().includes(m) && words.length > 0;
    const suffix = isFile ? ':' : after.startsWith(' ') ? '' : finalSuffix;
    const t = before.slice(0, wordStart) + m + suffix;
    return { text: t + after, cursor: t.length, candidates: [] };
  }
  const prefix = commonPrefix(matches);
  const t = before.slice(0, wordStart) + prefix;
  return { text: t + after, cursor: t.length, candidates: matches.slice(0, MAX_CANDIDATES) };
}
