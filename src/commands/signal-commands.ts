// gdb's signal commands: `handle SIG... ACTIONS`, `info signals [SIG]` (alias `info handle`), in gdb's words and layout.
import { SignalTable, type SignalHandling, type SignalRow } from '../core/signals.js';
import { evaluateExpression } from '../eval/commands.js';
import { unpackLong } from '../eval/value.js';
import { GDB_SIGNAL_LAST, gdbSignalByName } from '../target/signal-numbers.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { currentScope } from './eval-hooks.js';
import type { Command, CommandTable } from './registry.js';

const SIGINT = gdbSignalByName('SIGINT')!.number;
const SIGTRAP = gdbSignalByName('SIGTRAP')!.number;

/** Before a program is attached, `handle` and `info signals` work on a table kept with the command context. */
const detachedTables = new WeakMap<CommandContext, SignalTable>();

function tableOf(ctx: CommandContext): SignalTable {
  if (ctx.session) return ctx.session.signals;
  let t = detachedTables.get(ctx);
  if (!t) detachedTables.set(ctx, (t = new SignalTable()));
  return t;
}

export const SIGNAL_HEADER = 'Signal        Stop\tPrint\tPass to program\tDescription\n';

/** One row as gdb's sig_print_info writes it: the name padded to 13 columns, then tab-separated columns. */
export function signalRow(r: SignalRow): string {
  const yn = (b: boolean) => (b ? 'Yes' : 'No');
  return `${r.name.padEnd(13)} ${yn(r.stop)}\t${yn(r.print)}\t${yn(r.pass)}\t\t${r.description}\n`;
}

/** gdb_signal_from_command: numbers name gdb's signals 1-15 (the same as the host's there, mostly). */
function fromNumber(n: number): number {
  if (Number.isInteger(n) && n >= 1 && n <= 15) return n;
  throw new UserError('Only signals 1-15 are valid as numeric signals.\nUse "info signals" for a list of symbolic signals.');
}

type Action = (h: SignalHandling) => void;

/**
 * gdb's flag words, each matched by a prefix of at least the given length, in gdb's order (so "s" is
 * stop and "a" is all). stop implies print; noprint implies nostop.
 */
const ACTIONS: [word: string, min: number, act: Action][] = [
  ['stop', 1, (h) => ((h.stop = true), (h.print = true))],
  ['ignore', 1, (h) => (h.pass = false)],
  ['print', 2, (h) => (h.print = true)],
  ['pass', 2, (h) => (h.pass = true)],
  ['nostop', 3, (h) => (h.stop = false)],
  ['noignore', 3, (h) => (h.pass = true)],
  ['noprint', 4, (h) => ((h.print = false), (h.stop = false))],
  ['nopass', 4, (h) => (h.pass = false)],
];

/**
 * `handle` as gdb's handle_command: words are read left to right; a signal (name, number 1-15, range
 * LOW-HIGH, `all`) joins the set, an action applies to every signal in the set so far. `all` leaves
 * out SIGINT and SIGTRAP; naming one of those asks first (batch gdb answers yes, so do we, saying so).
 * Returns the changed rows in gdb's order (printed only when typed at a terminal, as gdb does).
 */
export function handleSignals(table: SignalTable, args: string, notice: (text: string) => void): SignalRow[] {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (!words.length) throw new UserError('Argument required (signal to handle).');
  const chosen = new Set<number>();
  const settings = new Map<number, SignalHandling>();
  const current = (n: number): SignalHandling => {
    let h = settings.get(n);
    if (!h) {
      const r = table.row(n)!;
      settings.set(n, (h = { stop: r.stop, print: r.print, pass: r.pass }));
    }
    return h;
  };
  for (const word of words) {
    const action = ACTIONS.find(([w, min]) => word.length >= min && w.startsWith(word));
    const all = 'all'.startsWith(word);
    if (action && !all) {
      for (const n of chosen) action[2](current(n));
      continue;
    }
    let first: number;
    let last: number;
    const digits = /^\d*/.exec(word)![0].length;
    if (all) {
      first = 1;
      last = GDB_SIGNAL_LAST - 1;
    } else if (digits > 0) {
      first = last = fromNumber(parseInt(word, 10));
      if (word[digits] === '-') last = fromNumber(parseInt(word.slice(digits + 1), 10) || 0);
      if (first > last) [first, last] = [last, first];
    } else {
      const s = gdbSignalByName(word);
      if (!s) throw new UserError(`Unrecognized or ambiguous flag word: "${word}".`);
      first = last = s.number;
    }
    for (let n = first; n <= last; n++) {
      if (!table.row(n)) continue; // gdb's unknown/default pseudo-signals
      if (n === SIGINT || n === SIGTRAP) {
        if (all || chosen.has(n)) continue;
        notice(`${table.row(n)!.name} is used by the debugger.\nAre you sure you want to change it? (y or n) [answered Y; input not from terminal]\n`);
      }
      chosen.add(n);
    }
  }
  if (!chosen.size) return [];
  const changes = new Map([...chosen].map((n) => [n, current(n)] as const));
  table.set(changes);
  return [...chosen].sort((a, b) => a - b).map((n) => table.row(n)!);
}

/** `info signals SIG`: a name, else an expression whose value is a signal number 1-15 (gdb's parse_and_eval_long). */
async function oneSignal(ctx: CommandContext, table: SignalTable, arg: string): Promise<SignalRow> {
  const byName = gdbSignalByName(arg);
  if (byName) return table.row(byName.number)!;
  let n: number;
  if (/^\d+$/.test(arg)) n = Number(arg);
  else {
    if (!ctx.program) throw new UserError('No symbol table is loaded.  Use the "file" command.');
    n = Number(unpackLong(await evaluateExpression(await currentScope(ctx), arg)));
  }
  return table.row(fromNumber(n))!;
}

async function infoSignals(args: string, ctx: CommandContext): Promise<void> {
  const table = tableOf(ctx);
  const arg = args.trim();
  ctx.out.print(SIGNAL_HEADER);
  if (arg) {
    ctx.out.print(signalRow(await oneSignal(ctx, table, arg)));
    return;
  }
  ctx.out.print('\n' + table.rows().map(signalRow).join('') + '\nUse the "handle" command to change these tables.\n');
}

const signalCommands: Command[] = [
  {
    name: 'handle',
    help: 'What the program\'s signals do: handle SIGNAL... [no]stop [no]print [no]pass (also ignore/noignore, "all", numbers 1-15 and ranges).',
    run(args, ctx) {
      const rows = handleSignals(tableOf(ctx), args, (text) => ctx.out.print(text));
      if (rows.length && ctx.fromTerminal) ctx.out.print(SIGNAL_HEADER + rows.map(signalRow).join(''));
    },
  },
];

const signalInfoCommands: Command[] = [
  { name: 'signals', aliases: ['handle'], help: 'The signal table: what each signal does (info signals [SIGNAL]).', run: infoSignals },
];

/** Adds `handle` to the command table and `info signals` / `info handle` to the info table. */
export function registerSignalCommands(table: CommandTable, info: CommandTable): void {
  table.add(...signalCommands);
  info.add(...signalInfoCommands);
}
