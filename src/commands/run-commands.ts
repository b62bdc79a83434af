// Execution commands: run, start, continue, next, step, stepi, nexti, finish, until, advance, interrupt, detach, kill.
import { resolve } from 'node:path';
import type { CodeLocation, StopInfo } from '../core/api.js';
import type { Session } from '../core/session.js';
import { UserError } from '../util/errors.js';
import { needSession, query, sessionOrLaunch, type CommandContext } from './context.js';
import { breakpointAnnouncement } from './breakpoint-commands.js';
import type { Command } from './registry.js';
import { splitProgramArgs } from './program-args.js';
import { describeStop, frameDescription, printStop } from './report.js';
import { showDisplays } from './data-commands.js';

function count(args: string): number {
  if (!args.trim()) return 1;
  const n = Number(args.trim());
  if (!Number.isInteger(n) || n < 1) throw new UserError(`Invalid number "${args.trim()}".`);
  return n;
}

/**
 * `run` and `start`: asks before starting the program again (gdb's words), then starts it (the
 * session's not-yet-run process, or a fresh one) and continues; `start` first sets `tbreak main`.
 */
async function runProgram(args: string, ctx: CommandContext, stopAtMain: boolean): Promise<void> {
  // gdb's argument list: `run ARGS` replaces it, `set args` too; a bare `run` uses it (or the last run's).
  if (args.trim()) {
    ctx.programArgs = splitProgramArgs(args);
    ctx.programArgsText = args.trim();
  }
  const words = ctx.programArgs ? [...ctx.programArgs] : undefined;
  const launched = !ctx.session;
  const s = await sessionOrLaunch(ctx, words);
  s.requireExecutable();
  if (s.state === 'running') throw new UserError('The program is running; interrupt it first (Ctrl-C).');
  // gdb asks only when the command came from a terminal (from_tty): not for -ex / batch commands.
  if (s.state === 'stopped' && ctx.fromTerminal && !(await query(ctx, 'The program being debugged has been started already.\nStart it from the beginning? '))) {
    throw new UserError('Program not restarted.');
  }
  if (stopAtMain) ctx.out.print(breakpointAnnouncement(await s.addBreakpoint('main', { temporary: true })) + '\n');
  await s.begin(launched ? undefined : words);
  if (ctx.fromTerminal) ctx.out.print(`Starting program: ${resolve(s.program.elf.path)} ${(s.programArgs ?? []).join(' ')}\n`);
  await runAndReport(ctx, (x) => x.stepping.continue());
}

/** Runs an execution command and prints the stop the way gdb does. */
async function runAndReport(ctx: CommandContext, what: (s: Session) => Promise<StopInfo | undefined>): Promise<void> {
  const s = needSession(ctx);
  s.requireExecutable();
  s.requireStopped();
  const started: CodeLocation | undefined = s.lastStop?.location;
  const stop = await what(s);
  if (stop && !s.closing) {
    printStop(ctx, await describeStop(s, ctx.sources, stop, started));
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
    name: 'run', aliases: ['r'], help: 'Start the program (again, from the beginning; breakpoints are kept). "run ARGS" gives it new arguments.',
    run: (a, ctx) => runProgram(a, ctx, false),
  },
  {
    name: 'start', help: 'Like run, with a temporary breakpoint on main: stop at the beginning of main.',
    run: (a, ctx) => runProgram(a, ctx, true),
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
      if (f && ctx.fromTerminal) ctx.out.print(`Run till exit from #${f.level}  ${frameDescription(f.location, f.args, !!f.caller && !f.location.callSite)}\n`);
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
      if (s.state === 'exited' || s.state === 'detached') throw new UserError('The program is not being run.');
      if (!(await query(ctx, 'Kill the program being debugged? '))) throw new UserError('Not confirmed.');
      await s.kill();
      ctx.out.print(`[Inferior 1 (process ${s.pid ?? '?'}) killed]\n`);
    },
  },
];
