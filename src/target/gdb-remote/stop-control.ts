// Stop handling and interrupts of a remote target: the wire while it runs, stop replies turned into StopEvents, ^C and its races.
import { TargetGoneError, type StopEvent, type StopReason, type WatchKind } from '../contract.js';
import { RemoteError, WAIT_FOREVER, type RemoteConnection } from './connection.js';
import { OutputLimit } from './output-limit.js';
import type { RegisterCache } from './register-cache.js';
import { SIGINT, SIGSTOP, SIGTRAP, isStopReply, parseStopReply, signalName, type StopReply } from './stop-reply.js';
import type { RemoteThreads } from './threads.js';
import { remoteFailure } from './util.js';

/** The stop reply's watchpoint reasons (watch:ADDR, rwatch:ADDR, awatch:ADDR). */
const WATCH_KINDS: Record<string, WatchKind> = { watch: 'write', rwatch: 'read', awatch: 'access' };

/** One resume at a time: start() sends it, wait() yields its stop, interrupt() may come in between. */
export class StopControl {
  /** The last stop reply (with the registers the stub expedited), or the initial '?' answer. */
  lastStop: StopReply | undefined;
  running = false;
  exited = false;
  private interruptRequested = false;
  private pendingStop: Promise<StopEvent> | undefined;
  private sigintPending = false;
  private interruptedSinceDrain = false;
  private draining = false;
  private readonly decoder = new TextDecoder();
  private readonly outputLimit = new OutputLimit();

  constructor(
    private readonly conn: RemoteConnection,
    private readonly threads: RemoteThreads,
    private readonly registers: RegisterCache,
    /** Program output (O packets), decoded as UTF-8. */
    private readonly output: (text: string) => void,
  ) {}

  /** Sends a resume packet and starts reading toward its stop reply (wait() returns it). */
  async start(packet: string): Promise<void> {
    // The wire stays ours until the stop reply: a request queued meanwhile (a late stop report) waits.
    const release = await this.conn.acquire();
    this.registers.clear();
    this.threads.forgetGeneral();
    this.interruptRequested = false;
    this.outputLimit.reset();
    try {
      this.conn.send(packet);
    } catch (e) {
      release();
      throw e;
    }
    this.running = true;
    const pending = this.pumpUntilStop(packet).finally(release);
    pending.catch(() => undefined); // observed by wait(); never an unhandled rejection
    this.pendingStop = pending;
  }

  wait(): Promise<StopEvent> {
    const pending = this.pendingStop;
    if (!pending) return Promise.reject(new Error('waitForStop() without a resume()'));
    this.pendingStop = undefined;
    return pending;
  }

  async interrupt(): Promise<void> {
    if (!this.running || this.conn.closed) return;
    this.interruptRequested = true;
    this.sigintPending = true;
    this.interruptedSinceDrain = true;
    this.conn.sendInterrupt();
  }

  async stopIfRunning(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    await this.interrupt();
    const pending = this.wait();
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new RemoteError('The target did not stop')), timeoutMs).unref());
    await Promise.race([pending, timer]);
  }

  /**
   * gdbserver interrupts with kill(SIGINT). When that raced with another stop, the SIGINT is still
   * queued in the kernel and would kill the program right after a detach: let it arrive first.
   * Two interrupts close together can leave one queued even after a SIGINT stop, so any interrupt
   * since the last drain counts (signals coalesce: one drain is enough).
   */
  async drainPendingSigint(resumeAll: () => Promise<void>): Promise<void> {
    if (!this.interruptedSinceDrain || this.exited) return;
    this.draining = true;
    try {
      await resumeAll();
      const pending = this.wait();
      const quick = await Promise.race([pending, new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))]);
      if (!quick) {
        await this.interrupt();
        await pending;
      }
    } finally {
      this.draining = false;
      this.sigintPending = false;
      this.interruptedSinceDrain = false;
    }
  }

  /** Turns a stop reply into the contract's StopEvent, noting the thread, pid and expedited registers. */
  noteStop(reply: StopReply): StopEvent {
    this.lastStop = reply;
    const wasInterrupted = this.interruptRequested;
    this.interruptRequested = false;
    if (reply.kind === 'exited' || reply.kind === 'terminated') {
      this.exited = true;
      this.threads.pid ??= reply.pid;
      const reason: StopReason =
        reply.kind === 'exited'
          ? { kind: 'exited', code: reply.code }
          : { kind: 'killed', signal: reply.signal, name: signalName(reply.signal) };
      return { reason };
    }
    if (reply.kind !== 'signal') throw new RemoteError('Unexpected stop reply');
    if (reply.thread && reply.thread.tid >= 0) this.threads.noteStopThread(reply.thread);
    const vcpu = this.threads.stopVcpu;
    if (vcpu !== undefined) this.registers.noteExpedited(vcpu, reply.registers);
    let reason: StopReason;
    const watch = reply.reason !== undefined ? WATCH_KINDS[reply.reason] : undefined;
    const child = reply.forkChild && (reply.forkChild.pid ?? reply.forkChild.tid);
    if (watch) reason = { kind: 'watchpoint', watch, ...(reply.watchAddress !== undefined ? { address: reply.watchAddress } : {}) };
    else if ((reply.reason === 'fork' || reply.reason === 'vfork') && child !== undefined && child > 0) {
      reason = reply.reason === 'vfork' ? { kind: 'forked', child, vfork: true } : { kind: 'forked', child };
    } else if (reply.reason === 'vforkdone') reason = { kind: 'vfork-done' };
    else if (reply.signal === SIGTRAP || reply.reason !== undefined) reason = reply.reason === 'swbreak' ? { kind: 'trap', swbreak: true } : { kind: 'trap' };
    else if (reply.signal === 0 || (wasInterrupted && (reply.signal === SIGINT || reply.signal === SIGSTOP))) reason = { kind: 'interrupted' };
    else reason = { kind: 'signal', signal: reply.signal, name: signalName(reply.signal) };
    return { vcpu, reason };
  }

  /** Reads packets until the stop reply, passing O packets to the output as they come. */
  private async pumpUntilStop(what: string): Promise<StopEvent> {
    try {
      for (;;) {
        const text = (await this.conn.nextPacket(what, WAIT_FOREVER)).toString('latin1');
        if (!isStopReply(text)) {
          if (text === '' || text.startsWith('E')) throw remoteFailure(what, text, 'Cannot resume the target');
          continue; // e.g. a stray OK: nothing to act on
        }
        const reply = parseStopReply(text);
        if (reply.kind === 'signal' && reply.signal === SIGINT && this.sigintPending) {
          this.sigintPending = false;
          if (!this.interruptRequested && !this.draining) {
            // The SIGINT of an interrupt that raced with another stop: swallow it and carry on.
            this.conn.send(what);
            continue;
          }
        }
        if (reply.kind === 'output') this.emitOutput(reply.bytes);
        else if (reply.kind === 'no-resumed') throw new RemoteError('The remote stub has no thread to resume');
        else {
          this.running = false;
          return this.noteStop(reply);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private emitOutput(bytes: Uint8Array): void {
    const { pass, notice } = this.outputLimit.admit(bytes);
    const text = this.decoder.decode(pass, { stream: true }) + (notice ?? '');
    if (!text) return;
    try {
      this.output(text);
    } catch {
      // a listener's bug must not stop the target's event stream
    }
  }

  /** Throws unless the target can take requests. */
  checkUsable(): void {
    if (this.exited) throw new TargetGoneError('The program is not being run.');
    if (this.conn.closed) throw new TargetGoneError('Remote connection closed');
  }
}
