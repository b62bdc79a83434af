// Every way out restores the guest (quit, detach, SIGINT/SIGTERM/SIGHUP, an uncaught exception): the wiring and the words here, the work in Session.shutdown.
import type { CommandContext } from '../commands/context.js';
import { errorMessage } from '../util/errors.js';
import type { CliOptions } from './args.js';

let shuttingDown: Promise<number> | undefined;

/** Ends the session (Session.shutdown restores and detaches) and says what could not be done; safe to call more than once. */
export function shutdown(ctx: CommandContext, opts: Pick<CliOptions, 'leavePaused'>, code: number): Promise<number> {
  shuttingDown ??= (async () => {
    const s = ctx.session;
    if (!s) return code;
    const report = await s.shutdown({ leavePaused: opts.leavePaused });
    if (report.failure !== undefined) {
      const lost = report.unrestored.length ? `; could not restore ${report.unrestored.length} patched location(s)` : '';
      ctx.out.error(`duster-tui: detach failed (${report.failure})${lost}`);
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
