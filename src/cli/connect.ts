// Connects the backend the options ask for: gdb-remote (TCP) or Xen (loaded only when asked for).
import { GdbRemoteTarget } from '../target/gdb-remote/target.js';
import type { Target } from '../target/contract.js';
import type { StrategyName } from '../core/strategy.js';
import { UserError } from '../util/errors.js';
import type { CliOptions } from './args.js';
import { loadConfig } from '../ui/config.js';

export interface Connection {
  target: Target;
  strategy: StrategyName;
  pid?: number;
}

/** DUSTER_REMOTE_TIMEOUT_MS overrides the gdb-remote reply timeout (a slow link; tests of long resumes). */
function remoteTimeout(): { timeoutMs?: number } {
  const ms = Number(process.env.DUSTER_REMOTE_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? { timeoutMs: ms } : {};
}

export async function connectTarget(opts: CliOptions, out: { print(t: string): void; error(t: string): void }): Promise<Connection> {
  if (opts.gdb) {
    const target = await GdbRemoteTarget.connect(opts.gdb.host, opts.gdb.port, remoteTimeout());
    const pid = target.processId;
    // The config file's default strategy applies to gdb-remote; Xen picks by probing the hypervisor.
    const strategy = opts.breakpoints ?? loadConfig().config.breakpoints ?? 'trap';
    return { target, strategy, ...(pid !== undefined ? { pid } : {}) };
  }
  if (opts.domain !== undefined) {
    let mod: { connectXen(opts: CliOptions, out: { print(t: string): void; error(t: string): void }): Promise<Connection> };
    try {
      mod = await import('../target/xen/connect.js'); // loaded only for a domain: it brings koffi

    } catch (e) {
      throw new UserError(`The Xen backend is not available in this build: ${(e as Error).message}`);
    }
    return mod.connectXen(opts, out);
  }
  throw new UserError('No target given: use --gdb HOST:PORT, --domain ID or --core FILE.');
}
