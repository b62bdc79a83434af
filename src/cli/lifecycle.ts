// Every way out restores the guest: quit, detach, SIGINT/SIGTERM/SIGHUP, an uncaught exception.
import type { CommandContext } from '../commands/context.js';
import { errorMessage } from '../util/errors.js';
import type { CliOptions } from './args.js';

const STOP_WAIT_MS = 3000;
const IDLE_WAIT_MS = 15_000;
let shuttingDown: Promise<number> | undefined;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

/** Restores every patched byte and detaches (or leaves the guest paused); safe to call more than once. */
export function shutdown(ctx: CommandContext, opts: Pick<CliOptions, 'leavePaused'>, code: number): Promise<number> {
  shuttingDown ??= (async () => {
    const s = ctx.session;
    if (!s || s.state === 'detached') return code;
    s.closing = true;
    try {
      if (s.state === 'running') await withTimeout(s.interrupt(), STOP_WAIT_MS);
      // The command in flight must finish (it reports the interrupt) before detach talks to the target.
      if ((await withTimeout(s.idle().then(() => true), IDLE_WAIT_MS)) === undefined) throw new Error('the target did not stop');
      if (s.state === 'exited') {
        s.target.close();
        return code;
      }
      const done = await withTimeout(s.detach({ leavePaused: opts.leavePaused }).then(() => true), 10_000);
      if (!done) throw new Error('detach timed out');
    } catch (e) {
      const failed = await withTimeout(s.restoreAll(), 5000);
      ctx.out.error(`duster-tui: detach failed (${errorMessage(e)})${failed && failed.length ? `; could not restore ${failed.length} patched location(s)` : ''}`);
    } finally {
      s.target.close();
    }
    return code;
  })();
  return shuttingDown;
}

/** Signals and crashes end in shutdown(); Ctrl-C while the target runs interrupts it instead. */
export function installExitHandlers(ctx: CommandContext, opts: CliOptions): void {
  const die = (code: number) => () => void shutdown(ctx, opts, code).then((c) => process.exit(c));
  process.on('SIGTERM', die(143));
  process.on('SIGHUP', die(129));
  process.on('SIGINT', () => {
    const s = ctx.session;
    if (s && s.state === 'running') {
      void s.interrupt().catch(() => {});
      return;
    }
    if (opts.batch || !process.stdin.isTTY) die(130)();
  });
  const crash = (e: unknown) => {
    process.stderr.write(`duster-tui: internal error: ${errorMessage(e)}\n`);
    if (process.env.DUSTER_DEBUG) console.error(e);
    die(1)();
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
