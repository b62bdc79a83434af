// GdbRemoteTarget: the Target contract over the GDB remote serial protocol (gdbserver, QEMU's gdbstub, Xen's gdbsx).
import {
  GENERAL_REGISTERS, TargetGoneError,
  type RegisterSet, type StopEvent, type StopReason, type Target, type TargetCapabilities, type VcpuInfo,
} from '../contract.js';
import { UserError } from '../../util/errors.js';
import { RemoteConnection, RemoteError } from './connection.js';
import {
  DEFAULTS, DEFAULT_PACKET_SIZE, QSUPPORTED_REQUEST, parseQSupported, parseVContActions,
  type GdbRemoteOptions, type StubFeatures,
} from './features.js';
import { RemoteMemory } from './memory.js';
import { fromHex, preview } from './packets.js';
import { RegisterLayout, builtinAmd64Layout, encodeRegister, parseTargetDescription } from './registers.js';
import { SIGINT, SIGSTOP, SIGTRAP, isStopReply, parseStopReply, parseThreadId, signalName, type StopReply, type ThreadId } from './stop-reply.js';
import { fetchThreadList, probeZ0, readXfer, remoteFailure } from './util.js';

export type { GdbRemoteOptions } from './features.js';

/**
 * A connected remote stub in all-stop mode. vCPU numbers are the stub's thread ids (hex on the wire):
 * Linux LWP ids under gdbserver, CPU index + 1 under QEMU, vCPU index under gdbsx.
 *
 * resume({ step: v }) single-steps v while the others continue (vCont;s:v;c); add only: v to keep
 * the others stopped. Without vCont, 'Hc' + 's'/'c' is used and the stub decides what the others do.
 *
 * Traps: on gdbserver an int3 trap, written by core or planted with Z0, stops with rip = address + 1
 * (as on Xen; swbreak is not negotiated). QEMU's own Z0 breakpoints stop with rip = address (QEMU
 * never executes an int3 for them), so core should accept a trap at rip or rip - 1, as gdb does.
 */
export class GdbRemoteTarget implements Target {
  readonly description: string;
  readonly capabilities: TargetCapabilities;
  onOutput?: (text: string) => void;
  /** The last stop reply (with the registers the stub expedited), or the initial '?' answer. */
  lastStop: StopReply | undefined;
  /** Thread of the initial stop: a Linux process's main thread, whose id is the pid. */
  private initialThread: number | undefined;

  private readonly memory: RemoteMemory;
  private readonly threads = new Map<number, ThreadId>();
  private readonly regCache = new Map<number, Map<string, bigint>>();
  private readonly decoder = new TextDecoder();
  private currentG: number | undefined;
  private currentC: string | undefined;
  private stopVcpu: number | undefined;
  private running = false;
  private exited = false;
  private interruptRequested = false;
  private pendingStop: Promise<StopEvent> | undefined;
  private vCont = new Set<string>();
  private pSupported = true;
  private bigPSupported = true;
  private hSupported = true;
  private threadInfoSupported = true;
  private extraInfoSupported = true;
  private pid: number | undefined;

  private constructor(
    private readonly conn: RemoteConnection,
    readonly features: StubFeatures,
    readonly layout: RegisterLayout,
    private readonly opts: GdbRemoteOptions,
    nativeBreakpoints: boolean,
  ) {
    this.description = `remote ${conn.address}`;
    this.capabilities = { trapBreakpoints: true, hardwareStep: true, nativeBreakpoints, cheapRunningRegisterReads: false };
    this.memory = new RemoteMemory((p) => this.request(p), features.packetSize ?? DEFAULT_PACKET_SIZE, opts.useBinaryWrites !== false);
    this.onOutput = opts.onOutput;
  }

  /**
   * Connects and negotiates: qSupported, no-ack mode, the initial stop ('?'), the register layout,
   * vCont? and Z0. Fails with a one-line UserError ("Connection refused: 127.0.0.1:1234") or a
   * TargetGoneError when the stub misbehaves; never hangs longer than the timeouts.
   */
  static async connect(host: string, port: number, opts: GdbRemoteOptions = {}): Promise<GdbRemoteTarget> {
    const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
    const conn = await RemoteConnection.open(host, port, {
      timeoutMs,
      maxPacketBytes: opts.maxPacketBytes ?? DEFAULTS.maxPacketBytes,
      maxRetries: opts.maxRetries ?? DEFAULTS.maxRetries,
    });
    try {
      const features = parseQSupported(await conn.request(QSUPPORTED_REQUEST));
      if (features.noAckMode && opts.noAckMode !== false) {
        if ((await conn.request('QStartNoAckMode')) === 'OK') conn.noAck = true;
      }
      let initial = await conn.request('?');
      while (initial.startsWith('O') && isStopReply(initial)) initial = (await conn.nextPacket('?')).toString('latin1');
      if (!isStopReply(initial)) throw new RemoteError(`Unexpected reply to '?' from remote: ${preview(initial) || '(empty)'}`);
      const stop = parseStopReply(initial);
      if (stop.kind === 'exited' || stop.kind === 'terminated') throw new UserError('The remote target has no running program');
      const request = (p: string): Promise<string> => conn.request(p);
      const layout =
        features.targetXml && opts.useTargetXml !== false
          ? await parseTargetDescription((annex) => readXfer(request, 'features', annex, features.packetSize ?? DEFAULT_PACKET_SIZE))
          : builtinAmd64Layout();
      const target = new GdbRemoteTarget(conn, features, layout, opts, opts.useZ0 !== false && (await probeZ0(request)));
      if (opts.useVCont !== false) {
        const actions = parseVContActions(await conn.request('vCont?'));
        if (actions.has('c') && actions.has('s')) target.vCont = actions;
        target.capabilities.rangeStep = target.vCont.has('r');
      }
      target.noteStop(stop);
      target.initialThread = target.stopVcpu;
      return target;
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  /** The process id when the stub says (pPID.TID ids, W/X process:), else the initial thread's id (= pid under gdbserver). */
  get processId(): number | undefined {
    return this.pid ?? this.initialThread;
  }

  async listVcpus(): Promise<VcpuInfo[]> {
    if (this.exited || this.running) return this.vcpuInfos();
    this.checkUsable();
    if (this.threadInfoSupported) {
      const found = await fetchThreadList((p) => this.request(p));
      if (found) {
        this.threads.clear();
        for (const t of found) this.rememberThread(t);
      } else this.threadInfoSupported = false;
    }
    if (this.threads.size === 0) this.rememberThread(parseThreadId((this.stopVcpu ?? 0).toString(16)));
    const infos = this.vcpuInfos();
    for (const info of infos) {
      if (!this.extraInfoSupported) break;
      const reply = await this.request(`qThreadExtraInfo,${this.threadText(info.id)}`);
      if (reply === '') this.extraInfoSupported = false;
      else if (!reply.startsWith('E') && /^([0-9a-fA-F]{2})+$/.test(reply)) info.name += ` (${fromHex(reply).toString('utf8')})`;
    }
    return infos;
  }

  async readRegister(vcpu: number, name: string): Promise<bigint | undefined> {
    const cached = this.regCache.get(vcpu) ?? this.expedited.get(vcpu);
    const v = cached?.get(name);
    if (v !== undefined) return v;
    return (await this.readRegisters(vcpu)).get(name);
  }
  /** Registers the last stop reply carried, per vCPU (until the next resume or register write). */
  private readonly expedited = new Map<number, Map<string, bigint>>();

  async readRegisters(vcpu: number): Promise<RegisterSet> {
    this.checkStopped();
    const cached = this.regCache.get(vcpu);
    if (cached) return cached; // read-only for callers (contract): no copy on the hot path
    await this.selectThread(vcpu);
    const reply = await this.request('g');
    if (reply === '' || reply.startsWith('E')) throw remoteFailure('g', reply, `Cannot read the registers of vCPU ${vcpu}`);
    const values = this.layout.decodeG(reply);
    this.rawG.set(vcpu, reply);
    // Registers core needs that the g packet did not carry: ask for them one by one.
    for (const name of GENERAL_REGISTERS) {
      const def = this.layout.byName.get(name);
      if (!def || values.has(name) || !this.pSupported) continue;
      const r = await this.request(`p${def.regnum.toString(16)}`);
      if (r === '') this.pSupported = false;
      else if (/^([0-9a-fA-F]{2})+$/.test(r) && r.length === def.bitsize / 4) values.set(name, this.layout.decodeValue(fromHex(r)));
    }
    this.regCache.set(vcpu, values);
    return values;
  }

  async writeRegisters(vcpu: number, regs: RegisterSet): Promise<void> {
    this.checkStopped();
    for (const name of regs.keys()) if (!this.layout.byName.has(name)) throw new UserError(`Invalid register \`${name}'`);
    await this.selectThread(vcpu);
    // Read once (or reuse this stop's read) so that the G below patches the current values and the
    // cache stays valid after it: one g per stop at most.
    if (!this.pSupportedForWrites() && !this.rawG.has(vcpu)) await this.readRegisters(vcpu);
    const cachedValues = this.regCache.get(vcpu);
    const cachedG = this.rawG.get(vcpu);
    this.regCache.delete(vcpu);
    this.rawG.delete(vcpu);
    this.expedited.delete(vcpu);
    const rest = new Map(regs);
    for (const [name, value] of regs) {
      if (!this.bigPSupported) break;
      const def = this.layout.byName.get(name)!;
      const reply = await this.request(`P${def.regnum.toString(16)}=${encodeRegister(def, value)}`);
      if (reply === '') this.bigPSupported = false;
      else if (reply !== 'OK') throw remoteFailure('P', reply, `Cannot write register ${name}`);
      else rest.delete(name);
    }
    if (rest.size === 0) return;
    // The g text of this stop is still right for every register not being written: no second read.
    const g = cachedG ?? (await this.request('g'));
    if (g === '' || g.startsWith('E')) throw remoteFailure('g', g, `Cannot read the registers of vCPU ${vcpu}`);
    let patched: string;
    try {
      patched = this.layout.patchG(g, rest);
    } catch (e) {
      throw new UserError(e instanceof Error ? e.message : String(e));
    }
    const reply = await this.request(`G${patched}`);
    if (reply !== 'OK') throw remoteFailure('G', reply, `Cannot write the registers of vCPU ${vcpu}`);
    if (cachedValues) {
      for (const [name, value] of regs) cachedValues.set(name, value);
      this.regCache.set(vcpu, cachedValues);
      this.rawG.set(vcpu, patched);
    }
  }
  private pSupportedForWrites(): boolean {
    return this.bigPSupported;
  }

  /** The raw g reply behind regCache, per vCPU (for G writes without re-reading). */
  private readonly rawG = new Map<number, string>();

  async readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    this.checkStopped();
    return this.memory.read(addr, len);
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

  async resume(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }): Promise<void> {
    this.checkStopped();
    let packet: string;
    if (this.vCont.size > 0) {
      const actions: string[] = [];
      if (opts.step !== undefined && opts.range && this.vCont.has('r')) actions.push(`r${opts.range.start.toString(16)},${opts.range.end.toString(16)}:${this.threadText(opts.step)}`);
      else if (opts.step !== undefined) actions.push(`s:${this.threadText(opts.step)}`);
      if (opts.only === undefined) actions.push('c');
      else if (opts.only !== opts.step) actions.push(`c:${this.threadText(opts.only)}`);
      packet = `vCont;${actions.join(';')}`;
    } else {
      const which = opts.step ?? opts.only;
      await this.selectResumeThread(which === undefined ? '-1' : this.threadText(which));
      packet = opts.step !== undefined ? 's' : 'c';
    }
    // The wire stays ours until the stop reply: a request queued meanwhile (a late stop report) waits.
    const release = await this.conn.acquire();
    this.regCache.clear();
    this.rawG.clear();
    this.expedited.clear();
    this.currentG = undefined;
    this.interruptRequested = false;
    try {
      this.conn.send(packet);
    } catch (e) {
      release();
      throw e;
    }
    this.running = true;
    const pending = this.pumpUntilStop(packet).finally(release);
    pending.catch(() => undefined); // observed by waitForStop(); never an unhandled rejection
    this.pendingStop = pending;
  }

  waitForStop(): Promise<StopEvent> {
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
    if (this.conn.closed || this.exited) return this.close();
    try {
      await this.stopIfRunning();
      await this.drainPendingSigint();
      const reply = await this.request('D');
      if (reply !== 'OK' && reply !== '') throw remoteFailure('D', reply, 'Cannot detach');
    } catch (e) {
      if (!(e instanceof TargetGoneError)) throw e; // a stub that hangs up at once has detached
    } finally {
      this.close();
    }
  }

  /**
   * gdbserver interrupts with kill(SIGINT). When that raced with another stop, the SIGINT is still
   * queued in the kernel and would kill the program right after a detach: let it arrive first.
   * Two interrupts close together can leave one queued even after a SIGINT stop, so any interrupt
   * since the last drain counts (signals coalesce: one drain is enough).
   */
  private async drainPendingSigint(): Promise<void> {
    if (!this.interruptedSinceDrain || this.exited) return;
    this.draining = true;
    try {
      await this.resume({});
      const pending = this.waitForStop();
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
  private sigintPending = false;
  private interruptedSinceDrain = false;
  private draining = false;

  /**
   * Runs the program again (extended mode '!' + vRun with the stub's own program): a new process,
   * stopped at its first instruction. The old one is killed first if still there.
   */
  async restart(programPath?: string): Promise<void> {
    if (!this.exited) this.checkStopped();
    // The stub's own idea of the program (qXfer:exec-file) wins over the debugger's local path.
    let path = programPath ?? '';
    const pid = this.processId;
    if (pid !== undefined && !this.exited) {
      const r = await this.request(`qXfer:exec-file:read:${pid.toString(16)}:0,fff`);
      if (/^[ml]/.test(r) && r.length > 1) path = r.slice(1);
    }
    if ((await this.request('!')) !== 'OK') throw new UserError('This remote target cannot restart the program (no extended mode).');
    // The old process goes first, as gdb does (vKill), unless it already ended.
    if (!this.exited && pid !== undefined) await this.request(`vKill;${pid.toString(16)}`);
    const reply = await this.request(`vRun;${Buffer.from(path, 'utf8').toString('hex')}`);
    if (!isStopReply(reply)) throw remoteFailure('vRun', reply, 'Cannot restart the program');
    this.threads.clear();
    this.regCache.clear();
    this.rawG.clear();
    this.expedited.clear();
    this.currentG = undefined;
    this.currentC = undefined;
    this.exited = false;
    this.pid = undefined;
    this.initialThread = undefined;
    const ev = this.noteStop(parseStopReply(reply));
    this.initialThread = ev.vcpu;
    if (this.threads.size === 0) await this.listVcpus();
  }

  /** vKill (the stub ignores the pid unless multiprocess), else 'k', which many stubs never answer. */
  async kill(): Promise<void> {
    if (this.conn.closed || this.exited) return this.close();
    try {
      await this.stopIfRunning();
      const reply = await this.request(`vKill;${(this.pid ?? 1).toString(16)}`);
      if (reply !== 'OK') {
        this.conn.send('k'); // most stubs never answer k: give it a moment to arrive, then hang up
        await this.conn.nextPacket('k', Math.min(this.timeoutMs, 300), false).catch(() => undefined);
      }
    } catch (e) {
      if (!(e instanceof TargetGoneError)) throw e;
    } finally {
      this.exited = true;
      this.close();
    }
  }

  close(): void {
    this.running = false;
    this.conn.close();
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? DEFAULTS.timeoutMs;
  }

  private request(packet: string | Uint8Array): Promise<string> {
    return this.conn.request(packet);
  }

  private checkUsable(): void {
    if (this.exited) throw new TargetGoneError('The program is not being run.');
    if (this.conn.closed) throw new TargetGoneError('Remote connection closed');
  }

  private checkStopped(): void {
    this.checkUsable();
    if (this.running) throw new UserError('Cannot do that while the target is running; interrupt it first');
  }

  private async stopIfRunning(): Promise<void> {
    if (!this.running) return;
    await this.interrupt();
    const pending = this.waitForStop();
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new RemoteError('The target did not stop')), this.timeoutMs).unref());
    await Promise.race([pending, timer]);
  }

  private async zPacket(op: 'Z' | 'z', addr: bigint): Promise<void> {
    this.checkStopped();
    if (!this.capabilities.nativeBreakpoints) throw new UserError('The remote stub does not support Z0 breakpoints');
    const reply = await this.request(`${op}0,${addr.toString(16)},1`);
    if (reply === 'OK') return;
    if (reply === '') throw new UserError('The remote stub does not support Z0 breakpoints');
    throw remoteFailure(`${op}0`, reply, `Cannot ${op === 'Z' ? 'insert' : 'remove'} breakpoint at 0x${addr.toString(16)}`);
  }

  private async selectThread(vcpu: number): Promise<void> {
    if (this.currentG === vcpu || !this.hSupported) return;
    const reply = await this.request(`Hg${this.threadText(vcpu)}`);
    if (reply === '') this.hSupported = false;
    else if (reply !== 'OK') throw new UserError(`Unknown vCPU ${vcpu}`);
    this.currentG = vcpu;
  }

  private async selectResumeThread(text: string): Promise<void> {
    if (this.currentC === text || !this.hSupported) return;
    let reply = await this.request(`Hc${text}`);
    if (reply.startsWith('E') && text === '-1') reply = await this.request('Hc0'); // gdbserver refuses -1; 0 = any
    if (reply === '') this.hSupported = false;
    else if (reply !== 'OK' && text !== '-1') throw new UserError(`Unknown vCPU ${parseThreadId(text).tid}`);
    this.currentC = text;
  }

  /** Reads packets until the stop reply, passing O packets to onOutput as they come. */
  private async pumpUntilStop(what: string): Promise<StopEvent> {
    try {
      for (;;) {
        const text = (await this.conn.nextPacket(what, undefined)).toString('latin1');
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
    const text = this.decoder.decode(bytes, { stream: true });
    if (!text || !this.onOutput) return;
    try {
      this.onOutput(text);
    } catch {
      // a listener's bug must not stop the target's event stream
    }
  }

  private noteStop(reply: StopReply): StopEvent {
    this.lastStop = reply;
    const wasInterrupted = this.interruptRequested;
    this.interruptRequested = false;
    if (reply.kind === 'exited' || reply.kind === 'terminated') {
      this.exited = true;
      this.pid ??= reply.pid;
      const reason: StopReason =
        reply.kind === 'exited'
          ? { kind: 'exited', code: reply.code }
          : { kind: 'killed', signal: reply.signal, name: signalName(reply.signal) };
      return { reason };
    }
    if (reply.kind !== 'signal') throw new RemoteError('Unexpected stop reply');
    if (reply.thread && reply.thread.tid >= 0) {
      this.rememberThread(reply.thread);
      this.stopVcpu = reply.thread.tid;
      this.currentG = this.stopVcpu; // stubs make the stopping thread the general one (gdb assumes so too)
    }
    if (this.stopVcpu !== undefined && reply.registers.size) {
      const ex = new Map<string, bigint>();
      for (const [num, raw] of reply.registers) {
        const def = this.layout.byNumber.get(num);
        if (def && raw.length * 8 === def.bitsize) ex.set(def.name, this.layout.decodeValue(raw));
      }
      this.expedited.set(this.stopVcpu, ex);
    }
    let reason: StopReason;
    if (reply.signal === SIGTRAP || reply.reason !== undefined) reason = { kind: 'trap' };
    else if (reply.signal === 0 || (wasInterrupted && (reply.signal === SIGINT || reply.signal === SIGSTOP))) reason = { kind: 'interrupted' };
    else reason = { kind: 'signal', signal: reply.signal, name: signalName(reply.signal) };
    return { vcpu: this.stopVcpu, reason };
  }

  private rememberThread(t: ThreadId): void {
    if (t.tid < 0) return;
    this.threads.set(t.tid, t);
    if (t.pid !== undefined && t.pid > 0) this.pid ??= t.pid;
  }

  private threadText(vcpu: number): string {
    return this.threads.get(vcpu)?.text ?? vcpu.toString(16);
  }

  private vcpuInfos(): VcpuInfo[] {
    if (this.exited) return [];
    return [...this.threads.values()].map((t) => ({ id: t.tid, name: `Thread ${t.tid}`, online: true }));
  }
}
