// `duster-tui PROG [ARGS]` (and `--path PROG` without a target): `run`, `start` or a first `break` start the program under a gdbserver of our own.
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CommandContext } from '../commands/context.js';
import type { EvaluationPort, Session } from '../core/session.js';
import type { ResumeOptions, StopEvent, Target } from '../target/contract.js';
import { UserError } from '../util/errors.js';
import type { CliOptions } from './args.js';
import { noteOwnProcess } from './lifecycle.js';
import { spawnGdbserver, type SpawnedGdbserver } from './spawn-gdbserver.js';

const EM_X86_64 = 62;
/** After the program exits, its last output still travels through the pty relay: wait at least this long for it ... */
const EXIT_SETTLE_MS = 60;
/** ... and after a continue (a single step rarely writes). Measured: without it, 1 `next` over printf in 5 showed the line late. */
const CONTINUE_SETTLE_MS = 10;

/**
 * Why the program cannot be started, in gdb's words. gdb runs it through $SHELL (/bin/sh when unset)
 * and shows that shell's message: bash says "cannot execute: Permission denied" and "cannot execute
 * binary file: Exec format error", a POSIX sh (Debian's dash) just "Permission denied", "Exec format error".
 */
export function cannotStart(path: string, shell = process.env.SHELL || '/bin/sh'): string | undefined {
  const bash = basename(shell) === 'bash';
  const denied = `${path}: ${bash ? 'cannot execute: ' : ''}Permission denied`;
  const badFormat = `${path}: ${bash ? 'cannot execute binary file: ' : ''}Exec format error`;
  let st;
  try {
    st = statSync(path);
  } catch {
    return `${path}: No such file or directory.`;
  }
  if (st.isDirectory()) return `${path}: Is a directory.`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return denied;
  }
  const h = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, h, 0, 20, 0);
  } catch {
    return denied;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  // An x86-64 executable or PIE (ET_EXEC / ET_DYN): not a gzip'd kernel, an object file or a core.
  const elf = h.readUInt32BE(0) === 0x7f454c46 && h[4] === 2 && h[5] === 1;
  if (!elf || h.readUInt16LE(18) !== EM_X86_64 || ![2, 3].includes(h.readUInt16LE(16))) return badFormat;
  return undefined;
}

/** What the program runs with, and the pieces of main the launcher needs. */
export interface LaunchSetup {
  opts: CliOptions;
  ctx: CommandContext;
  /** Wires a new session to the front end (its evaluation port, events printed in line mode). */
  attach(session: Session, evaluation: EvaluationPort): void;
}

let server: SpawnedGdbserver | undefined;

/**
 * Returns ctx.launch for `duster-tui PROG`: checks the program, starts gdbserver on it (a private
 * loopback port, the program's stdio on a pty: spawn-gdbserver.ts), connects in extended mode (so
 * `kill` and `run` again keep the connection) and creates the session before `run`.
 */
export function launcher(setup: LaunchSetup): (args?: string[]) => Promise<Session> {
  const { opts, ctx } = setup;
  let starting: Promise<Session> | undefined;
  return (args) => {
    starting ??= start(args ?? opts.programArgs).finally(() => (starting = undefined));
    return starting;
  };

  async function start(args: string[]): Promise<Session> {
    if (ctx.session) return ctx.session;
    const program = ctx.program;
    if (!program) throw new UserError('No executable file specified.\nUse the "file" or "exec-file" command.');
    const path = resolve(program.elf.path);
    const problem = cannotStart(path);
    if (problem) throw new UserError(problem);
    const [{ connectTarget }, { Session }, { GdbRemoteTarget }, { SessionEvaluation }] = await Promise.all([
      import('./connect.js'), import('../core/session.js'), import('../target/gdb-remote/target.js'), import('../commands/eval-hooks.js'),
    ]);
    // Batch mode reads no commands from stdin: like gdb -batch's program, ours reads it (and sees its end).
    const gs = await spawnGdbserver(path, args, { ourStdin: opts.batch });
    try {
      const conn = await connectTarget({ ...opts, domain: undefined, core: undefined, gdb: { host: gs.host, port: gs.port } } as CliOptions, ctx.out);
      if (conn.target instanceof GdbRemoteTarget) await conn.target.enterExtendedMode();
      const target = settlingOutput(conn.target, gs);
      const session = await Session.beforeRun({ program, target, strategy: conn.strategy, args, ...(conn.pid !== undefined ? { pid: conn.pid } : {}) });
      server = gs;
      noteOwnProcess(() => gs.stop());
      ctx.session = session;
      setup.attach(session, new SessionEvaluation(session));
      // The program's output is a session event: line mode prints it, the TUI's Output pane shows it.
      gs.onOutput((text) => session.emit({ type: 'output', text, stream: 'target' }));
      return session;
    } catch (e) {
      await gs.stop();
      throw e;
    }
  }
}

/**
 * In line mode, a line typed while the program runs is the program's input (as with gdb, whose
 * program shares the terminal); returns false when the line is a command.
 */
export function programInput(ctx: CommandContext): (line: string) => boolean {
  return (line) => {
    if (!server || ctx.session?.state !== 'running') return false;
    server.writeInput(line + '\n');
    return true;
  };
}

/**
 * The target with each stop held back until the program's output has arrived: it comes through the
 * pty relay, a slower path than the stop reply, and gdb shows it before the stop report. After a
 * continue (the program may have written anything) the wait is a little longer than after a single
 * step; after the program's end, longer still (its last words).
 */
function settlingOutput(target: Target, gs: SpawnedGdbserver): Target {
  let stepping = false;
  return new Proxy(target, {
    get(t, key) {
      if (key === 'resume') {
        return (opts: ResumeOptions): Promise<void> => {
          stepping = opts.step !== undefined;
          return t.resume(opts);
        };
      }
      if (key === 'waitForStop') {
        return async (): Promise<StopEvent> => {
          const ev = await t.waitForStop();
          const ended = ev.reason.kind === 'exited' || ev.reason.kind === 'killed';
          await gs.settle(ended ? EXIT_SETTLE_MS : stepping ? 0 : CONTINUE_SETTLE_MS);
          return ev;
        };
      }
      const v: unknown = Reflect.get(t, key, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}
