// The Session's execution layer: runs one execution command at a time, reports its stop, and keeps the user's breakpoints.
import { UserError } from '../util/errors.js';
import { TargetGoneError } from '../target/contract.js';
import type { BreakpointInfo, CodeLocation, StopCause, StopInfo } from './api.js';
import type { Breakpoint } from './breakpoints.js';
import type { RawStop } from './run-control.js';
import { resolveLocationSpec } from './locations.js';
import { SessionQueries } from './session-queries.js';
import { secondByteReachable } from './spin-one-byte.js';
import { signalDescription, type SignalTable } from './signals.js';
import { Watchpoints } from './watchpoints.js';

/** The second layer of Session (see session.ts): execution commands and breakpoints. */
export class SessionExecution extends SessionQueries {
  private busy = false;
  /** The error that ended the session when the target went away (announced once). */
  private goneError: TargetGoneError | undefined;
  private settled: Promise<void> = Promise.resolve();
  /**
   * Set when the target's memory does not hold the loaded image (core/image-check.ts): breakpoints
   * would land mid-instruction, so none is planted until the user forces it (allowImageMismatch).
   */
  imageMismatch: string | undefined;
  private allowImageMismatch = false;
  /** No execution command may start any more (a detach or quit is under way). */
  closing = false;
  /** Hardware watchpoints (numbered with the breakpoints, which hold their user-visible part). */
  readonly watchpoints = new Watchpoints({
    target: this.target,
    run: this.run,
    breakpoints: this.breakpoints,
    readMemory: (a, n) => this.readMemory(a, n),
    triggers: (bp, vcpu) => this.hitTriggers(bp, vcpu),
  });

  /** Runs one execution command: marks running, does it, reports the stop (or exit). */
  async execute(what: (vcpu: number) => Promise<{ raw: RawStop; cause?: StopCause }>): Promise<StopInfo | undefined> {
    this.requireExecutable();
    this.requireStopped();
    if (this.closing) throw new UserError('The debugger is detaching.');
    if (this.busy) throw new UserError('Another command is still running.');
    this.busy = true;
    try {
      await this.watchpoints.sync(); // a refused watchpoint aborts the command before anything runs
    } catch (e) {
      this.busy = false;
      if (e instanceof TargetGoneError) this.noteTargetGone(e);
      throw e;
    }
    this.run.clearInterrupt();
    this.state = 'running';
    let settle!: () => void;
    this.settled = new Promise<void>((r) => (settle = r));
    this.frameCache = undefined;
    this.inlineStop = undefined;
    this.hitBlocks = undefined;
    this.selectedFrame = 0;
    this.emit({ type: 'running', vcpu: this.vcpu });
    const selected = this.vcpu;
    try {
      const { raw, cause } = await what(this.vcpu);
      return await this.report(raw, cause, selected);
    } catch (e) {
      if (e instanceof TargetGoneError) this.noteTargetGone(e);
      else if (this.state === 'running') this.state = 'stopped';
      throw e;
    } finally {
      this.busy = false;
      settle();
    }
  }

  /** Resolves when no execution command is in flight (what a clean detach must wait for). */
  idle(): Promise<void> {
    return this.busy ? this.settled : Promise.resolve();
  }

  /**
   * The target went away (connection lost, stub broke the protocol, domain destroyed): the session
   * ends as if the program had exited, with the reason in gdb's words as the exit text (status bar,
   * command log), once. Returns what the caller should still print: nothing when this call (or an
   * earlier one, for the same error) announced it, the message when the program had already ended.
   */
  noteTargetGone(e: TargetGoneError): string | undefined {
    if (e === this.goneError) return undefined;
    if (this.state === 'exited' || this.state === 'detached') return e.message;
    this.goneError = e;
    this.state = 'exited';
    this.lastStop = undefined;
    this.frameCache = undefined;
    this.run.setPendingSignal(undefined);
    this.watchpoints.processGone();
    // Nothing is left to write the originals back to. A program that outlives the connection (a stub
    // that attached to it) keeps these bytes: say so rather than let it die of a SIGTRAP unexplained.
    const user = this.breakpoints.addresses();
    // The user's breakpoints first, then ours (the dynamic linker's event breakpoint).
    const stranded = e.memoryGone ? [] : [...this.patches.addresses()].filter((a) => !this.patches.get(a)?.byTarget)
      .sort((a, b) => Number(user.has(b)) - Number(user.has(a)));
    this.patches.forgetAll();
    const warning = stranded.length
      ? `\nwarning: ${stranded.length} patched location(s) could not be restored before the target was lost: ${stranded.map((a) => `0x${a.toString(16)}`).join(', ')}`
      : '';
    this.emit({ type: 'exited', text: e.message + warning });
    return undefined;
  }

  /** `selected`: the thread selected when the command started (gdb says "[Switching to ...]" when the stop is elsewhere). */
  private async report(raw: RawStop, cause: StopCause | undefined, selected: number): Promise<StopInfo | undefined> {
    this.run.removeOwnersWithPrefix('temp:');
    this.run.setPendingSignal(raw.kind === 'signal' ? { vcpu: raw.vcpu, signal: raw.signal, name: raw.name } : undefined);
    if (raw.kind === 'exited' || raw.kind === 'killed') {
      this.state = 'exited';
      this.lastStop = undefined;
      await this.run.removeAll().catch(() => []);
      this.watchpoints.processGone();
      const who = `[Inferior 1 (process ${this.pid ?? '?'})`;
      const text = raw.kind === 'exited'
        ? raw.code === 0 ? `${who} exited normally]` : `${who} exited with code ${raw.code.toString(8).padStart(2, '0')}]`
        : `\nProgram terminated with signal ${raw.name}, ${signalDescription(raw.name)}.\nThe program no longer exists.`;
      this.emit(raw.kind === 'exited' ? { type: 'exited', code: raw.code, text } : { type: 'exited', signal: raw.name, text });
      return undefined;
    }
    this.state = 'stopped';
    this.vcpu = raw.vcpu;
    if (this.closing) {
      // The interrupt of a shutdown: nobody will read a report, and the restore must not wait for frames and symbols.
      const stop: StopInfo = { vcpu: raw.vcpu, cause: cause ?? { kind: 'interrupted' }, location: { address: await this.run.pcOf(raw.vcpu) } };
      this.lastStop = stop;
      return stop;
    }
    await this.refreshLibraries();
    let c: StopCause;
    if (cause) c = cause;
    else if (raw.kind === 'signal') c = { kind: 'signal', signal: raw.name, description: signalDescription(raw.name) };
    else if (raw.kind === 'interrupted') c = { kind: 'interrupted' };
    else if (raw.kind === 'watch') c = { kind: 'step' }; // a watchpoint hit that stops always comes with its cause
    else if (raw.kind === 'site') {
      const hit = this.breakpoints.at(raw.address)[0];
      c = hit ? { kind: 'breakpoint', breakpoint: hit.id } : { kind: 'step' };
    } else c = { kind: 'step' };
    // Frame 0 as gdb shows it: an inlined call starting at the pc may be hidden (then the stop is at its call site).
    const top = await this.topFrameForReport().catch(() => undefined);
    // Otherwise the pc's own place, where a trampoline without CFI is known by its code.
    const location = top && (top.inlined || top.callee) ? this.frameLocation(top) : await this.locationOfPc(raw.vcpu);
    const stop: StopInfo = { vcpu: raw.vcpu, cause: c, location };
    await this.noteThreadsAtStop(stop, selected);
    this.lastStop = stop;
    this.emit({ type: 'stopped', stop });
    return stop;
  }

  /**
   * gdb reads the thread list at every stop it reports: threads seen for the first time are
   * announced ("[New Thread ...]"), and once the process has had two threads the report names the
   * thread. A target whose list cannot be read leaves the report as it is.
   */
  private async noteThreadsAtStop(stop: StopInfo, selected: number): Promise<void> {
    const fresh = await this.refreshThreads(stop.vcpu).catch((e: unknown) => {
      if (e instanceof TargetGoneError) throw e;
      return [];
    });
    if (fresh.length) stop.newThreads = fresh.map((v) => v.name);
    const thread = this.stopThread(stop.vcpu);
    if (thread) stop.thread = thread;
    if (stop.vcpu !== selected) stop.switched = true;
  }

  /**
   * At a site stop of thread `vcpu`: does a user breakpoint there trigger (condition true, ignore
   * count used up)? Conditions are evaluated in that thread's frames, as gdb does. Updates hit
   * counts and deletes a temporary breakpoint that fired.
   */
  async userBreakpointTriggers(address: bigint, vcpu: number = this.vcpu): Promise<Breakpoint | undefined> {
    if (address === this.images.eventAddress) await this.libraryEvent();
    let fired: Breakpoint | undefined;
    const here = this.breakpoints.at(address);
    this.hitBlocks = { vcpu, address, blocks: here.flatMap((b) => b.locations.filter((l) => l.address === address).map((l) => l.symbolBlock)) };
    this.inlineStop = undefined;
    for (const bp of here) {
      if (await this.hitTriggers(bp, vcpu)) fired ??= bp;
    }
    if (fired?.temporary) await this.deleteBreakpoint(fired.id);
    else if (fired) this.emit({ type: 'breakpoints-changed' });
    return fired;
  }

  /**
   * A breakpoint or watchpoint was reached by thread `vcpu`: its condition (evaluated in that thread's
   * frames, as gdb does), then its hit count and ignore count (gdb's order).
   */
  private async hitTriggers(bp: Breakpoint, vcpu: number): Promise<boolean> {
    if (bp.condition) {
      let ok = false;
      try {
        this.atInternalStop = true;
        this.frameCache = undefined;
        const condition = bp.condition;
        const evaluation = this.evaluation;
        ok = evaluation ? await this.withThread(vcpu, () => evaluation.conditionHolds(condition)) : true;
      } catch (e) {
        this.emit({ type: 'error', message: `Error in testing condition for breakpoint ${bp.id}:\n${(e as Error).message}` });
        ok = true; // gdb stops when a condition cannot be evaluated
      } finally {
        this.atInternalStop = false;
        this.frameCache = undefined;
      }
      if (!ok) return false;
    }
    bp.hits++;
    if (bp.ignoreCount > 0) {
      bp.ignoreCount--;
      return false;
    }
    return true;
  }

  /** What the program's signals do (gdb's `handle` table); changes reach the target before it next runs. */
  get signals(): SignalTable {
    return this.run.signals;
  }

  // ---- breakpoints -------------------------------------------------------------------------

  /** gdb's `set exec-file-mismatch off`: plant breakpoints even though the image differs from the target's. */
  setImageMismatchAllowed(allowed: boolean): void {
    this.allowImageMismatch = allowed;
  }

  /**
   * A new breakpoint. For a function not defined yet (a library may bring it), `pending` is asked whether to
   * make it pending (gdb's `set breakpoint pending auto`); declined, no breakpoint is made (undefined).
   */
  async addBreakpoint(spec: string, opts: { temporary?: boolean; condition?: string; pending: () => Promise<boolean> }): Promise<Breakpoint | undefined>;
  async addBreakpoint(spec: string, opts?: { temporary?: boolean; condition?: string }): Promise<Breakpoint>;
  async addBreakpoint(spec: string, opts: { temporary?: boolean; condition?: string; pending?: () => Promise<boolean> } = {}): Promise<Breakpoint | undefined> {
    if (this.imageMismatch && !this.allowImageMismatch) {
      throw new UserError(`Not planting a breakpoint: ${this.imageMismatch}; "set exec-file-mismatch off" plants it anyway.`);
    }
    const locations = await this.resolveOrPending(spec, opts.pending);
    if (!locations) return undefined;
    for (const l of locations) {
      if (await this.run.canPlant(l.address, (a, n) => this.codeBytes(a, n))) continue;
      const why = this.state === 'stopped'
        ? await secondByteReachable(l.address, this.programAt(l.address), this.target, (a, n) => this.readMemory(a, n))
        : 'the program runs: nothing can be checked';
      if (why) throw new UserError(`Cannot insert a ${this.strategy} breakpoint at 0x${l.address.toString(16)}: the instruction there is one byte long and ${why}.`);
    }
    const bp = this.breakpoints.create(spec, locations, opts);
    this.syncBreakpointSites();
    this.emit({ type: 'breakpoints-changed' });
    return bp;
  }

  async deleteBreakpoint(id: number): Promise<void> {
    this.breakpoints.remove(id);
    this.syncBreakpointSites();
    this.emit({ type: 'breakpoints-changed' });
  }

  setBreakpointEnabled(id: number, enabled: boolean): void {
    this.breakpoints.get(id).enabled = enabled;
    this.syncBreakpointSites();
    this.emit({ type: 'breakpoints-changed' });
  }

  setCondition(id: number, condition: string | undefined): void {
    const bp = this.breakpoints.get(id);
    if (condition) bp.condition = condition;
    else delete bp.condition;
    this.emit({ type: 'breakpoints-changed' });
  }

  setIgnoreCount(id: number, count: number): void {
    this.breakpoints.get(id).ignoreCount = count;
    this.emit({ type: 'breakpoints-changed' });
  }

  breakpointList(): BreakpointInfo[] {
    return this.breakpoints.info();
  }

  /**
   * A breakpoint's locations; none (a pending breakpoint, gdb's `set breakpoint pending on`) when the
   * function is not defined yet but shared libraries may still bring it.
   */
  private async resolveOrPending(spec: string, ask?: () => Promise<boolean>): Promise<CodeLocation[] | undefined> {
    try {
      return await resolveLocationSpec(this, spec);
    } catch (e) {
      if (!(e instanceof UserError) || !this.images.followed || !/^Function ".*" not defined\.$/.test(e.message)) throw e;
      this.emit({ type: 'error', message: e.message });
      return !ask || (await ask()) ? [] : undefined;
    }
  }

  // ---- images ------------------------------------------------------------------------------

  /**
   * A new process (attach, run): the main program's load bias and the libraries from the target, the
   * library event site, and breakpoints placed again when the program moved (gdb re-reads linespecs).
   */
  protected async followImages(): Promise<void> {
    await this.images.attach();
    // A new process has only the libraries loaded so far: every breakpoint is placed again (one in a library
    // not loaded yet falls back to its PLT stub or becomes pending), as gdb does on `run`.
    await this.placeBreakpoints(() => true);
    this.armLibraryEvents();
  }

  /** gdb's `set sysroot PATH`: the libraries are read again from there (a live process's list is asked again). */
  async setSysroot(path: string): Promise<void> {
    if (!this.images.followed || this.state !== 'stopped') {
      this.images.sysroot = path;
      return;
    }
    await this.images.setSysroot(path);
    this.armLibraryEvents();
    await this.placeBreakpoints((b) => b.locations.length === 0);
  }

  /** The dynamic linker changed its list: read it again, then give pending breakpoints their locations. */
  private async libraryEvent(): Promise<void> {
    const added = await this.images.refresh();
    this.armLibraryEvents();
    // gdb's breakpoint_re_set: every breakpoint is placed again (a puts@plt location becomes libc's puts).
    if (added.length) await this.placeBreakpoints(() => true);
  }

  /**
   * The dynamic linker's event breakpoint (r_brk) is planted whenever it is known, as gdb's shlib event
   * breakpoint is: the library list is read again only when the dynamic linker says it changed, never at a
   * stop that did not involve it (gdbserver computes the list by walking the link map: a round trip per stop).
   */
  /**
   * Where library events are caught: the trap strategy only. A spin site on the dynamic linker's tiny
   * r_brk (endbr64; ret) left the program dying after a detach while running (5 of 8 hang-up runs);
   * with spin the list is read again at the stops the user sees instead.
   */
  private libraryEventAddress(): bigint | undefined {
    return this.strategy === 'trap' ? this.images.eventAddress : undefined;
  }

  private armLibraryEvents(): void {
    this.run.removeOwnersWithPrefix('solib');
    const at = this.libraryEventAddress();
    if (at !== undefined) this.run.addSite(at, 'solib');
  }

  /**
   * At a stop the user sees, when no event breakpoint tells us of changes (no dynamic linker symbol found):
   * libraries loaded or unloaded since are taken in (bt into them, break in them).
   */
  protected async refreshLibraries(): Promise<void> {
    if (!this.images.followed || this.closing || this.libraryEventAddress() !== undefined) return; // on the way out nobody asks about libraries
    const before = this.images.set.libraries.length;
    const added = await this.images.refresh().catch(() => []);
    if (added.length || this.images.set.libraries.length !== before) {
      this.armLibraryEvents();
      if (added.length) await this.placeBreakpoints(() => true);
    }
  }

  /** Resolves the linespecs of the breakpoints `which` selects again (none found: the breakpoint is pending). */
  private async placeBreakpoints(which: (b: Breakpoint) => boolean): Promise<void> {
    let changed = false;
    for (const b of this.breakpoints.all()) {
      if (!which(b)) continue;
      const waiting = b.locations.length === 0 || b.locations.some((l) => l.function?.endsWith('@plt'));
      const locations = await resolveLocationSpec(this, b.spec, undefined, !waiting).catch(() => []);
      if (locations.length === b.locations.length && locations.every((l, i) => l.address === b.locations[i]!.address)) continue;
      b.locations = locations;
      changed = true;
    }
    if (!changed) return;
    this.syncBreakpointSites();
    this.emit({ type: 'breakpoints-changed' });
  }

  /** Sites follow the enabled breakpoints; memory is patched lazily, right before the target resumes. */
  private syncBreakpointSites(): void {
    this.run.removeOwnersWithPrefix('bp');
    for (const a of this.breakpoints.addresses()) this.run.addSite(a, 'bp');
    this.armLibraryEvents();
  }
}
