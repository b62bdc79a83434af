// Resuming and stopping, once for every backend: planting sites for a strategy, stepping over them, spin polling.
import { x86_64 } from '../arch/arch.js';
import type { InstructionStepper } from '../arch/arch.js';
import { TargetGoneError, type StopEvent, type Target, type WatchKind } from '../target/contract.js';
import type { PatchTable } from './patches.js';
import { signalDescription, SignalTable } from './signals.js';
import type { BreakpointStrategy } from './strategy.js';

/** What happened, refined from the backend's report. */
export type RawStop =
  | { kind: 'site'; vcpu: number; address: bigint } // a breakpoint site was reached (pc already at the site)
  | { kind: 'stepped'; vcpu: number; unmoved?: boolean } // unmoved: the target reported a queued int3 hit instead of stepping
  | { kind: 'signal'; vcpu: number; signal: number; name: string }
  | { kind: 'interrupted'; vcpu: number }
  // Forks are handled inside run control (followFork), never returned from it.
  | { kind: 'forked'; vcpu: number; child: number; vfork?: boolean }
  | { kind: 'vfork-done'; vcpu: number }
  | { kind: 'watch'; vcpu: number; watch: WatchKind; address?: bigint } // a hardware watchpoint fired (core/watchpoints.ts decides whether it stops)
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number; name: string };

/** The owner of gdb's "step-resume breakpoint": where a signal handler returns to a step it interrupted. */
const HANDLER_RETURN = 'signal-return';

const POLL_FIRST_MS = 0.2;
const POLL_MAX_MS = 50;
/** How many stops a removed site is still recognised for (gdb retires its moribund locations the same way). */
const MORIBUND_STOPS = 64;

export class RunControl {
  /** Desired sites: address -> owners ("bp:3", "temp:finish", ...). */
  private readonly owners = new Map<bigint, Set<string>>();
  /**
   * Set by interrupt() and kept until the user-level command ends (clearInterrupt), so an interrupt
   * that lands while core is between internal stops (a false condition, a step-over) is not lost.
   */
  private userInterrupt = false;
  /** A signal the program stopped with, given back to it on the next resume of its vCPU if the table passes it then. */
  private pendingSignal: { vcpu: number; signal: number; name: string } | undefined;
  /** What the program's signals do (gdb's `handle` table), for this session. */
  readonly signals = new SignalTable();
  /** The table version the target was last told about (setPassSignals), -1 for never. */
  private passSignalsSent = -1;
  /**
   * Threads that stopped on a site (thread -> site) and have not been resumed since. Resuming all
   * would make them hit it again at once (the same breakpoint reported twice), so continueAll steps
   * each off first, as gdb steps every resumed thread over the breakpoint it stopped at. A thread
   * that was resumed and came back to a site is a new hit, not parked.
   */
  private readonly parked = new Map<number, bigint>();
  /**
   * Sites taken out of memory, with the stop count then. In all-stop mode gdbserver keeps the other
   * threads' breakpoint hits queued and reports them on later resumes, even after the breakpoint is
   * gone (it does not drop them on x86 Linux): such a late trap is recognised by its address and the
   * thread is put back on the instruction, as gdb does with its moribund locations.
   */
  private readonly moribund = new Map<bigint, number>();
  private stopCount = 0;

  constructor(
    readonly target: Target,
    readonly patches: PatchTable,
    readonly strategy: BreakpointStrategy,
    private readonly stepper: InstructionStepper,
    private readonly onInternalError: (message: string) => void = () => {},
    /** Console text for the user while the target runs on ("Program received signal ..." of a nostop signal). */
    private readonly onNotice: (text: string) => void = () => {},
  ) {}

  readonly isSite = (a: bigint): boolean => this.owners.has(a);

  addSite(address: bigint, owner: string): void {
    let s = this.owners.get(address);
    if (!s) this.owners.set(address, (s = new Set()));
    s.add(owner);
  }

  removeSite(address: bigint, owner: string): void {
    const s = this.owners.get(address);
    if (!s) return;
    s.delete(owner);
    if (!s.size) this.owners.delete(address);
  }

  /** Drops every site owned by owners starting with `prefix` (e.g. all temporaries). */
  removeOwnersWithPrefix(prefix: string): void {
    for (const [a, s] of this.owners) {
      for (const o of [...s]) if (o.startsWith(prefix)) s.delete(o);
      if (!s.size) this.owners.delete(a);
    }
  }

  ownersAt(address: bigint): ReadonlySet<string> {
    return this.owners.get(address) ?? new Set();
  }

  /** Can the current strategy plant at this address? (spin needs an instruction of 2+ bytes) */
  async canPlant(address: bigint, read: (a: bigint, n: number) => Promise<Uint8Array> = (a, n) => this.patches.read(a, n)): Promise<boolean> {
    if (this.strategy.fits(1)) return true;
    return this.strategy.fits(await this.stepper.lengthAt(address, read));
  }

  /**
   * Makes target memory match the desired sites, leaving out `except`. Step temporaries win a
   * conflict with an overlapping site (a 2-byte spin on a 1-byte instruction next to another).
   */
  async sync(except?: bigint): Promise<void> {
    // A spin site over a one-byte instruction also covers the next one: a vCPU there needs it lifted too.
    const lifted = except === undefined ? undefined : this.siteCovering(except) ?? except;
    for (const p of [...this.patches.addresses()]) {
      if (!this.owners.has(p) || p === except || p === lifted) {
        await this.patches.revert(p);
        this.moribund.set(p, this.stopCount);
      }
    }
    const isTemp = (a: bigint) => [...this.ownersAt(a)].some((o) => o.startsWith('temp:'));
    const wanted = [...this.owners.keys()].filter((a) => a !== except && a !== lifted).sort((x, y) => Number(isTemp(y)) - Number(isTemp(x)));
    for (const a of wanted) {
      if (this.patches.has(a)) continue;
      const clash = this.patches.conflicts(a, this.strategy.bytes.length);
      if (clash) {
        if (!isTemp(a) || isTemp(clash.address)) continue;
        await this.patches.revert(clash.address);
      }
      await this.patches.apply(a, this.strategy.bytes, this.plantedByTarget);
    }
    this.handOverSpinSites();
  }

  /** The site whose patch covers `pc` without starting there (a spin site on the one-byte instruction before it). */
  siteCovering(pc: bigint): bigint | undefined {
    for (let a = pc - BigInt(this.strategy.bytes.length) + 1n; a < pc; a++) {
      if (this.owners.has(a) || this.patches.has(a)) return a;
    }
    return undefined;
  }

  /** Trap breakpoints the target plants itself (Z0); spin sites are always bytes in memory. */
  private get plantedByTarget(): boolean {
    return this.strategy.name === 'trap' && this.target.capabilities.breakpoints === 'target';
  }

  /** Tells a backend that watches spin sites itself (Xen) where they are now. */
  private handOverSpinSites(): void {
    if (this.strategy.name === 'spin') this.target.setSpinSites?.([...this.patches.addresses()]);
  }

  /** Removes every patch (used before detach and on every way out). */
  async removeAll(): Promise<bigint[]> {
    const failed = await this.patches.revertAll();
    this.handOverSpinSites();
    return failed;
  }

  /** Called when a user-level command starts: forget an interrupt aimed at the previous one. */
  clearInterrupt(): void {
    this.userInterrupt = false;
  }

  /** Ask a running target to stop (Ctrl-C, F12). */
  async interrupt(): Promise<void> {
    this.userInterrupt = true;
    await this.target.interrupt();
  }

  /**
   * Executes exactly one instruction on `vcpu` (others stay stopped), stepping off any site at pc.
   * Used by stepi and by the stepping algorithms.
   */
  async stepInstruction(vcpu: number): Promise<RawStop> {
    // A hardware step needs the pc alone (the stop reply's): no full register read.
    if (this.strategy.name === 'trap' && this.target.capabilities.hardwareStep) return this.hardwareStepFrom(vcpu, await this.pcOf(vcpu));
    const regs = await this.target.readRegisters(vcpu);
    const pc = regs.get(x86_64.pcRegister)!;
    const plan = await this.stepper.plan(regs, (a, n) => this.patches.read(a, n));
    if (!plan) throw new Error(`cannot predict where the instruction at 0x${pc.toString(16)} goes; stepping it is not possible with spin breakpoints`);
    if ('emulate' in plan) {
      for (const w of plan.emulate.memoryWrites) await this.patches.write(w.address, w.bytes);
      await this.target.writeRegisters(vcpu, plan.emulate.registers);
      return { kind: 'stepped', vcpu };
    }
    const temps = plan.successors.filter((a) => !this.owners.has(a));
    for (const a of temps) this.addSite(a, 'temp:stepi');
    let releaseEvents: (() => Promise<void>) | undefined;
    let failed = false;
    try {
      await this.sync(pc);
      // An interrupt handler must not run into the temporaries (see Target.holdEvents).
      if (this.strategy.name === 'spin') releaseEvents = await this.target.holdEvents?.(vcpu, plan.data);
      const stop = await this.resumeAndWait({ only: vcpu });
      if (stop.kind === 'site' && stop.vcpu === vcpu && plan.successors.includes(stop.address)) {
        const own = this.ownersAt(stop.address);
        // Only our step temporaries here: the step simply completed.
        if ([...own].every((o) => o === 'temp:stepi')) return { kind: 'stepped', vcpu };
      }
      return stop;
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      for (const a of temps) this.removeSite(a, 'temp:stepi');
      // The step's own failure (a destroyed domain) is the one to report, not the release's that follows from it.
      await releaseEvents?.().catch((e: unknown) => {
        if (!failed) throw e;
      });
    }
  }

  /**
   * One hardware step of `vcpu` from `pc`, the site there lifted. gdbserver may answer it with a
   * breakpoint hit of this thread that it queued earlier (all-stop mode) instead of stepping: the
   * thread has not moved. With swbreak the report says so; without, rip says pc + 1 and is rewound
   * (after a one-byte instruction a real step looks the same: left as it is). The step is made again.
   */
  private async hardwareStepFrom(vcpu: number, pc: bigint): Promise<RawStop> {
    await this.sync(pc);
    const first = await this.resumeAndWait({ step: vcpu, only: vcpu });
    if (first.kind === 'stepped' && first.unmoved) return this.resumeAndWait({ step: vcpu, only: vcpu });
    if (first.kind !== 'stepped' || this.target.capabilities.trapPc !== 'after-int3') return first;
    if ((await this.pcOf(vcpu)) !== pc + 1n || (await this.stepper.lengthAt(pc, (a, n) => this.patches.read(a, n))) <= 1) return first;
    await this.target.writeRegisters(vcpu, new Map([[x86_64.pcRegister, pc]]));
    return this.resumeAndWait({ step: vcpu, only: vcpu });
  }

  /** Resume all vCPUs (stepping off a site under `vcpu`'s pc first) and wait for the next stop. */
  async continueAll(vcpu: number): Promise<RawStop> {
    for (const v of [vcpu, ...[...this.parked.keys()].filter((p) => p !== vcpu)]) {
      // A parked thread that is gone (exited, a new process) has nothing to step off.
      const pc = v === vcpu ? await this.pcOf(v) : await this.pcOf(v).catch((e: unknown) => {
        if (e instanceof TargetGoneError) throw e;
        return undefined;
      });
      const parkedAt = this.parked.get(v);
      this.parked.delete(v);
      if (v !== vcpu && pc !== parkedAt) continue;
      // Off the site, and out of a patch's second byte (a one-byte instruction emulated at a spin site leaves pc there).
      if (pc === undefined) continue;
      let at = pc;
      if (this.owners.has(at) || this.patches.has(at) || this.siteCovering(at) !== undefined) {
        let covered: boolean;
        do {
          const s = await this.stepInstruction(v);
          if (s.kind !== 'stepped') return s;
          at = await this.pcOf(v);
          covered = this.siteCovering(at) !== undefined;
          // A site in the covered byte is hit there, as it would be had its own patch been reached.
          if (covered && this.owners.has(at)) return this.park({ kind: 'site', vcpu: v, address: at });
        } while (covered);
      }
    }
    await this.sync();
    return this.resumeAndWait({});
  }

  /** A new process: no thread of the old one is parked on a site or has a hit queued. */
  forgetThreads(): void {
    this.parked.clear();
    this.moribund.clear();
  }

  /** The signal the program stopped with, delivered when its vCPU next resumes if the table then passes it (set after every stop). */
  setPendingSignal(signal: { vcpu: number; signal: number; name: string } | undefined): void {
    this.pendingSignal = signal;
  }

  /**
   * Resume (all or one vCPU, optionally a hardware step) and wait, turning the backend's report into a
   * RawStop. Signals the table says not to stop for are handled here, as gdb's infrun does: said when
   * they print, given to the program when they pass, and the resume goes on; one that comes in while a
   * thread is stepped has its handler run at full speed first (runHandler).
   */
  async resumeAndWait(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }): Promise<RawStop> {
    const pending = this.pendingSignal;
    const resumed = opts.step ?? opts.only;
    let signal: number | undefined;
    if (resumed === undefined) this.parked.clear();
    else this.parked.delete(resumed);
    if (pending && (resumed === undefined || resumed === pending.vcpu)) {
      this.pendingSignal = undefined;
      if (this.signals.of(pending.name).pass) signal = pending.signal;
    }
    for (;;) {
      if (this.userInterrupt) {
        const vcpu = opts.step ?? opts.only ?? (await this.target.listVcpus())[0]?.id ?? 0;
        return { kind: 'interrupted', vcpu };
      }
      const raw = await this.resumeOnce(opts, signal);
      signal = undefined;
      if (await this.followFork(raw, opts)) continue;
      if (raw.kind !== 'signal') return raw;
      const deliver = this.quietSignal(raw);
      if (deliver === 'stop') return raw;
      if (deliver === undefined) continue;
      if (opts.step === undefined) {
        signal = raw.signal; // a continue: the signal goes to the thread that got it, the one that reported
        continue;
      }
      if (raw.vcpu !== opts.step) {
        // Another thread's signal while this one steps: it gets it when it next runs.
        this.pendingSignal = { vcpu: raw.vcpu, signal: raw.signal, name: raw.name };
        continue;
      }
      const pc = await this.pcOf(raw.vcpu);
      const ended = await this.runHandler(raw.vcpu, raw.signal, opts.only);
      if (ended) return ended;
      // Back where the signal came in: the step starts again, with the site under pc lifted for a single step.
      await this.sync(opts.range ? undefined : pc);
    }
  }

  /**
   * A signal stop, by the table: 'stop' when it stops the program; otherwise it is said when it prints
   * (gdb's words, and the program runs on) and the result is the signal to give the program, or
   * undefined when it is not passed.
   */
  private quietSignal(raw: Extract<RawStop, { kind: 'signal' }>): 'stop' | number | undefined {
    const h = this.signals.of(raw.name);
    if (h.stop) return 'stop';
    if (h.print) this.onNotice(`\nProgram received signal ${raw.name}, ${signalDescription(raw.name)}.\n`);
    return h.pass ? raw.signal : undefined;
  }

  private async resumeOnce(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }, signal: number | undefined): Promise<RawStop> {
    await this.tellPassSignals();
    await this.target.resume(signal === undefined ? opts : { ...opts, signal });
    if (this.strategy.name === 'spin' && opts.step === undefined) return this.pollSpin(opts);
    return this.refine(await this.target.waitForStop(), opts.step === undefined ? false : opts.range ? 'range' : 'single');
  }

  /** Tells the target which signals it may deliver without stopping, when the table changed since it was last told. */
  private async tellPassSignals(): Promise<void> {
    if (!this.target.setPassSignals || this.passSignalsSent === this.signals.version) return;
    await this.target.setPassSignals(this.signals.passedSilently());
    this.passSignalsSent = this.signals.version;
  }

  /**
   * gdb's step-resume breakpoint (infrun.c, "the inferior is about to take a signal that will take it
   * out of the single step range"): `vcpu` got a passed signal while being stepped. Stepping into the
   * handler is not what the user asked for, so a breakpoint goes where the handler returns (the pc
   * now, at this stack pointer), the program continues with the signal, and the step resumes when
   * it is back. Undefined when back; otherwise the stop that came first (a breakpoint in the handler,
   * a stopping signal, the end of the program).
   */
  private async runHandler(vcpu: number, signal: number, only: number | undefined): Promise<RawStop | undefined> {
    const pc = await this.pcOf(vcpu);
    const sp = await this.spOf(vcpu);
    this.addSite(pc, HANDLER_RETURN);
    try {
      let sig: number | undefined = signal;
      for (;;) {
        if (this.userInterrupt) return { kind: 'interrupted', vcpu };
        await this.sync();
        const raw = await this.resumeOnce(only === undefined ? {} : { only }, sig);
        sig = undefined;
        if (await this.followFork(raw, {})) continue;
        if (raw.kind === 'site' && raw.vcpu === vcpu && raw.address === pc) {
          if ((await this.spOf(vcpu)) === sp) return undefined;
          // The handler reached the same pc deeper in the stack (recursion): not back yet.
          const off = await this.stepInstruction(vcpu);
          if (off.kind !== 'stepped') return off;
          continue;
        }
        if (raw.kind === 'signal') {
          const deliver = this.quietSignal(raw);
          if (deliver === 'stop') return raw;
          sig = deliver;
          continue;
        }
        return raw;
      }
    } finally {
      this.removeSite(pc, HANDLER_RETURN);
    }
  }

  /**
   * gdb's default follow-fork-mode parent, detach-on-fork on. A fork child gets the original bytes
   * under our breakpoints (it has a copy of the parent's memory, int3s included) and runs free. A vfork
   * child shares the parent's memory until it execs or exits: our bytes come out of it (the parent is
   * blocked in vfork meanwhile, so nothing is missed) and go back at vfork-done. True when `raw` was one
   * of these and the resume just goes on.
   */
  private async followFork(raw: RawStop, opts: { step?: number; range?: unknown }): Promise<boolean> {
    if (raw.kind === 'vfork-done') {
      await this.sync(opts.step !== undefined && !opts.range ? await this.pcOf(opts.step) : undefined);
      return true;
    }
    if (raw.kind !== 'forked') return false;
    if (!this.target.detachFork) throw new Error('the target reported a fork but cannot detach the child');
    const memory = [...this.patches.addresses()].map((a) => this.patches.get(a)!).filter((p) => !p.byTarget);
    if (raw.vfork) for (const p of memory) await this.patches.revert(p.address);
    await this.target.detachFork(raw.child, raw.vfork ? [] : memory.map((p) => ({ address: p.address, bytes: p.original })));
    this.onNotice(`[Detaching after ${raw.vfork ? 'vfork' : 'fork'} from child process ${raw.child}]\n`);
    return true;
  }

  private async spOf(vcpu: number): Promise<bigint | undefined> {
    const t = this.target;
    return t.readRegister ? t.readRegister(vcpu, x86_64.spRegister) : (await t.readRegisters(vcpu)).get(x86_64.spRegister);
  }

  /** The vCPU's pc, from the stop report when the backend kept it (no full register read). */
  async pcOf(vcpu: number): Promise<bigint> {
    const t = this.target;
    const pc = t.readRegister ? await t.readRegister(vcpu, x86_64.pcRegister) : (await t.readRegisters(vcpu)).get(x86_64.pcRegister);
    if (pc === undefined) throw new Error(`vCPU ${vcpu} has no rip`);
    return pc;
  }

  /** Can whole source lines be stepped in one request (trap strategy on a stub with vCont;r)? */
  get canRangeStep(): boolean {
    return this.strategy.name === 'trap' && this.target.capabilities.hardwareStep && this.target.capabilities.rangeStep;
  }

  /** Steps `vcpu` (others stopped) until its pc leaves [start, end), a site fires or a signal arrives. */
  async rangeStep(vcpu: number, start: bigint, end: bigint): Promise<RawStop> {
    const pc = await this.pcOf(vcpu);
    if (!this.owners.has(pc) && !this.patches.has(pc)) {
      await this.sync();
      return this.resumeAndWait({ step: vcpu, only: vcpu, range: { start, end } });
    }
    const first = await this.hardwareStepFrom(vcpu, pc);
    if (first.kind !== 'stepped') return first;
    const now = await this.pcOf(vcpu);
    if (now < start || now >= end) return first;
    // The site under the old pc is back in place; the rest of the line runs in one request.
    await this.sync();
    return this.resumeAndWait({ step: vcpu, only: vcpu, range: { start, end } });
  }

  /**
   * `stepping`: 'single' (one instruction, which cannot have been one of our int3s: the site under pc
   * is lifted for the step), 'range' (many instructions: an int3 may have fired) or false.
   */
  private async refine(ev: StopEvent, stepping: false | 'single' | 'range'): Promise<RawStop> {
    const r = ev.reason;
    const vcpu = ev.vcpu ?? 0;
    this.stopCount++;
    switch (r.kind) {
      case 'exited': return { kind: 'exited', code: r.code };
      case 'killed': return { kind: 'killed', signal: r.signal, name: r.name };
      case 'interrupted': return { kind: 'interrupted', vcpu };
      case 'spin': return this.park({ kind: 'site', vcpu, address: r.address });
      case 'forked': return { kind: 'forked', vcpu, child: r.child, ...(r.vfork ? { vfork: true } : {}) };
      case 'vfork-done': return { kind: 'vfork-done', vcpu };
      case 'watchpoint': return { kind: 'watch', vcpu, watch: r.watch, ...(r.address !== undefined ? { address: r.address } : {}) };
      case 'signal':
        if (this.userInterrupt && (r.signal === 2 || r.signal === 0)) return { kind: 'interrupted', vcpu };
        return { kind: 'signal', vcpu, signal: r.signal, name: r.name };
      case 'trap': {
        if (r.swbreak) return this.refineSwbreak(vcpu, stepping);
        if (stepping === 'single') return { kind: 'stepped', vcpu };
        const pc = await this.pcOf(vcpu);
        const hit = this.strategy.hitAddress(pc, (a) => this.isTrapSite(a), this.target.capabilities.trapPc);
        if (hit !== undefined) {
          if (hit !== pc) await this.target.writeRegisters(vcpu, new Map([[x86_64.pcRegister, hit]]));
          return this.park({ kind: 'site', vcpu, address: hit });
        }
        if (stepping) return { kind: 'stepped', vcpu };
        return { kind: 'signal', vcpu, signal: 5, name: 'SIGTRAP' };
      }
    }
  }

  private isTrapSite(a: bigint): boolean {
    return this.strategy.name === 'trap' && (this.patches.has(a) || this.removedLately(a));
  }

  /**
   * An int3 trap the target reports with pc already back on it (gdb-remote swbreak), taken as gdb's
   * handle_signal_stop takes it: the program's own int3 gets pc after it, where the program would see it
   * without a debugger, and is a SIGTRAP; anything else is our site, or one taken out since (a hit reported
   * late: the thread runs the original instruction when resumed). Under a single-step the thread has not
   * moved (a hit gdbserver had queued): `unmoved` makes hardwareStepFrom step again.
   */
  private async refineSwbreak(vcpu: number, stepping: false | 'single' | 'range'): Promise<RawStop> {
    const pc = await this.pcOf(vcpu);
    const programInt3 = !this.patches.has(pc) && (await this.patches.read(pc, 1).catch(() => undefined))?.[0] === x86_64.breakpointInstruction[0];
    if (programInt3) {
      await this.target.writeRegisters(vcpu, new Map([[x86_64.pcRegister, pc + 1n]]));
      if (stepping) return { kind: 'stepped', vcpu };
      return { kind: 'signal', vcpu, signal: 5, name: 'SIGTRAP' };
    }
    if (stepping === 'single') return { kind: 'stepped', vcpu, unmoved: true };
    // A late report in the middle of a range step: the step goes on from here, as after any other trap.
    if (stepping && !this.isTrapSite(pc)) return { kind: 'stepped', vcpu };
    return this.park({ kind: 'site', vcpu, address: pc });
  }

  /**
   * Spin strategy: nothing reports the hit, so look. Backends that can read registers of a
   * running vCPU (Xen) are sampled; others (gdb-remote) are interrupted, read and resumed.
   * The interval starts sub-millisecond and backs off while the target runs long.
   */
  private async pollSpin(opts: { only?: number }): Promise<RawStop> {
    let interval = POLL_FIRST_MS;
    let wait = this.target.waitForStop();
    const online = async (): Promise<number[]> => (await this.target.listVcpus()).filter((v) => v.online).map((v) => v.id);
    let vcpus = opts.only !== undefined ? [opts.only] : await online();
    for (;;) {
      const ev = await Promise.race([wait, sleep(interval).then(() => undefined)]);
      if (ev) return this.refine(ev, false);
      interval = Math.min(interval * 2, POLL_MAX_MS);
      // Sampled while running, a vCPU on a site may leave it before the interrupt takes (an event's handler
      // runs from there): only the look after the interrupt decides.
      if (this.target.capabilities.spinPoll === 'read-while-running' && !(await this.spinnerAt(vcpus))) continue;
      await this.target.interrupt();
      const stopped = await wait;
      const r = stopped.reason;
      const ours = r.kind === 'interrupted' || (r.kind === 'signal' && (r.signal === 2 || r.signal === 0));
      if (!ours) return this.refine(stopped, false);
      // Threads come and go while a process runs: look at the ones there are now.
      if (opts.only === undefined) vcpus = await online();
      const hit = await this.findSpinner(vcpus);
      if (hit) return hit;
      if (this.userInterrupt) return { kind: 'interrupted', vcpu: stopped.vcpu ?? vcpus[0] ?? 0 };
      await this.target.resume(opts);
      wait = this.target.waitForStop();
    }
  }

  private async findSpinner(vcpus: number[]): Promise<RawStop | undefined> {
    const at = await this.spinnerAt(vcpus);
    return at && this.park({ kind: 'site', ...at });
  }

  /** The first of `vcpus` whose pc is on a site. */
  private async spinnerAt(vcpus: number[]): Promise<{ vcpu: number; address: bigint } | undefined> {
    for (const v of vcpus) {
      let pc: bigint | undefined;
      try {
        pc = (await this.target.readRegisters(v)).get(x86_64.pcRegister);
      } catch (e) {
        // A target that is gone ends the command (the session reports it once); anything else is ours.
        if (e instanceof TargetGoneError) throw e;
        this.onInternalError(`reading vCPU ${v}: ${(e as Error).message}`);
        continue;
      }
      if (pc !== undefined && this.patches.has(pc)) return { vcpu: v, address: pc };
    }
    return undefined;
  }

  /** Was a site at `a` taken out of memory within the last MORIBUND_STOPS stops? */
  private removedLately(a: bigint): boolean {
    for (const [addr, at] of this.moribund) if (this.stopCount - at > MORIBUND_STOPS) this.moribund.delete(addr);
    return this.moribund.has(a) && !this.patches.has(a);
  }

  private park(stop: RawStop & { kind: 'site' }): RawStop {
    this.parked.set(stop.vcpu, stop.address);
    return stop;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
