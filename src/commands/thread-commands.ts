// Thread commands as gdb prints them: thread, thread N, thread apply LIST|all CMD, info threads.
import type { ThreadInfo } from '../core/api.js';
import type { Session } from '../core/session.js';
import { MemoryError } from '../target/contract.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { needSession } from './context.js';
import { printSelectedFrame } from './frame-commands.js';
import type { Command, CommandTable } from './registry.js';
import { frameDescription } from './report.js';

/** gdb's Target Id column: `Thread 1234.1240 "worker-1"`, with the stub's extra text in parentheses. */
export function targetIdText(t: Pick<ThreadInfo, 'targetId' | 'name' | 'extra'>): string {
  return `${t.targetId}${t.name ? ` "${t.name}"` : ''}${t.extra ? ` (${t.extra})` : ''}`;
}

/** One thread number as gdb reads it: "2" or "1.2" (inferior 1 is the only one). */
function threadNumber(word: string): number {
  const text = word.replace(/^1\./, '');
  if (/^-\d+$/.test(text)) throw new UserError(`negative value: ${text}`);
  if (!/^\d+$/.test(text) || Number(text) === 0) throw new UserError(`Invalid thread ID: ${word}`);
  return Number(text);
}

/** Splits "2 4-5 bt full" into the thread numbers and the command; a word that is no thread id ends the list. */
function parseIdList(text: string): { numbers: number[]; rest: string } {
  const numbers: number[] = [];
  let rest = text.trim();
  for (;;) {
    const m = /^(\S+)\s*(.*)$/s.exec(rest);
    if (!m || !/^(1\.)?-?\d/.test(m[1]!)) break;
    const range = /^(?:1\.)?(\d+)-(\d+)$/.exec(m[1]!);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo === 0) throw new UserError(`Invalid thread ID: ${rest}`);
      if (hi < lo) throw new UserError('inverted range');
      for (let n = lo; n <= hi; n++) numbers.push(n);
    } else if (/^(1\.)?\d+$/.test(m[1]!)) numbers.push(threadNumber(m[1]!));
    else throw new UserError(`Invalid thread ID: ${rest}`);
    rest = m[2]!;
  }
  if (!numbers.length) throw new UserError(`Invalid thread ID: ${rest}`);
  return { numbers, rest };
}

/** The frame part of an `info threads` row: each thread's innermost frame (gdb 13 shows frame 0 even after `up`). */
async function frameColumn(s: Session, t: ThreadInfo): Promise<string> {
  const frames = await s.withThread(t.vcpu, () => s.backtrace(1)).catch(() => []);
  const f = frames[0];
  if (!f) return t.location ? frameDescription(t.location, undefined, true) : '(running)';
  const midLine = !f.location.callSite && s.programAt(f.pc).lineForPc(f.pc)?.pc !== f.pc;
  return frameDescription(f.location, f.args, midLine);
}

/** The threads as gdb numbers them; none without a process (gdb's answers then: "No threads.", "Unknown thread 1."). */
async function threadsOf(ctx: CommandContext): Promise<ThreadInfo[]> {
  return ctx.session ? ctx.session.threads() : [];
}

async function infoThreads(args: string, ctx: CommandContext): Promise<void> {
  const wanted = args.trim() ? parseIdList(args).numbers : undefined;
  const all = await threadsOf(ctx);
  if (!all.length) {
    ctx.out.print('No threads.\n');
    return;
  }
  const threads = wanted ? all.filter((t) => wanted.includes(t.number)) : all;
  if (!threads.length) throw new UserError(`No threads match '${args.trim()}'.`);
  const s = needSession(ctx);
  // gdb sizes the Target Id column to the longest entry, at least 17 wide.
  const width = Math.max(17, ...threads.map((t) => targetIdText(t).length));
  const rows = [`  Id   ${'Target Id'.padEnd(width)} Frame `];
  for (const t of threads) {
    const frame = t.state === 'running' ? '(running)' : await frameColumn(s, t);
    rows.push(`${t.current ? '*' : ' '} ${String(t.number).padEnd(4)} ${targetIdText(t).padEnd(width)} ${frame}`);
  }
  ctx.out.print(rows.join('\n') + '\n');
}

async function currentThread(ctx: CommandContext): Promise<void> {
  const t = (await threadsOf(ctx)).find((x) => x.current);
  if (!t) throw new UserError('No thread selected');
  ctx.out.print(`[Current thread is ${t.number} (${t.targetId})]\n`);
}

async function switchThread(word: string, ctx: CommandContext): Promise<void> {
  const n = threadNumber(word);
  const t = (await threadsOf(ctx)).find((x) => x.number === n);
  if (!t) throw new UserError(`Unknown thread ${n}.`);
  await needSession(ctx).selectVcpu(t.vcpu);
  ctx.out.print(`[Switching to thread ${n} (${t.targetId})]\n`);
  await printSelectedFrame(ctx);
}

/** gdb's flags after the thread list: -q (no headers), -c (report errors, go on), -s (skip errors and empty output). */
function parseFlags(text: string): { quiet: boolean; cont: boolean; silent: boolean; ascending: boolean; command: string } {
  const flags = { quiet: false, cont: false, silent: false, ascending: false, command: text.trim() };
  for (;;) {
    const m = /^(-\w+)\s*(.*)$/s.exec(flags.command);
    if (!m) break;
    if (m[1] === '-q') flags.quiet = true;
    else if (m[1] === '-c') flags.cont = true;
    else if (m[1] === '-s') flags.silent = true;
    else if (m[1] === '-ascending') flags.ascending = true;
    else break;
    flags.command = m[2]!;
  }
  return flags;
}

async function threadApply(args: string, ctx: CommandContext, table: () => CommandTable): Promise<void> {
  const text = args.trim();
  if (!text) throw new UserError('Please specify a thread ID list');
  const threads = await threadsOf(ctx);
  let chosen: (ThreadInfo | number)[];
  let flags: ReturnType<typeof parseFlags>;
  const allForm = /^all(?:\s+(.*))?$/s.exec(text);
  if (allForm) {
    flags = parseFlags(allForm[1] ?? '');
    if (!flags.command) throw new UserError("Please specify a command at the end of 'thread apply all'");
    // gdb: newest thread first, unless -ascending.
    chosen = [...threads].sort((a, b) => (flags.ascending ? a.number - b.number : b.number - a.number));
  } else {
    const { numbers, rest } = parseIdList(text);
    flags = parseFlags(rest);
    if (!flags.command) throw new UserError('Please specify a command following the thread ID list');
    chosen = numbers.map((n) => threads.find((t) => t.number === n) ?? n);
  }
  const { command, args: commandArgs } = table().resolve(flags.command);
  if (!command.run) return;
  for (const t of chosen) {
    if (typeof t === 'number') {
      ctx.out.error(`warning: Unknown thread ${t}`);
      continue;
    }
    const s = needSession(ctx);
    const header = flags.quiet ? '' : `\nThread ${t.number} (${targetIdText(t)}):\n`;
    // -s prints a thread's header only when its command printed something: collect that output first.
    let collected = '';
    const inner: CommandContext = flags.silent ? { ...ctx, out: { print: (x) => (collected += x), error: () => {} } } : ctx;
    if (!flags.silent) ctx.out.print(header);
    try {
      await s.withThread(t.vcpu, async () => command.run!(commandArgs, inner));
      if (flags.silent && collected) ctx.out.print(header + collected);
    } catch (e) {
      if (flags.silent) continue;
      if (!flags.cont || !(e instanceof UserError || e instanceof MemoryError)) throw e;
      ctx.out.print(`${e.message}\n`);
    }
  }
}

/** `thread`, `thread N`, `thread apply ...`; `table` resolves the commands thread apply runs. */
export function threadCommands(table: () => CommandTable): Command[] {
  return [
    {
      name: 'thread', aliases: ['t'], help: 'Show or select the current thread: thread [N]; thread apply all|LIST COMMAND runs COMMAND in each thread.',
      run: async (a, ctx) => {
        const text = a.trim();
        const apply = /^apply\b\s*(.*)$/s.exec(text);
        if (apply) return threadApply(apply[1]!, ctx, table);
        if (!text) return currentThread(ctx);
        return switchThread(text, ctx);
      },
    },
  ];
}

export const threadInfoCommands: Command[] = [
  { name: 'threads', help: 'List threads (vCPUs): gdb number, target id and name, innermost frame; * marks the current one.', run: infoThreads },
];
