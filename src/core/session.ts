// The Session: one debugged program on one target. Owns breakpoints, run control and frames; emits events to front ends.
//
// Built in layers, one module each: SessionQueries (state, events, locations, memory, registers, frames),
// SessionExecution (execution commands, stop reports, breakpoints), and this class (stepping and the
// session's lifetime: start, restart, kill, detach, shutdown).
import { UserError, errorMessage } from '../util/errors.js';
import { withTimeout } from '../util/timeout.js';
import { SessionExecution } from './session-execution.js';
import type { SessionOptions } from './session-queries.js';
import { Stepping } from './stepping.js';
import { imageMismatch } from './image-check.js';

export type { SessionOptions } from './session-queries.js';
export type { EvaluationPort } from './evaluation-port.js';
export { signalDescription } from './signals.js';

/** How long shutdown waits for each step before it gives up on a clean detach. */
const STOP_WAIT_MS = 3000;
const IDLE_WAIT_MS = 15_000;
const DETACH_WAIT_MS = 10_000;
const RESTORE_WAIT_MS = 5000;
/** The whole shutdown's default limit, and the restore attempt still made once it has passed. */
const SHUTDOWN_DEADLINE_MS = 20_000;
const LAST_RESTORE_MS = 500;
const DEADLINE_PASSED = 'shutdown deadline passed';

export interface ShutdownOptions {
  /** Leave the target paused instead of letting it run on. */
  leavePaused?: boolean;
  /** Kill the program instead of detaching (gdb's quit with a program it started itself). */
  kill?: boolean;
  /** Overall limit for the whole shutdown, ms (a hung-up terminal wants seconds, not minutes). */
  deadlineMs?: number;
}

/** What shutdown could not do; empty when the guest was restored and detached cleanly. */
export interface ShutdownReport {
  /** Why the clean detach failed (every patch was then restored as far as possible). */
  failure?: string;
  /** Patched addresses whose original bytes could not be written back. */
  unrestored: bigint[];
}

export class Session extends SessionExecution {
  readonly stepping: Stepping;
  private shutdownDone: Promise<ShutdownReport> | undefined;
  /** The process was created for `run` but not started yet (gdb before `run`): `run` starts this one. */
  private unstarted = false;
  /** The program's arguments, when the session knows them (it started the program): `run` keeps them. */
  private args: string[] | undefined;

  private constructor(opts: SessionOptions) {
    super(opts);
    this.stepping = new Stepping(this);
  }

  /** Starts a session on a target that is stopped (attached, or created paused). */
  static async start(opts: SessionOptions): Promise<Session> {
    const s = new Session(opts);
    const vcpus = await opts.target.listVcpus();
    s.threadTable.update(vcpus);
    s.vcpu = vcpus[0]?.id ?? 0;
    await s.followImages(); // a PIE's load bias first: every address below depends on it
    s.lastStop = { vcpu: s.vcpu, cause: { kind: 'attached' }, location: await s.locationOfPc(s.vcpu) };
    s.imageMismatch = await imageMismatch(opts.program.elf, (a, n) => opts.target.readMemory(a, n));
    return s;
  }

  /**
   * A session on a process created stopped at its first instruction for `run` (duster-tui PROG): until
   * `run`/`start` it looks like gdb's before `run` (state 'exited': "The program is not being run.").
   */
  static async beforeRun(opts: SessionOptions & { args: string[] }): Promise<Session> {
    const s = await Session.start(opts);
    s.args = [...opts.args];
    s.unstarted = true;
    s.state = 'exited';
    s.lastStop = undefined;
    return s;
  }

  /**
   * gdb's `run`: the process created for it when it has not run yet and the arguments are the same,
   * else a fresh one (restart). `args` replace the program's arguments (gdb's `run ARGS`).
   */
  async begin(args?: string[]): Promise<void> {
    const same = args === undefined || (this.args !== undefined && args.length === this.args.length && args.every((a, i) => a === this.args![i]));
    if (this.unstarted && same && this.target.capabilities.canExecute) {
      this.unstarted = false;
      this.state = 'stopped';
      this.lastStop = { vcpu: this.vcpu, cause: { kind: 'attached' }, location: await this.locationOfPc(this.vcpu) };
      return;
    }
    if (args !== undefined) this.args = [...args];
    await this.restart();
  }

  /** The program's arguments when the session started the program or `run ARGS` gave them (else undefined). */
  get programArgs(): readonly string[] | undefined {
    return this.args;
  }

  // ---- execution ---------------------------------------------------------------------------

  async interrupt(): Promise<void> {
    if (this.state !== 'running') return;
    await this.run.interrupt();
  }

  /** Removes every patch and lets the target run on (or stay paused). */
  async detach(opts: { leavePaused?: boolean } = {}): Promise<void> {
    if (this.state === 'running') {
      await this.run.interrupt().catch(() => {});
    }
    await this.restoreAll();
    if (this.state !== 'exited') await this.target.detach(opts);
    this.state = 'detached';
  }

  /** Every way out ends here: restores patched bytes; never throws. Returns addresses it could not restore. */
  async restoreAll(): Promise<bigint[]> {
    const lifted = await this.watchpoints.removeAll().catch(() => []);
    try {
      return [...(await this.run.removeAll()), ...lifted];
    } catch {
      return lifted;
    }
  }

  /**
   * The end of the session, on every way out (quit, detach, signal, crash, terminal hung up): stops
   * the target if it runs, lets the command in flight finish, restores every patched byte, detaches
   * (or leaves the guest paused) and closes the target. Each step has a bounded wait and the whole
   * has `deadlineMs` (default SHUTDOWN_DEADLINE_MS): past it, one bounded restore attempt, then the
   * report says what stayed patched. Never throws. A second call returns the first call's promise.
   */
  shutdown(opts: ShutdownOptions = {}): Promise<ShutdownReport> {
    return (this.shutdownDone ??= this.closeDown(opts));
  }

  /**
   * The last resort (a second Ctrl-C / SIGTERM while shutting down): one restore attempt bounded by
   * `ms`, then the addresses still patched. Does not detach; the caller exits next.
   */
  async forceRestore(ms: number): Promise<bigint[]> {
    await withTimeout(this.restoreAll(), ms);
    return [...this.patches.addresses()];
  }

  private async closeDown(opts: ShutdownOptions): Promise<ShutdownReport> {
    if (this.state === 'detached') return { unrestored: [] };
    this.closing = true;
    const deadline = Date.now() + (opts.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
    const left = (ms: number): number => Math.max(0, Math.min(ms, deadline - Date.now()));
    try {
      const clean = await withTimeout(this.detachCleanly(opts, left), left(Infinity));
      if (clean === undefined) throw new Error(DEADLINE_PASSED);
      return { unrestored: [] };
    } catch (e) {
      // Past the deadline, one more short attempt: the restore is what matters most.
      const unrestored = await this.forceRestore(Math.max(left(RESTORE_WAIT_MS), LAST_RESTORE_MS));
      return { failure: errorMessage(e), unrestored };
    } finally {
      this.target.close();
    }
  }

  /** closeDown's normal path; each wait bounded by its own limit and by what is left of the deadline. */
  private async detachCleanly(opts: ShutdownOptions, left: (ms: number) => number): Promise<true> {
    // A wait cut short by the overall deadline (not by its own limit) is reported as the deadline.
    const fail = (reason: string): never => {
      throw new Error(left(1) === 0 ? DEADLINE_PASSED : reason);
    };
    if (this.state === 'running') await withTimeout(this.interrupt(), left(STOP_WAIT_MS));
    // The command in flight must finish (it reports the interrupt) before detach talks to the target.
    if ((await withTimeout(this.idle().then(() => true), left(IDLE_WAIT_MS))) === undefined) fail('the target did not stop');
    if (this.state === 'exited') return true;
    const done = await withTimeout((opts.kill ? this.kill() : this.detach(opts)).then(() => true), left(DETACH_WAIT_MS));
    if (!done) fail(opts.kill ? 'kill timed out' : 'detach timed out');
    return true;
  }

  /**
   * gdb's `run` again: a fresh process, stopped at its first instruction. Breakpoints survive (their
   * sites are planted again at the next resume) and their hit counts start over.
   */
  async restart(): Promise<void> {
    if (this.state === 'running') throw new UserError('The program is running; interrupt it first (Ctrl-C).');
    if (this.closing) throw new UserError('The debugger is detaching.');
    this.requireExecutable();
    if (!this.target.restart) throw new UserError('This target cannot restart the program.');
    if (this.state !== 'exited') await this.restoreAll();
    await this.target.restart(this.program.elf.path, this.args);
    this.unstarted = false;
    this.patches.forgetAll();
    this.watchpoints.processGone();
    this.run.removeOwnersWithPrefix('temp:');
    this.run.setPendingSignal(undefined); // the old process's signal dies with it
    this.run.forgetThreads();
    for (const b of this.breakpoints.all()) b.hits = 0;
    const pid = this.target.processId;
    if (pid !== undefined) this.pid = pid;
    this.state = 'stopped';
    this.frameCache = undefined;
    this.selectedFrame = 0;
    const vcpus = await this.target.listVcpus();
    this.threadTable.reset();
    this.threadTable.update(vcpus);
    this.vcpu = vcpus[0]?.id ?? 0;
    await this.followImages();
    this.lastStop = { vcpu: this.vcpu, cause: { kind: 'attached' }, location: await this.locationOfPc(this.vcpu) };
    await this.watchpoints.refreshValues();
    this.emit({ type: 'breakpoints-changed' });
  }

  async kill(): Promise<void> {
    if (this.state === 'exited' || this.state === 'detached') throw new UserError('The program is not being run.');
    await this.restoreAll();
    await this.target.kill();
    this.watchpoints.processGone();
    this.state = 'exited';
  }
}
