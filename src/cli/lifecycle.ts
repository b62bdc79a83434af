// Every way out restores the guest (quit, detach, SIGINT/SIGTERM/SIGHUP, a dead terminal, an uncaught exception): the wiring and the words here, the work in Session.shutdown.
import type { CommandContext } from '../commands/context.js';
import { errorMessage } from '../util/errors.js';
import type { CliOptions } from './args.js';
import { abandonTerminal, isTerminalError, releaseTerminalFds, reportLine, terminalGone } from './terminal.js';

/** A hung-up terminal's whole shutdown (its user is gone; exit within 2 s). */
const HANGUP_DEADLINE_MS = 1500;
/** A second SIGINT/SIGTERM: one restore attempt this long, then exit. */
const FORCED_RESTORE_MS = 500;
/** Past the shutdown's own deadline (and its last restore attempt), exit regardless. */
const BACKSTOP_MARGIN_MS = 1000;

type ExitOptions = Pick<CliOptions, 'leavePaused'>;

let shuttingDown: Promise<number> | undefined;
let forcing = false;
let exiting = false;
let installed: { ctx: CommandContext; opts: CliOptions } | undefined;
/** Stops the gdbserver duster-tui started itself (duster-tui PROG); its program is killed on the way out, as gdb kills a program it started. */
let ownProcess: (() => Promise<void>) | undefined;

/** duster-tui started the program (and its gdbserver): every way out kills it instead of detaching, then calls `stop`. */
export function noteOwnProcess(stop: () => Promise<void>): void {
  ownProcess = stop;
}

/** Aborted when the terminal is gone: the TUI and line mode stop at once (they must not touch it again). */
export const terminalHangup = new AbortController();

const hex = (a: bigint): string => `0x${a.toString(16)}`;
const listed = (addrs: bigint[]): string => (addrs.length ? `; could not restore ${addrs.length} patched location(s): ${addrs.map(hex).join(', ')}` : '');

/** Ends the session (Session.shutdown restores and detaches) and says what could not be done; safe to call more than once. */
export function shutdown(ctx: CommandContext, opts: ExitOptions, code: number, deadlineMs?: number): Promise<number> {
  shuttingDown ??= (async () => {
    const s = ctx.session;
    if (!s) {
      await ownProcess?.();
      return code;
    }
    const kill = ownProcess !== undefined;
    const report = await s.shutdown({ leavePaused: opts.leavePaused, kill, ...(deadlineMs !== undefined ? { deadlineMs } : {}) });
    await ownProcess?.();
    if (report.failure !== undefined) reportLine(`duster-tui: ${kill ? 'kill' : 'detach'} failed (${report.failure})${listed(report.unrestored)}`);
    else if (terminalGone()) reportLine(`duster-tui: the terminal hung up; every patch restored, ${kill ? 'program killed' : opts.leavePaused ? 'target left paused' : 'detached'}.`);
    return code;
  })();
  return shuttingDown;
}

/** process.exit, after pointing a dead terminal's fds away from it (else Node asserts at exit). */
export function exitProcess(code: number): void {
  if (exiting) return;
  exiting = true;
  releaseTerminalFds();
  process.exit(code);
}

/** The last way out of main(): an error nobody caught. */
export function fatal(e: unknown): void {
  if (installed) {
    crash(installed.ctx, installed.opts, e);
    return;
  }
  reportLine(`duster-tui: internal error: ${errorMessage(e)}`);
  if (process.env.DUSTER_DEBUG) console.error(e);
  exitProcess(1);
}

function finish(ctx: CommandContext, opts: CliOptions, code: number, deadlineMs?: number): void {
  void shutdown(ctx, opts, code, deadlineMs).then(exitProcess);
  // Should anything outside the session hang (a busy loop, a stuck callback), exit regardless.
  if (deadlineMs !== undefined) setTimeout(() => void force(ctx, code), deadlineMs + BACKSTOP_MARGIN_MS);
}

/** A second signal while shutting down: one bounded restore attempt, say what stayed patched, exit. */
async function force(ctx: CommandContext, code: number): Promise<void> {
  if (forcing || exiting) return;
  forcing = true;
  const left = (await ctx.session?.forceRestore(FORCED_RESTORE_MS)) ?? [];
  await Promise.race([ownProcess?.(), new Promise((r) => setTimeout(r, FORCED_RESTORE_MS))]);
  reportLine(`duster-tui: exit forced before the detach finished${listed(left)}`);
  exitProcess(code);
}

/** The terminal is gone: stop using it, restore and detach within the hang-up deadline, exit. */
function hangUp(ctx: CommandContext, opts: CliOptions): void {
  if (!abandonTerminal()) return;
  terminalHangup.abort();
  finish(ctx, opts, 129, HANGUP_DEADLINE_MS);
}

function crash(ctx: CommandContext, opts: CliOptions, e: unknown): void {
  if (isTerminalError(e)) {
    hangUp(ctx, opts);
    return;
  }
  if (shuttingDown) return; // a late failure while already on the way out: the report covers it
  reportLine(`duster-tui: internal error: ${errorMessage(e)}`);
  if (process.env.DUSTER_DEBUG) console.error(e);
  finish(ctx, opts, 1);
}

/** Signals, a dead terminal and crashes end in shutdown(); a second SIGINT/SIGTERM forces the exit. */
export function installExitHandlers(ctx: CommandContext, opts: CliOptions): void {
  installed = { ctx, opts };
  const stop = (code: number) => (): void => {
    if (shuttingDown) void force(ctx, code);
    else finish(ctx, opts, code);
  };
  process.on('SIGTERM', stop(143));
  process.on('SIGHUP', () => hangUp(ctx, opts));
  process.on('SIGINT', () => {
    const s = ctx.session;
    // A terminal in raw mode (TUI, line mode's editor) turns Ctrl-C into a key: this SIGINT came from
    // outside (kill), so it ends the session. A cooked or absent terminal: Ctrl-C interrupts the target.
    const rawTerminal = !!(process.stdin.isTTY && process.stdin.isRaw);
    if (!shuttingDown && !rawTerminal && s && s.state === 'running') {
      void s.interrupt().catch(() => {});
      return;
    }
    if (shuttingDown || opts.batch || rawTerminal || !process.stdin.isTTY) stop(130)();
  });
  for (const stream of [process.stdin, process.stdout, process.stderr]) {
    // Without a listener an EIO on the tty is an uncaught exception; it means the terminal is gone.
    stream.on('error', (e: unknown) => crash(ctx, opts, e));
  }
  process.on('uncaughtException', (e) => crash(ctx, opts, e));
  process.on('unhandledRejection', (e) => crash(ctx, opts, e));
}
