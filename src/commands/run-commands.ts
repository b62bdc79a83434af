// Execution commands: continue, next, step, stepi, nexti, finish, until, advance, interrupt, detach, kill.
import type { CodeLocation, StopInfo } from '../core/api.js';
import type { Session } from '../core/session.js';
import { UserError } from '../util/errors.js';
import { needSession, type CommandContext } from './context.js';
import type { Command } from './registry.js';
import { describeStop, frameDescription } from './report.js';
import { showDisplays } from './data-commands.js';

function count(args: string): number {
  if (!args.trim()) return 1;
  const n = Number(args.trim());
  if (!Number.isInteger(n) || n < 1) throw new UserError(`Invalid number "${args.trim()}".`);
  return n;
}

/** Runs an execution command and prints the stop the way gdb does. */
async function runAndReport(ctx: CommandContext, what: (s: Session) => Promise<StopInfo | undefined>): Promise<void> {
  const s = needSession(ctx);
  s.requireExecutable();
  s.requireStopped();
  const started: CodeLocation | undefined = s.lastStop?.location;
  const stop = await what(s);
  if (stop) {
    ctx.out.print(await describeStop(s, ctx.sources, stop, started));
    await showDisplays(ctx);
  }
  if (stop) ctx.list.file = undefined; // `list` centres on the new stop next time
}

export const runCommands: Command[] = [
  {
    name: 'continue', aliases: ['c', 'cont', 'fg'], repeatable: true,
    help: 'Continue the program until a breakpoint, a signal or its end. "continue N" ignores the current breakpoint N-1 more times.',
    run: (args, ctx) => runAndReport(ctx, (s) => {
      if (ctx.fromTerminal) ctx.out.print('Continuing.\n');
      return s.stepping.continue(args.trim() ? count(args) : undefined);
    }),
  },
  {
    name: 'run', aliases: ['r'], help: 'Start the program again from the beginning (breakpoints are kept), then continue.',
    run: async (_a, ctx) => {
      const s = needSession(ctx);
      s.requireExecutable();
      if (s.state !== 'exited') ctx.out.print('The program being debugged has been started already.\nStart it from the beginning? (y or n) [answered Y; input not from terminal]\n');
      await s.restart();
      await runAndReport(ctx, (x) => x.stepping.continue());
    },
  },
  { name: 'next', aliases: ['n'], repeatable: true, help: 'Step to the next source line, stepping over calls. "next N" repeats N times.', run: (a, ctx) => runAndReport(ctx, (s) => s.stepping.line(true, count(a))) },
  { name: 'step', aliases: ['s'], repeatable: true, help: 'Step to the next source line, entering calls. "step N" repeats N times.', run: (a, ctx) => runAndReport(ctx, (s) => s.stepping.line(false, count(a))) },
  { name: 'stepi', aliases: ['si'], repeatable: true, help: 'Execute one machine instruction.', run: (a, ctx) => runAndReport(ctx, (s) => s.stepping.stepi(count(a), false)) },
  { name: 'nexti', aliases: ['ni'], repeatable: true, help: 'Execute one machine instruction, stepping over calls.', run: (a, ctx) => runAndReport(ctx, (s) => s.stepping.stepi(count(a), true)) },
  {
    name: 'finish', aliases: ['fin'], help: 'Run until the selected frame returns; print the returned value.',
    run: async (_a, ctx) => {
      const s = needSession(ctx);
      s.requireExecutable();
      s.requireStopped();
      const frames = await s.backtrace(s.selectedFrame + 2);
      if (frames.length <= s.selectedFrame + 1) throw new UserError('"finish" not meaningful in the outermost frame.');
      const f = frames[s.selectedFrame];
      if (f && ctx.fromTerminal) ctx.out.print(`Run till exit from #${f.level}  ${frameDescription(f.location, f.args, f.level > 0)}\n`);
      await runAndReport(ctx, (x) => x.stepping.finish());
    },
  },
  {
    name: 'until', aliases: ['u'], repeatable: true, help: 'Like next, but never goes back in a loop; "until LOCATION" runs to LOCATION in this frame.',
    run: (a, ctx) => runAndReport(ctx, (s) => (a.trim() ? s.stepping.runTo(a, true) : s.stepping.untilNext())),
  },
  {
    name: 'advance', help: 'Run to LOCATION (or until the current frame returns).',
    run: (a, ctx) => {
      if (!a.trim()) throw new UserError('Argument required (a location).');
      return runAndReport(ctx, (s) => s.stepping.runTo(a, false));
    },
  },
  {
    name: 'interrupt', help: 'Stop the running program (also Ctrl-C).',
    run: async (_a, ctx) => {
      await needSession(ctx).interrupt();
    },
  },
  {
    name: 'detach', help: 'Restore every patched byte and let the program run on without the debugger.',
    run: async (_a, ctx) => {
      const s = needSession(ctx);
      await s.detach();
      ctx.out.print(`[Inferior 1 (process ${s.pid ?? '?'}) detached]\n`);
      ctx.session = undefined;
    },
  },
  {
    name: 'kill', aliases: ['k'], help: 'Kill the program being debugged.',
    run: async (_a, ctx) => {
      const s = needSession(ctx);
      await s.kill();
      ctx.out.print(`[Inferior 1 (process ${s.pid ?? '?'}) killed]\n`);
    },
  },
];
