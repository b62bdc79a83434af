// GdbRemoteTarget: the Target contract over the GDB remote serial protocol (gdbserver, QEMU's gdbstub, Xen's gdbsx).
import {
  TargetGoneError,
  type RegisterSet, type ResumeOptions, type StopEvent, type Target, type TargetCapabilities, type VcpuInfo, type WatchKind,
} from '../contract.js';
import { UserError } from '../../util/errors.js';
import { RemoteConnection, RemoteError } from './connection.js';
import { DEFAULTS, DEFAULT_PACKET_SIZE, type StubFeatures } from './features.js';
import { RemoteMemory } from './memory.js';
import { negotiate, type GdbRemoteOptions } from './negotiate.js';
import { fromHex } from './packets.js';
import { RegisterCache } from './register-cache.js';
import type { RegisterLayout } from './registers.js';
import { StopControl } from './stop-control.js';
import { isStopReply, parseStopReply, type StopReply } from './stop-reply.js';
import { RemoteThreads } from './threads.js';
import { remoteFailure } from './util.js';
import { RemoteProcessImage } from './process-image.js';
import { StackCache } from './stack-cache.js';
import { SP_REGISTER } from '../../arch/x86-64/registers.js';

/** Packets that only read: the stack cache survives them (m memory, g/p registers, H thread selection, thread and library lists). */
const READS_ONLY = /^(m|g$|p[0-9a-f]+$|Hg|qXfer:(threads|libraries|libraries-svr4|auxv|features|exec-file):read|qfThreadInfo|qsThreadInfo|qC$|qThreadExtraInfo)/;

export type { GdbRemoteOptions } from './negotiate.js';

/** The Z packet number of each watchpoint kind. */
const WATCH_PACKETS: Record<WatchKind, number> = { write: 2, read: 3, access: 4 };

/**
 * A connected remote stub in all-stop mode. vCPU numbers are the stub's thread ids (threads.ts).
 *
 * resume({ step: v }) single-steps v while the others continue (vCont;s:v;c); add only: v to keep
 * the others stopped. Without vCont, 'Hc' + 's'/'c' is used and the stub decides what the others do.
 *
 * Traps: a stub without swbreak (gdbsx) reports an int3 trap with rip = address + 1, as Xen does:
 * trapPc 'after-int3'. gdbserver, with swbreak negotiated, reports an int3 trap (written by core or
 * planted with Z0) as `swbreak` with rip already back at the address (StopReason 'trap'.swbreak). QEMU's own Z0 breakpoints stop with
 * rip = address (QEMU never executes an int3 for them), and an int3 in guest memory kills the guest:
 * QEMU's gdbstub is recognised at connect and gets { breakpoints: 'target', trapPc: 'at-int3' }
 * (negotiate.ts, isQemuGdbstub).
 */
export class GdbRemoteTarget implements Target {
  readonly description: string;
  readonly capabilities: TargetCapabilities;
  onOutput?: (text: string) => void;

  private readonly memory: RemoteMemory;
  private readonly stackCache = new StackCache();
  private readonly threads: RemoteThreads;
  private readonly registers: RegisterCache;
  private readonly stops: StopControl;
  /** Watchpoints in the stub (Z2-Z4 answered OK), to take out of a forked child before it is let go. */
  private readonly watchpoints = new Map<string, { kind: WatchKind; addr: bigint; len: number }>();
  /** '!' was accepted: the stub outlives the process, so kill keeps the connection for a later vRun. */
  private extended = false;
  /** auxv and the library list, when the stub offers them (gdbserver); undefined elsewhere. */
  readonly processImage?: RemoteProcessImage;

  private constructor(
    private readonly conn: RemoteConnection,
    readonly features: StubFeatures,
    readonly layout: RegisterLayout,
    private readonly opts: GdbRemoteOptions,
    capabilities: TargetCapabilities,
    /** The stub plants Z0 breakpoints (insertBreakpoint works even when core writes its own). */
    readonly z0Supported: boolean,
    private readonly vCont: Set<string>,
    /** multiprocess was negotiated: detach names the process (D;pid). */
    private readonly multiprocess: boolean,
  ) {
    this.description = `remote ${conn.address}`;
    this.capabilities = capabilities;
    const request = (p: string): Promise<string> => this.request(p);
    this.memory = new RemoteMemory((p) => this.request(p), features.packetSize ?? DEFAULT_PACKET_SIZE, opts.useBinaryWrites !== false);
    this.threads = new RemoteThreads(request, features.raw.get('qXfer:threads:read') === '+', features.packetSize ?? DEFAULT_PACKET_SIZE, features.multiprocess);
    this.registers = new RegisterCache(request, layout, (v) => this.threads.select(v));
    this.stops = new StopControl(conn, this.threads, this.registers, (text) => this.onOutput?.(text));
    this.onOutput = opts.onOutput;
    if (RemoteProcessImage.offered(features)) {
      const stopped = <T>(f: () => Promise<T>): Promise<T> => (this.checkStopped(), f());
      this.processImage = new RemoteProcessImage(
        (p) => stopped(() => this.request(p)),
        (addr, len) => this.readMemory(addr, len),
        features,
        features.packetSize ?? DEFAULT_PACKET_SIZE,
        (v) => this.threads.text(v),
      );
    }
  }

  /**
   * Connects and negotiates (negotiate.ts). Fails with a one-line UserError ("Connection refused:
   * 127.0.0.1:1234") or a TargetGoneError when the stub misbehaves; never hangs longer than the timeouts.
   */
  static async connect(host: string, port: number, opts: GdbRemoteOptions = {}): Promise<GdbRemoteTarget> {
    const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
    const conn = await RemoteConnection.open(host, port, {
      timeoutMs,
      maxPacketBytes: opts.maxPacketBytes ?? DEFAULTS.maxPacketBytes,
      maxRetries: opts.maxRetries ?? DEFAULTS.maxRetries,
    });
    try {
      const n = await negotiate(conn, opts);
      const target = new GdbRemoteTarget(conn, n.features, n.layout, opts, n.capabilities, n.z0, n.vCont, n.multiprocess);
      target.stops.noteStop(n.initial);
      target.threads.initialThread = target.threads.stopVcpu;
      return target;
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  /** The last stop reply (with the registers the stub expedited), or the initial '?' answer. */
  get lastStop(): StopReply | undefined {
    return this.stops.lastStop;
  }

  /** The process id when the stub says (pPID.TID ids, W/X process:), else the initial thread's id (= pid under gdbserver). */
  get processId(): number | undefined {
    return this.threads.pid ?? this.threads.initialThread;
  }

  async listVcpus(): Promise<VcpuInfo[]> {
    if (this.stops.exited) return [];
    if (this.stops.running) return this.threads.infos();
    this.stops.checkUsable();
    return this.threads.refresh();
  }

  async readRegister(vcpu: number, name: string): Promise<bigint | undefined> {
    const value = await this.registers.readOne(vcpu, name);
    if (name === SP_REGISTER) this.stackCache.noteStackPointer(value);
    return value;
  }

  async readRegisters(vcpu: number): Promise<RegisterSet> {
    this.checkStopped();
    const regs = await this.registers.read(vcpu);
    this.stackCache.noteStackPointer(regs.get(SP_REGISTER));
    return regs;
  }

  async writeRegisters(vcpu: number, regs: RegisterSet): Promise<void> {
    this.checkStopped();
    return this.registers.write(vcpu, regs);
  }

  async readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    this.checkStopped();
    return this.stackCache.read(addr, len, (a, n) => this.memory.read(a, n));
  }

  async writeMemory(addr: bigint, data: Uint8Array): Promise<void> {
    this.checkStopped();
    return this.memory.write(addr, data);
  }

  insertBreakpoint(addr: bigint): Promise<void> {
    return this.zPacket('Z', addr);
  }

  removeBreakpoint(addr: bigint): Promise<void> {
    return this.zPacket('z', addr);
  }

  /** Z2/Z3/Z4; false when the stub does not know the packet (empty reply), as gdb then assumes. */
  async insertWatchpoint(kind: WatchKind, addr: bigint, len: number): Promise<boolean> {
    this.checkStopped();
    const z = WATCH_PACKETS[kind];
    const reply = await this.request(`Z${z},${addr.toString(16)},${len.toString(16)}`);
    if (reply === 'OK') {
      this.watchpoints.set(`${z},${addr},${len}`, { kind, addr, len });
      return true;
    }
    if (reply === '') return false;
    throw remoteFailure(`Z${z}`, reply, `Cannot insert a watchpoint at 0x${addr.toString(16)}`);
  }

  async removeWatchpoint(kind: WatchKind, addr: bigint, len: number): Promise<void> {
    this.checkStopped();
    const z = WATCH_PACKETS[kind];
    const reply = await this.request(`z${z},${addr.toString(16)},${len.toString(16)}`);
    this.watchpoints.delete(`${z},${addr},${len}`);
    if (reply !== 'OK') throw remoteFailure(`z${z}`, reply, `Cannot remove the watchpoint at 0x${addr.toString(16)}`);
  }

  async resume(opts: ResumeOptions): Promise<void> {
    this.checkStopped();
    // C/S deliver a signal as the thread resumes ("C0b" = SIGSEGV); range stepping cannot carry one.
    const sig = opts.signal ? opts.signal.toString(16).padStart(2, '0') : undefined;
    let packet: string;
    if (this.vCont.size > 0) {
      const thread = (v: number) => this.threads.text(v);
      const actions: string[] = [];
      if (opts.step !== undefined && sig) actions.push(`S${sig}:${thread(opts.step)}`);
      else if (opts.step !== undefined && opts.range && this.vCont.has('r')) actions.push(`r${opts.range.start.toString(16)},${opts.range.end.toString(16)}:${thread(opts.step)}`);
      else if (opts.step !== undefined) actions.push(`s:${thread(opts.step)}`);
      const signalled = opts.step === undefined && sig ? opts.only ?? this.threads.stopVcpu : undefined;
      if (signalled !== undefined) actions.push(`C${sig}:${thread(signalled)}`);
      if (opts.only === undefined) actions.push('c');
      else if (opts.only !== opts.step && opts.only !== signalled) actions.push(`c:${thread(opts.only)}`);
      packet = `vCont;${actions.join(';')}`;
    } else {
      await this.threads.selectResume(opts.step ?? opts.only);
      const action = opts.step !== undefined ? 's' : 'c';
      packet = sig ? `${action.toUpperCase()}${sig}` : action;
    }
    this.stackCache.clear(); // the resume goes out through StopControl, not request()
    await this.stops.start(packet);
  }

  waitForStop(): Promise<StopEvent> {
    return this.stops.wait();
  }

  interrupt(): Promise<void> {
    return this.stops.interrupt();
  }

  /**
   * QPassSignals (when the stub offers QPassSignals+): the stub delivers these signals to the program
   * itself instead of stopping. gdbserver still reports them while a thread steps. A stub without it
   * reports every signal, and core passes the quiet ones on: slower, same behaviour.
   */
  async setPassSignals(gdbSignals: readonly number[]): Promise<void> {
    if (this.features.raw.get('QPassSignals') !== '+') return;
    this.checkStopped();
    const packet = `QPassSignals:${gdbSignals.map((n) => n.toString(16).padStart(2, '0')).join(';')}`;
    const reply = await this.request(packet);
    if (reply !== 'OK') throw remoteFailure('QPassSignals', reply, 'Cannot set the signals passed to the program');
  }

  /** The child of a fork event: Hg to it, the original bytes written back, D;PID; the parent is selected again. */
  async detachFork(child: number, restore: readonly { address: bigint; bytes: Uint8Array }[]): Promise<void> {
    this.checkStopped();
    const hex = child.toString(16);
    if (restore.length || this.watchpoints.size) {
      const r = await this.request(`Hgp${hex}.${hex}`);
      if (r !== 'OK') throw remoteFailure('Hg', r, `Cannot select the child process ${child}`);
      this.threads.forgetGeneral();
      for (const p of restore) await this.memory.write(p.address, p.bytes);
      // gdbserver gives the child a copy of the parent's debug registers (as gdb expects): take ours out
      // of it, or its first write to a watched variable kills it with SIGTRAP once detached.
      for (const w of this.watchpoints.values()) await this.request(`z${WATCH_PACKETS[w.kind]},${w.addr.toString(16)},${w.len.toString(16)}`);
    }
    const reply = await this.request(`D;${hex}`);
    if (reply !== 'OK') throw remoteFailure(`D;${hex}`, reply, `Cannot detach from child process ${child}`);
    const parent = this.threads.stopVcpu;
    if (parent !== undefined) await this.threads.select(parent);
  }

  /** Sends a monitor command (qRcmd) and returns its console output. */
  async monitor(command: string): Promise<string> {
    this.checkStopped();
    this.conn.send(`qRcmd,${Buffer.from(command, 'utf8').toString('hex')}`);
    let text = '';
    for (;;) {
      const reply = (await this.conn.nextPacket('qRcmd')).toString('latin1');
      if (reply === 'OK') return text;
      if (reply === '' || reply.startsWith('E')) throw remoteFailure('qRcmd', reply, `Monitor command failed`);
      if (reply.startsWith('O') && isStopReply(reply)) text += fromHex(reply.slice(1)).toString('utf8');
      else if (/^([0-9a-fA-F]{2})+$/.test(reply)) return text + fromHex(reply).toString('utf8');
      if (text.length > 1 << 20) throw new RemoteError('Monitor command output too long');
    }
  }

  /** Stops a running target first; 'D' lets it run on. leavePaused is not expressible in the protocol. */
  async detach(_opts?: { leavePaused?: boolean }): Promise<void> {
    if (this.conn.closed || this.stops.exited) return this.close();
    try {
      await this.stops.stopIfRunning(this.timeoutMs);
      await this.stops.drainPendingSigint(() => this.resume({}));
      // The program may end while the pending SIGINT is drained (it runs meanwhile): nothing left to detach.
      if (this.stops.exited) return this.close();
      // With multiprocess on, a bare 'D' is refused (QEMU: E22): name the process. A stub that turned
      // multiprocess on without our asking is caught by the second try.
      const pid = this.processId;
      const named = pid === undefined ? undefined : `D;${pid.toString(16)}`;
      let packet = this.multiprocess && named ? named : 'D';
      let reply = await this.request(packet);
      if (reply.startsWith('E') && named && packet !== named) reply = await this.request((packet = named));
      if (reply !== 'OK' && reply !== '') throw remoteFailure(packet, reply, 'Cannot detach');
    } catch (e) {
      if (!(e instanceof TargetGoneError)) throw e; // a stub that hangs up at once has detached
    } finally {
      this.close();
    }
  }

  /**
   * Runs the program again (extended mode '!' + vRun with the stub's own program): a new process,
   * stopped at its first instruction. The old one is killed first if still there.
   */
  async restart(programPath?: string, args: string[] = []): Promise<void> {
    const exited = this.stops.exited;
    if (!exited) this.checkStopped();
    // The stub's own idea of the program (qXfer:exec-file) wins over the debugger's local path.
    let path = programPath ?? '';
    const pid = this.processId;
    if (pid !== undefined && !exited) {
      const r = await this.request(`qXfer:exec-file:read:${pid.toString(16)}:0,fff`);
      if (/^[ml]/.test(r) && r.length > 1) path = r.slice(1);
    }
    await this.enterExtendedMode();
    // The old process goes first, as gdb does (vKill), unless it already ended.
    if (!exited && pid !== undefined) await this.request(`vKill;${pid.toString(16)}`);
    const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
    const reply = await this.request(['vRun', path, ...args].map((s, i) => (i ? hex(s) : s)).join(';'));
    if (!isStopReply(reply)) throw remoteFailure('vRun', reply, 'Cannot restart the program');
    this.threads.reset();
    this.registers.clear();
    this.processImage?.reset();
    this.watchpoints.clear(); // a new process has none
    this.stops.exited = false;
    const ev = this.stops.noteStop(parseStopReply(reply));
    this.threads.initialThread = ev.vcpu;
    if (this.threads.size === 0) await this.listVcpus();
  }

  /**
   * gdb's extended-remote ('!'): the stub stays after the process ends or is killed, and vRun starts
   * another. Throws a UserError when the stub has no extended mode.
   */
  async enterExtendedMode(): Promise<void> {
    if (this.extended) return;
    if ((await this.request('!')) !== 'OK') throw new UserError('This remote target cannot restart the program (no extended mode).');
    this.extended = true;
  }

  /**
   * vKill (the stub ignores the pid unless multiprocess), else 'k', which many stubs never answer.
   * In extended mode the connection stays (a later restart runs the program again).
   */
  async kill(): Promise<void> {
    if (this.conn.closed || this.stops.exited) return this.extended ? undefined : this.close();
    if (this.extended) {
      await this.stops.stopIfRunning(this.timeoutMs);
      const reply = await this.request(`vKill;${(this.threads.pid ?? this.processId ?? 1).toString(16)}`);
      if (reply !== 'OK') throw remoteFailure('vKill', reply, 'Cannot kill the program');
      this.stops.exited = true;
      return;
    }
    try {
      await this.stops.stopIfRunning(this.timeoutMs);
      const reply = await this.request(`vKill;${(this.threads.pid ?? 1).toString(16)}`);
      if (reply !== 'OK') {
        this.conn.send('k'); // most stubs never answer k: give it a moment to arrive, then hang up
        await this.conn.nextPacket('k', Math.min(this.timeoutMs, 300), false).catch(() => undefined);
      }
    } catch (e) {
      if (!(e instanceof TargetGoneError)) throw e;
    } finally {
      this.stops.exited = true;
      this.close();
    }
  }

  close(): void {
    this.stops.running = false;
    this.conn.close();
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? DEFAULTS.timeoutMs;
  }

  private request(packet: string | Uint8Array): Promise<string> {
    // Anything but a read may change memory (a write, a monitor command, a new process): stack lines are stale.
    if (typeof packet !== 'string' || !READS_ONLY.test(packet)) this.stackCache.clear();
    return this.conn.request(packet);
  }

  private checkStopped(): void {
    this.stops.checkUsable();
    if (this.stops.running) throw new UserError('Cannot do that while the target is running; interrupt it first');
  }

  private async zPacket(op: 'Z' | 'z', addr: bigint): Promise<void> {
    this.checkStopped();
    if (!this.z0Supported) throw new UserError('The remote stub does not support Z0 breakpoints');
    const reply = await this.request(`${op}0,${addr.toString(16)},1`);
    if (reply === 'OK') return;
    if (reply === '') throw new UserError('The remote stub does not support Z0 breakpoints');
    throw remoteFailure(`${op}0`, reply, `Cannot ${op === 'Z' ? 'insert' : 'remove'} breakpoint at 0x${addr.toString(16)}`);
  }
}
