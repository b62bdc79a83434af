#!/usr/bin/env node
// duster-tui entry point: parse arguments, open the program, attach to the target, then batch, line or full-screen mode.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, USAGE, type CliOptions } from './args.js';
import { findOnPath } from './spawn-gdbserver.js';
import { openElf } from '../elf/elf.js';
import { Program } from '../symbols/program.js';
import { TargetGoneError, type Target } from '../target/contract.js';
import { buildCommandTable } from '../commands/index.js';
import { Interpreter, QuitRequest } from '../commands/interpreter.js';
import type { CommandContext } from '../commands/context.js';
import type { Session, EvaluationPort } from '../core/session.js';
import { SourceFiles } from '../commands/source-files.js';
import { versionText } from '../commands/show-command.js';
import { UserError, errorMessage } from '../util/errors.js';
import { exitProcess, fatal, installExitHandlers, shutdown, terminalHangup } from './lifecycle.js';

async function main(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`duster-tui: ${errorMessage(e)}\n`);
    return 1;
  }
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (opts.version) {
    process.stdout.write(versionText());
    return 0;
  }
  const out = {
    print: (t: string) => void process.stdout.write(t),
    error: (t: string) => void process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  };
  let program: Program | undefined;
  // duster-tui PROG [ARGS] (or `file PROG` later): no target named, so `run` / `start` start the program under our own gdbserver.
  const runsProgram = !opts.gdb && opts.domain === undefined && opts.core === undefined;
  // As gdb: a bare program name not in the current directory is looked up on PATH (duster-tui ls).
  if (runsProgram && opts.path && !opts.path.includes('/') && !existsSync(opts.path)) opts.path = findOnPath(opts.path) ?? opts.path;
  if (opts.path) {
    try {
      program = new Program(openElf(opts.path));
      if (!program.dwarf.hasDebugInfo) out.error(`(No debugging symbols found in ${opts.path})`);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      out.error(`duster-tui: ${e.message.startsWith(`${opts.path}: `) ? e.message : `${opts.path}: ${e.message}`}`);
      // Like gdb, a prompt without a program follows; -ex / batch runs stop here (status 1).
      if (!runsProgram || opts.batch || opts.commands.length) return 1;
    }
  }
  const ctx: CommandContext = { program, session: undefined, sources: new SourceFiles([process.cwd()]), out, list: {} };
  // (Not while shutting down: a stop reported on the way out is not the user's question.)
  ctx.sources.onMissing = (m) => void (ctx.session?.closing ? undefined : ctx.out.error(m));
  ctx.sources.executableMtime = () => ctx.program?.loadedMtime ?? 0;
  // Corrupt debug info is found lazily, unit by unit: each problem is said once, where output goes now
  // (stderr, or the command log while the full screen runs), and the sound units keep answering.
  program?.dwarf.onWarning((m) => ctx.out.error(m));
  const interpreter = new Interpreter(buildCommandTable(), ctx);
  /** A new session's evaluation port and its events: printed in line and batch mode (the TUI shows them itself). */
  const attachSession = (session: Session, evaluation: EvaluationPort): void => {
    if (session.imageMismatch) out.error(`warning: ${session.imageMismatch}`);
    session.setEvaluation(evaluation);
    session.on((e) => {
      if (e.type === 'output' && !ctx.quiet) out.print(e.text);
      else if (e.type === 'exited' && !ctx.quiet) out.print(e.text + '\n');
      else if (e.type === 'error' && !ctx.quiet) out.error(e.message);
    });
  };
  if (runsProgram) {
    const { launcher } = await import('./launch.js');
    ctx.launch = launcher({ opts, ctx, attach: attachSession });
    ctx.programArgs = opts.programArgs;
  }

  let target: Target | undefined;
  if (opts.core !== undefined) {
    if (!program) {
      out.error('duster-tui: --path ELF is needed to debug a core file (the program image with its debug info).');
      return 1;
    }
    try {
      const { openCoreSession } = await import('../commands/core-command.js');
      await openCoreSession(ctx, opts.core);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      out.error(`duster-tui: ${errorMessage(e)}`);
      return 1;
    }
  } else if (opts.gdb || opts.domain !== undefined) {
    if (!program) {
      out.error('duster-tui: --path ELF is needed to debug a target (the program image with its debug info).');
      return 1;
    }
    try {
      // Loaded only when a target is debugged: static queries start faster without the session's modules.
      const [{ connectTarget }, { Session }, { SessionEvaluation }] = await Promise.all([
        import('./connect.js'), import('../core/session.js'), import('../commands/eval-hooks.js'),
      ]);
      const conn = await connectTarget(opts, out);
      target = conn.target;
      const session = await Session.start({
        program, target, strategy: conn.strategy, ...(conn.pid !== undefined ? { pid: conn.pid } : {}), ...(opts.sysroot ? { sysroot: opts.sysroot } : {}),
      });
      ctx.session = session;
      attachSession(session, new SessionEvaluation(session));
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof TargetGoneError)) throw e;
      target?.close();
      out.error(`duster-tui: ${errorMessage(e)}`);
      return 1;
    }
  }
  installExitHandlers(ctx, opts);

  // -ex and -x commands, in order.
  for (const c of opts.commands) {
    const lines = c.kind === 'ex' ? [c.text] : readCommandFile(c.text, out);
    for (const line of lines) {
      try {
        await interpreter.execute(line);
      } catch (e) {
        if (e instanceof QuitRequest) return shutdown(ctx, opts, 0);
        throw e;
      }
      // A corrupt program file is fatal in batch mode: its one-line message was printed, exit status 1.
      if (opts.batch && interpreter.formatError !== undefined) return shutdown(ctx, opts, 1);
    }
  }
  if (opts.batch) return shutdown(ctx, opts, interpreter.lastFailed ? 1 : 0); // gdb -batch: 1 when the last command failed

  const interactive = process.stdin.isTTY && process.stdout.isTTY;
  const tui = opts.tui ?? interactive;
  if (tui && !ctx.session && ctx.launch && ctx.program) {
    // The full screen needs a session: start the program's gdbserver now (the program waits for `run`).
    try {
      await ctx.launch();
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof TargetGoneError)) throw e;
      out.error(errorMessage(e)); // line mode follows, on the program file alone
    }
  }
  if (tui && ctx.session) {
    const { runTui } = await import('../ui/app.js');
    ctx.quiet = true; // the TUI shows session events itself
    // The program's output has a pane when duster-tui runs the program (its stdin is not connected in the full screen).
    // A Xen domain: the Xen pane and the guest's console (Output pane) from the start.
    const showPanes = ctx.launch ? (['output'] as const) : ctx.session.xen ? (['xen', 'output'] as const) : [];
    // The full screen owns the terminal's keys, so the program reads nothing from it (gdb's TUI shares it).
    const notes = ctx.launch ? ['`run` or `start` runs the program; its output shows in the Output pane (O). Its input is not connected here: use --no-tui to type to it.'] : [];
    await runTui({ session: ctx.session, interpreter, hangup: terminalHangup.signal, showPanes: [...showPanes], quitKills: !!ctx.launch, notes, ...(opts.theme ? { theme: opts.theme } : {}) });
    return shutdown(ctx, opts, 0);
  }
  const { runLineMode } = await import('./line-mode.js');
  const { programInput } = await import('./launch.js');
  await runLineMode(interpreter, ctx, terminalHangup.signal, programInput(ctx));
  return shutdown(ctx, opts, 0);
}

function readCommandFile(path: string, out: { error(t: string): void }): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (e) {
    out.error(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : errorMessage(e)}.`);
    return [];
  }
}

// An error escaping main still ends in Session.shutdown (and a dead terminal's in a hang-up exit).
main(process.argv.slice(2)).then(exitProcess, fatal);
