// XenTarget: the Target contract over the shim for a 64-bit Xen PV domain (pause-count bookkeeping, TF steps, stop polling).
import {
  MemoryError, TargetGoneError,
  type RegisterSet, type StopEvent, type Target, type TargetCapabilities, type VcpuInfo,
} from '../contract.js';
import { DX_E, DX_EVENT_SPIN, DX_F, DX_STOP, MAX_SPIN_SITES, REG_INDEX, REGS_SIZE, type DomainInfo, type Shim, type StopReport } from './ffi.js';
import { EventUpcalls } from './event-upcalls.js';
import { StopCache } from './stop-cache.js';
import type { XenDomainSnapshot, XenViews } from '../extensions.js';

const TF = 0x100n;
const VGCF_IN_KERNEL = 1n << 2n;
const TRAP_INT3 = 3;
/**
 * Poll schedules (µs), doubling from first to max. trap: Xen pauses the domain at int3/TF, a look
 * is one getdomaininfo. spin: a look also reads rip of every vCPU and pauses at a spin site (core
 * samples rip too, on its own slower schedule; whichever sees it first reports it).
 */
const POLL = {
  trap: { first: 20, max: Number(process.env.DUSTER_XEN_POLL_MAX_US ?? 1000) },
  spin: { first: 200, max: Number(process.env.DUSTER_XEN_SPIN_POLL_MAX_US ?? 5000) },
};
const BUDGET_US = 250_000;
const SHUTDOWN_NAMES = ['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset'];

/** What gdb's Xen users read when the domain disappears under the debugger (destroyed, or crashed and torn down). */
const DOMAIN_DESTROYED = 'The domain was destroyed';
/**
 * `xl destroy` pauses the domain first and destroys it once its devices are torn down (libxl), so a
 * pause nobody here asked for may be a death on its way: watch it this long (ms) before calling it a stop.
 */
const FOREIGN_PAUSE_SETTLE_MS = Number(process.env.DUSTER_XEN_FOREIGN_PAUSE_SETTLE_MS ?? 2000);

export class XenTarget implements Target, XenViews {
  readonly capabilities: TargetCapabilities;
  readonly description: string;
  /** The Xen views of the command language (info xen, console): this target itself. */
  readonly xen: XenViews = this;
  onOutput?: (text: string) => void;

  /** Controller pauses we hold and release on resume/detach (adopted at attach, ours, Xen's debug pauses). */
  private heldPauses = 0;
  private stepping: { vcpu: number; rip: bigint } | undefined;
  private vcpusPausedByUs: number[] = [];
  private interruptRequested = false;
  private running = false;
  private closed = false;
  private debugging = false;
  private memVcpu = 0;
  /** The domain's highest vCPU id (fixed at creation): with one vCPU there is no other to hold or to rewind. */
  private maxVcpuId = 0;
  /** Addresses that hold `jmp .`, handed over by core (setSpinSites): the shim's waiter watches them. */
  private spinSites: readonly bigint[] = [];
  /** Stop counters for `info xen` and the benchmarks. */
  readonly stats = { stops: 0, polls: 0n };
  /** The shim's report of the last stop (timestamps for the benchmarks). */
  lastStop: StopReport | undefined;
  /** Registers and pages read since the domain stopped (cleared whenever it runs). */
  private readonly cache: StopCache;
  /** Event upcalls held back during a spin step (set up at attach, when shared_info's frame is known). */
  private upcalls: EventUpcalls | undefined;

  constructor(
    readonly shim: Shim,
    readonly handle: number,
    readonly domid: number,
    readonly name: string,
    readonly strategy: 'trap' | 'spin',
    readonly gdbsx: boolean,
  ) {
    this.cache = new StopCache(shim, handle);
    this.capabilities = {
      canExecute: true,
      trapPc: 'after-int3', // Xen reports the #BP with rip past the int3
      breakpoints: 'memory',
      hardwareStep: gdbsx && strategy === 'trap',
      rangeStep: false,
      spinPoll: 'read-while-running',
    };
    this.description = `Xen domain ${domid}${name ? ` (${name})` : ''}`;
  }

  /** Pauses the domain (or adopts the pause of a domain created paused) and, for trap, turns on Xen's debug traps. */
  async attach(): Promise<void> {
    const info = this.info();
    this.maxVcpuId = info.maxVcpuId;
    this.upcalls = new EventUpcalls(this.shim, this.handle, info.sharedInfoFrame, info.guestWidth === 8 && !(info.flags & DX_F.HVM));
    const pausedByUs = !(info.flags & DX_F.PAUSED);
    if (pausedByUs) this.check(this.shim.pause(this.handle), 'pause');
    this.heldPauses = 1;
    if (this.strategy === 'trap') {
      const rc = this.shim.setDebugging(this.handle, true);
      if (rc < 0 && pausedByUs) this.shim.unpause(this.handle);
      this.check(rc, 'setdebugging');
      this.debugging = true;
    }
    const online = (await this.listVcpus()).find((v) => v.online);
    this.memVcpu = online?.id ?? 0;
  }

  info(): DomainInfo {
    const r = this.shim.info(this.handle);
    if (typeof r === 'number') this.fail(r, 'domain info');
    if (!(r.flags & DX_F.EXISTS) || r.flags & DX_F.DYING) throw new TargetGoneError(DOMAIN_DESTROYED, true);
    return r;
  }

  async listVcpus(): Promise<VcpuInfo[]> {
    const info = this.info();
    const out: VcpuInfo[] = [];
    for (let id = 0; id <= info.maxVcpuId; id++) {
      const v = this.shim.vcpuInfo(this.handle, id);
      out.push({ id, name: `vCPU ${id}`, online: typeof v !== 'number' && v.online });
    }
    return out;
  }

  /** Everything `info xen` shows, in one go. */
  snapshot(): XenDomainSnapshot {
    const info = this.info();
    const vcpus: XenDomainSnapshot['vcpus'] = [];
    for (let id = 0; id <= info.maxVcpuId; id++) {
      const v = this.shim.vcpuInfo(this.handle, id);
      if (typeof v === 'number') continue;
      const regs = Buffer.alloc(REGS_SIZE);
      const rip = v.online && this.cache.getRegs(id, regs, !this.running) === 0 ? regs.readBigUInt64LE(REG_INDEX.rip * 8) : undefined;
      vcpus.push({ ...v, id, ...(rip !== undefined ? { rip } : {}) });
    }
    return { domid: this.domid, name: this.name, info, vcpus };
  }

  private rawRegs(vcpu: number): Buffer {
    const b = Buffer.alloc(REGS_SIZE);
    this.check(this.cache.getRegs(vcpu, b, !this.running), `reading registers of vCPU ${vcpu}`);
    return b;
  }

  async readRegisters(vcpu: number): Promise<RegisterSet> {
    const b = Buffer.alloc(REGS_SIZE);
    const rc = this.cache.getRegs(vcpu, b, !this.running);
    if (rc < 0 && this.running && isGone(rc)) {
      // Core samples rip while the domain runs (spin sites). A domain that died under it has no registers:
      // the waiter reports the death, once (woken to look now), rather than this read as an error of its own.
      this.shim.wake(this.handle);
      return new Map();
    }
    this.check(rc, `reading registers of vCPU ${vcpu}`);
    const regs: RegisterSet = new Map();
    for (const [name, i] of Object.entries(REG_INDEX)) regs.set(name, b.readBigUInt64LE(i * 8));
    const inKernel = (regs.get('ctx_flags')! & VGCF_IN_KERNEL) !== 0n;
    regs.set('gs_base', inKernel ? regs.get('gs_base_kernel')! : regs.get('gs_base_user')!);
    regs.delete('ctx_flags');
    return regs;
  }

  async writeRegisters(vcpu: number, regs: RegisterSet): Promise<void> {
    const b = this.rawRegs(vcpu);
    let mask = 0;
    for (const [name, value] of regs) {
      let i: number | undefined = (REG_INDEX as Record<string, number>)[name];
      if (name === 'gs_base') {
        const inKernel = (b.readBigUInt64LE(REG_INDEX.ctx_flags * 8) & VGCF_IN_KERNEL) !== 0n;
        i = inKernel ? REG_INDEX.gs_base_kernel : REG_INDEX.gs_base_user;
      }
      if (i === undefined || i >= REG_INDEX.cr3) throw new Error(`register ${name} cannot be written on a Xen PV vCPU`);
      b.writeBigUInt64LE(BigInt.asUintN(64, value), i * 8);
      mask |= 1 << i;
    }
    if (mask) this.check(this.cache.setRegs(vcpu, b, mask), `writing registers of vCPU ${vcpu}`);
  }

  async readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    const known = this.running ? undefined : this.cache.read(this.memVcpu, addr, len);
    if (known) return new Uint8Array(known.buffer, known.byteOffset, known.length);
    const buf = Buffer.alloc(len);
    const fail = Buffer.alloc(8);
    const rc = this.shim.readMem(this.handle, this.memVcpu, BigInt.asUintN(64, addr), buf, fail);
    if (rc === DX_E.UNMAPPED) throw new MemoryError(fail.readBigUInt64LE(0));
    this.check(rc, `reading memory at 0x${addr.toString(16)}`);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  }

  async holdEvents(vcpu: number, data: readonly bigint[] | undefined): Promise<(() => Promise<void>) | undefined> {
    const upcalls = this.upcalls;
    if (this.running || !upcalls?.hold(vcpu, data)) return undefined;
    return async () => this.releaseEvents();
  }

  /** Unmasks held upcalls; a destroyed domain is reported as such (a step it died in says so, not this). */
  private releaseEvents(): void {
    const rc = this.upcalls?.release() ?? 0;
    if (rc >= 0) return;
    this.info(); // throws TargetGoneError when the domain is gone
    this.fail(rc, 'unmasking the event upcalls');
  }

  setSpinSites(addresses: readonly bigint[]): void {
    this.spinSites = [...addresses];
  }

  async writeMemory(addr: bigint, data: Uint8Array): Promise<void> {
    const fail = Buffer.alloc(8);
    // Never change code under a running vCPU: pause around the write when the domain runs.
    const pauseAround = this.running;
    this.cache.forget(addr, data.length);
    if (pauseAround) this.check(this.shim.pause(this.handle), 'pause');
    try {
      const rc = this.shim.writeMem(this.handle, this.memVcpu, BigInt.asUintN(64, addr), Buffer.from(data), fail);
      if (rc === DX_E.UNMAPPED) throw new MemoryError(fail.readBigUInt64LE(0));
      this.check(rc, `writing memory at 0x${addr.toString(16)}`);
    } finally {
      if (pauseAround) this.shim.unpause(this.handle);
    }
  }

  /** One machine frame (PV: frames named in start_info, such as the console ring). */
  readFrame(mfn: bigint): Uint8Array {
    const b = Buffer.alloc(4096);
    this.check(this.shim.readFrame(this.handle, mfn, b), `reading machine frame 0x${mfn.toString(16)}`);
    return b;
  }

  async resume(opts: { step?: number; only?: number }): Promise<void> {
    if (opts.step !== undefined) {
      if (!this.capabilities.hardwareStep) throw new Error('this hypervisor cannot single-step a PV guest (no GDBSX)');
      const b = this.rawRegs(opts.step);
      const rflags = b.readBigUInt64LE(REG_INDEX.eflags * 8);
      b.writeBigUInt64LE(rflags | TF, REG_INDEX.eflags * 8);
      this.check(this.cache.setRegs(opts.step, b, 1 << REG_INDEX.eflags), 'setting TF');
      this.stepping = { vcpu: opts.step, rip: b.readBigUInt64LE(REG_INDEX.rip * 8) };
    }
    const only = opts.step ?? opts.only;
    if (only !== undefined && this.gdbsx && this.maxVcpuId > 0) {
      // Per-vCPU pause exists only as a gdbsx domctl: hold the other vCPUs while the domain runs.
      for (const v of await this.listVcpus()) {
        if (v.id === only || !v.online) continue;
        if (this.shim.vcpuPause(this.handle, v.id) === 0) this.vcpusPausedByUs.push(v.id);
      }
    }
    if (this.strategy === 'spin') this.shim.setSpinSites(this.handle, this.spinSites.slice(0, MAX_SPIN_SITES));
    this.interruptRequested = false;
    this.cache.clear();
    this.running = true;
    while (this.heldPauses > 0) {
      const rc = this.shim.unpause(this.handle);
      this.heldPauses--;
      if (rc < 0) {
        this.running = false;
        this.fail(rc, 'unpause');
      }
    }
  }

  async waitForStop(): Promise<StopEvent> {
    const poll = POLL[this.strategy];
    for (;;) {
      if (this.closed) throw new TargetGoneError('the Xen target was closed');
      const { rc, stop } = await this.shim.waitStop(this.handle, poll.first, poll.max, BUDGET_US);
      this.stats.polls += stop.polls;
      if (rc === DX_E.CLOSED || this.closed) throw new TargetGoneError('the Xen target was closed');
      if (rc < 0) this.fail(rc, 'waiting for the domain');
      if (stop.state === DX_STOP.RUNNING || stop.state === DX_STOP.WOKEN) continue;
      this.running = false;
      this.stats.stops++;
      this.lastStop = stop;
      return await this.stopped(stop);
    }
  }

  /** A pause by someone else: throws TargetGoneError if it turns out to be the start of a destroy (or a shutdown). */
  private async settleForeignPause(): Promise<void> {
    const end = Date.now() + FOREIGN_PAUSE_SETTLE_MS;
    while (Date.now() < end) {
      const info = this.info(); // throws when the domain is dying or gone
      if (info.flags & DX_F.SHUTDOWN || !(info.flags & DX_F.PAUSED)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async stopped(stop: StopReport): Promise<StopEvent> {
    if (stop.state === DX_STOP.GONE) throw new TargetGoneError(DOMAIN_DESTROYED, true);
    if (stop.state === DX_STOP.SHUTDOWN) {
      const why = SHUTDOWN_NAMES[stop.shutdownReason] ?? `shutdown ${stop.shutdownReason}`;
      if (why === 'poweroff') return { reason: { kind: 'exited', code: 0 } };
      return { reason: { kind: 'killed', signal: why === 'crash' ? 11 : 9, name: why === 'crash' ? 'SIGSEGV' : why } };
    }
    const step = this.stepping;
    this.stepping = undefined;
    this.releaseVcpus();
    // Whose pause is this? Ours (interrupt) is already counted; Xen's (int3, TF) or a stranger's is adopted.
    let vcpu = this.memVcpu;
    let reason: StopEvent['reason'] = { kind: 'interrupted' };
    if (stop.event === DX_EVENT_SPIN && stop.vcpu >= 0) {
      this.heldPauses++; // the waiter paused the domain
      this.interruptRequested = false;
      return { vcpu: stop.vcpu, reason: { kind: 'spin', address: stop.address } };
    }
    if (stop.event === TRAP_INT3 && stop.vcpu >= 0) {
      this.heldPauses++;
      vcpu = stop.vcpu;
      reason = { kind: 'trap' };
    } else if (step) {
      vcpu = step.vcpu;
      const rip = this.clearTf(step.vcpu);
      // Xen pauses for the #DB; when we also interrupted, the step ran only if rip moved.
      if (!this.interruptRequested || rip !== step.rip) {
        this.heldPauses++;
        reason = { kind: 'trap' };
      }
    } else if (!this.interruptRequested) {
      await this.settleForeignPause();
      this.heldPauses++; // paused by someone else (xl pause) or a #DB without an event: we own it now
    }
    if (step && stop.event === TRAP_INT3) this.clearTf(step.vcpu);
    this.requeueOtherTraps(vcpu);
    this.interruptRequested = false;
    return { vcpu, reason };
  }

  /** Other vCPUs that also took an int3 before the domain stopped: rewind them so they hit it again later. */
  private requeueOtherTraps(reported: number): void {
    if (!this.gdbsx || this.maxVcpuId === 0) return;
    for (let i = 0; i < 64; i++) {
      const s = this.shim.gdbsxStatus(this.handle);
      if (typeof s === 'number' || s.vcpu < 0) return;
      if (s.vcpu === reported || s.event !== TRAP_INT3) continue;
      const b = this.rawRegs(s.vcpu);
      const rip = b.readBigUInt64LE(REG_INDEX.rip * 8);
      b.writeBigUInt64LE(rip - 1n, REG_INDEX.rip * 8);
      this.cache.setRegs(s.vcpu, b, 1 << REG_INDEX.rip);
    }
  }

  private clearTf(vcpu: number): bigint {
    const b = this.rawRegs(vcpu);
    const rflags = b.readBigUInt64LE(REG_INDEX.eflags * 8);
    if (rflags & TF) {
      b.writeBigUInt64LE(rflags & ~TF, REG_INDEX.eflags * 8);
      this.check(this.cache.setRegs(vcpu, b, 1 << REG_INDEX.eflags), 'clearing TF');
    }
    return b.readBigUInt64LE(REG_INDEX.rip * 8);
  }

  private releaseVcpus(): void {
    for (const v of this.vcpusPausedByUs.splice(0)) this.shim.vcpuUnpause(this.handle, v);
  }

  async interrupt(): Promise<void> {
    if (!this.running || this.closed) return;
    this.interruptRequested = true;
    const rc = this.shim.pause(this.handle);
    if (rc === 0) this.heldPauses++;
    this.shim.wake(this.handle);
    if (rc < 0) this.fail(rc, 'pause');
  }

  async detach(opts: { leavePaused?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    try {
      if (this.running) {
        await this.interrupt();
        // the pending waitForStop (if any) sees the pause; our bookkeeping already counts it
        this.running = false;
      }
      this.releaseEvents();
      if (this.stepping) {
        this.clearTf(this.stepping.vcpu);
        this.stepping = undefined;
      }
      this.releaseVcpus();
      if (this.debugging) {
        this.shim.setDebugging(this.handle, false);
        this.debugging = false;
      }
      if (opts.leavePaused) {
        if (this.heldPauses === 0) this.heldPauses += this.shim.pause(this.handle) === 0 ? 1 : 0;
        while (this.heldPauses > 1 && this.shim.unpause(this.handle) === 0) this.heldPauses--;
      } else {
        while (this.heldPauses > 0 && this.shim.unpause(this.handle) === 0) this.heldPauses--;
      }
    } finally {
      this.close();
    }
  }

  /** Killing a Xen domain from a debugger is too drastic: kill detaches and lets it run. */
  async kill(): Promise<void> {
    await this.detach({});
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.upcalls?.release(); // a way out in the middle of a step: the guest must get its events again (best effort here)
    this.shim.close(this.handle);
  }

  private check(rc: number, what: string): void {
    if (rc < 0) this.fail(rc, what);
  }

  private fail(rc: number, what: string): never {
    const text = this.shim.strerror(rc);
    if (isGone(rc)) throw new TargetGoneError(DOMAIN_DESTROYED, true);
    throw new Error(`Xen: ${what} failed: ${text}`);
  }
}

/** The shim's codes for a domain that no longer exists. */
function isGone(rc: number): boolean {
  return rc === DX_E.NODOMAIN || rc === -3 /* ESRCH */;
}
