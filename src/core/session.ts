// The Session: one debugged program on one target. Owns breakpoints, run control and frames; emits events to front ends.
import { posix } from 'node:path';
import { Cfi } from '../dwarf/cfi.js';
import type { Program } from '../symbols/program.js';
import { SHF_EXECINSTR, SHF_WRITE } from '../elf/elf.js';
import type { RegisterSet, Target, VcpuInfo } from '../target/contract.js';
import type { XenViews } from '../target/extensions.js';
import { UserError } from '../util/errors.js';
import type { BreakpointInfo, CodeLocation, FrameInfo, Listener, RegisterValue, SessionEvent, SessionState, StopCause, StopInfo } from './api.js';
import { BreakpointTable, type Breakpoint } from './breakpoints.js';
import { Unwinder, type Frame } from './frames.js';
import { PatchTable } from './patches.js';
import { RunControl, type RawStop } from './run-control.js';
import { strategyByName, type StrategyName } from './strategy.js';
import { x86Stepper } from './x86-stepper.js';
import { Stepping } from './stepping.js';
import { resolveLocationSpec } from './locations.js';

export interface SessionOptions {
  program: Program;
  target: Target;
  strategy?: StrategyName;
  /** Process id for gdb's "[Inferior 1 (process N) exited ...]" line. */
  pid?: number;
}

/** Decides whether a breakpoint condition holds at the current stop (plugged in by the eval layer). */
export type ConditionEvaluator = (expression: string, session: Session) => Promise<boolean>;

export class Session {
  readonly program: Program;
  readonly target: Target;
  readonly patches: PatchTable;
  readonly run: RunControl;
  readonly breakpoints = new BreakpointTable();
  readonly unwinder: Unwinder;
  readonly stepping: Stepping;
  state: SessionState = 'stopped';
  lastStop: StopInfo | undefined;
  vcpu = 0;
  selectedFrame = 0;
  pid: number | undefined;
  conditionEvaluator: ConditionEvaluator | undefined;
  private frameCache: { frames: Frame[]; complete: boolean } | undefined;
  private readonly listeners = new Set<Listener>();
  private busy = false;
  /** True while core examines a stop the user does not see yet (breakpoint conditions). */
  private atInternalStop = false;

  private constructor(opts: SessionOptions) {
    this.program = opts.program;
    this.target = opts.target;
    this.pid = opts.pid;
    const elf = opts.program.elf;
    this.patches = new PatchTable(opts.target, (a) => {
      const sec = elf.loadedSectionAt(a);
      return !!sec && !!(sec.flags & SHF_EXECINSTR) && !(sec.flags & SHF_WRITE);
    });
    this.run = new RunControl(opts.target, this.patches, strategyByName(opts.strategy ?? 'trap'), x86Stepper, (m) => this.emit({ type: 'error', message: m }));
    const cfi = Cfi.fromElf(opts.program.elf);
    this.unwinder = new Unwinder(cfi, (a, n) => this.readMemory(a, n), (pc) => this.program.functionAt(pc)?.name === 'main');
    this.stepping = new Stepping(this);
    opts.target.onOutput = (text) => this.emit({ type: 'output', text, stream: 'target' });
  }

  /** Starts a session on a target that is stopped (attached, or created paused). */
  static async start(opts: SessionOptions): Promise<Session> {
    const s = new Session(opts);
    const vcpus = await opts.target.listVcpus();
    s.vcpu = vcpus[0]?.id ?? 0;
    s.lastStop = { vcpu: s.vcpu, cause: { kind: 'attached' }, location: await s.locationOfPc(s.vcpu) };
    return s;
  }

  get strategy(): StrategyName {
    return this.run.strategy.name;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break the session.
      }
    }
  }

  // ---- locations -------------------------------------------------------------------------

  /** file:line, function and source path of an address. */
  describe(address: bigint): CodeLocation {
    const loc: CodeLocation = { address };
    const fn = this.program.functionAt(address);
    if (fn) loc.function = fn.name;
    else if (this.inProgramImage(address)) {
      const sym = this.program.symbols.lookup(address);
      if (sym) loc.function = sym.symbol.name;
    }
    const sal = this.program.lineForPc(address);
    if (sal && sal.line) {
      loc.file = posix.basename(sal.file.path);
      loc.fullPath = sal.file.path;
      loc.line = sal.line;
    }
    return loc;
  }

  /** True for addresses inside the program's own loaded sections (not a shared library's). */
  inProgramImage(address: bigint): boolean {
    return this.program.elf.loadedSectionAt(address) !== undefined;
  }

  private async locationOfPc(vcpu: number): Promise<CodeLocation> {
    const pc = (this.target.readRegister ? await this.target.readRegister(vcpu, 'rip') : (await this.target.readRegisters(vcpu)).get('rip')) ?? 0n;
    return this.describe(pc);
  }

  // ---- state guards --------------------------------------------------------------------------

  requireStopped(): void {
    if (this.state === 'running' && !this.atInternalStop) throw new UserError('The program is running; interrupt it first (Ctrl-C).');
    if (this.state === 'exited') throw new UserError('The program is not being run.');
    if (this.state === 'detached') throw new UserError('The program is not being run.');
  }

  /** Execution commands need a target that can run (a core file cannot). */
  private requireExecutable(): void {
    if (!this.target.capabilities.canExecute) throw new UserError('The program is not being run.');
  }

  /** Runs one execution command: marks running, does it, reports the stop (or exit). */
  async execute(what: (vcpu: number) => Promise<{ raw: RawStop; cause?: StopCause }>): Promise<StopInfo | undefined> {
    this.requireExecutable();
    this.requireStopped();
    if (this.closing) throw new UserError('The debugger is detaching.');
    if (this.busy) throw new UserError('Another command is still running.');
    this.busy = true;
    this.run.clearInterrupt();
    this.state = 'running';
    let settle!: () => void;
    this.settled = new Promise<void>((r) => (settle = r));
    this.frameCache = undefined;
    this.selectedFrame = 0;
    this.emit({ type: 'running', vcpu: this.vcpu });
    try {
      const { raw, cause } = await what(this.vcpu);
      return await this.report(raw, cause);
    } catch (e) {
      if (this.state === 'running') this.state = 'stopped';
      throw e;
    } finally {
      this.busy = false;
      settle();
    }
  }

  /** No execution command may start any more (a detach or quit is under way). */
  closing = false;

  /** Resolves when no execution command is in flight (what a clean detach must wait for). */
  idle(): Promise<void> {
    return this.busy ? this.settled : Promise.resolve();
  }
  private settled: Promise<void> = Promise.resolve();

  private async report(raw: RawStop, cause?: StopCause): Promise<StopInfo | undefined> {
    this.run.removeOwnersWithPrefix('temp:');
    if (raw.kind === 'exited' || raw.kind === 'killed') {
      this.state = 'exited';
      this.lastStop = undefined;
      await this.run.removeAll().catch(() => []);
      const who = `[Inferior 1 (process ${this.pid ?? '?'})`;
      const text = raw.kind === 'exited'
        ? raw.code === 0 ? `${who} exited normally]` : `${who} exited with code ${raw.code.toString(8).padStart(2, '0')}]`
        : `\nProgram terminated with signal ${raw.name}.`;
      this.emit(raw.kind === 'exited' ? { type: 'exited', code: raw.code, text } : { type: 'exited', signal: raw.name, text });
      return undefined;
    }
    this.state = 'stopped';
    this.vcpu = raw.vcpu;
    let c: StopCause;
    if (cause) c = cause;
    else if (raw.kind === 'signal') c = { kind: 'signal', signal: raw.name, description: signalDescription(raw.name) };
    else if (raw.kind === 'interrupted') c = { kind: 'interrupted' };
    else if (raw.kind === 'site') {
      const hit = this.breakpoints.at(raw.address)[0];
      c = hit ? { kind: 'breakpoint', breakpoint: hit.id } : { kind: 'step' };
    } else c = { kind: 'step' };
    const stop: StopInfo = { vcpu: raw.vcpu, cause: c, location: await this.locationOfPc(raw.vcpu) };
    this.lastStop = stop;
    this.emit({ type: 'stopped', stop });
    return stop;
  }

  /**
   * At a site stop: does a user breakpoint there trigger (condition true, ignore count used up)?
   * Updates hit counts and deletes a temporary breakpoint that fired.
   */
  async userBreakpointTriggers(address: bigint): Promise<Breakpoint | undefined> {
    let fired: Breakpoint | undefined;
    for (const bp of this.breakpoints.at(address)) {
      if (bp.condition) {
        let ok = false;
        try {
          this.atInternalStop = true;
          this.frameCache = undefined;
          ok = this.conditionEvaluator ? await this.conditionEvaluator(bp.condition, this) : true;
        } catch (e) {
          this.emit({ type: 'error', message: `Error in testing condition for breakpoint ${bp.id}:\n${(e as Error).message}` });
          ok = true; // gdb stops when a condition cannot be evaluated
        } finally {
          this.atInternalStop = false;
          this.frameCache = undefined;
        }
        if (!ok) continue;
      }
      bp.hits++;
      if (bp.ignoreCount > 0) {
        bp.ignoreCount--;
        continue;
      }
      fired ??= bp;
    }
    if (fired?.temporary) await this.deleteBreakpoint(fired.id);
    else if (fired) this.emit({ type: 'breakpoints-changed' });
    return fired;
  }

  // ---- breakpoints -------------------------------------------------------------------------

  async addBreakpoint(spec: string, opts: { temporary?: boolean; condition?: string } = {}): Promise<Breakpoint> {
    const locations = await resolveLocationSpec(this, spec);
    for (const l of locations) {
      if (!(await this.run.canPlant(l.address, (a, n) => this.codeBytes(a, n)))) {
        throw new UserError(`Cannot insert a ${this.strategy} breakpoint at 0x${l.address.toString(16)}: the instruction there is one byte long.`);
      }
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

  /** Sites follow the enabled breakpoints; memory is patched lazily, right before the target resumes. */
  private syncBreakpointSites(): void {
    this.run.removeOwnersWithPrefix('bp');
    for (const a of this.breakpoints.addresses()) this.run.addSite(a, 'bp');
  }

  // ---- data --------------------------------------------------------------------------------

  /** Code bytes: from the target when it is there, else from the program file (no process yet, or it exited). */
  async codeBytes(address: bigint, len: number): Promise<Uint8Array> {
    if (this.state === 'stopped') return this.readMemory(address, len);
    const fromFile = this.program.elf.readVirtual(address, len);
    if (!fromFile) throw new UserError(`Cannot access memory at address 0x${address.toString(16)}`);
    return fromFile;
  }

  /** Memory as the program sees it (our patches masked). */
  async readMemory(address: bigint, len: number): Promise<Uint8Array> {
    return this.patches.read(address, len);
  }

  async writeMemory(address: bigint, data: Uint8Array): Promise<void> {
    this.requireStopped();
    await this.patches.write(address, data);
    this.frameCache = undefined;
  }

  async registers(vcpu = this.vcpu): Promise<RegisterValue[]> {
    const regs = await this.target.readRegisters(vcpu);
    return [...regs].map(([name, value]) => ({ name, value, size: 8 }));
  }

  /** The vCPU's registers as the target reports them (frame 0, no unwinding); callers must not modify the map. */
  rawRegisters(vcpu = this.vcpu): Promise<RegisterSet> {
    return this.target.readRegisters(vcpu);
  }

  /** The target's threads / vCPUs. */
  listVcpus(): Promise<VcpuInfo[]> {
    return this.target.listVcpus();
  }

  /** What the target is, for the status line ("remote 127.0.0.1:1234", "Xen domain 3 (demo)"). */
  get targetDescription(): string {
    return this.target.description;
  }

  /** The Xen domain views when the target is a Xen domain. */
  get xen(): XenViews | undefined {
    return this.target.xen;
  }

  async writeRegister(name: string, value: bigint): Promise<void> {
    this.requireStopped();
    if (this.selectedFrame !== 0) throw new UserError('Writing registers of an outer frame is not supported; select frame 0.');
    await this.target.writeRegisters(this.vcpu, new Map([[name, value]]));
    this.frameCache = undefined;
    if (this.lastStop) this.lastStop = { ...this.lastStop, location: await this.locationOfPc(this.vcpu) };
  }

  /**
   * The call stack (innermost first), unwound lazily: only `limit` frames when that is all the
   * caller needs (a stop report needs one), the whole stack otherwise.
   */
  async frames(limit?: number): Promise<Frame[]> {
    this.requireStopped();
    const c = this.frameCache;
    if (c && (c.complete || (limit !== undefined && c.frames.length >= limit))) return limit === undefined ? c.frames : c.frames.slice(0, limit);
    const frames = await this.unwinder.backtrace(await this.target.readRegisters(this.vcpu), limit);
    this.frameCache = { frames, complete: limit === undefined || frames.length < limit };
    return frames;
  }

  async frame(level = this.selectedFrame): Promise<Frame> {
    const fs = await this.frames(level + 1);
    const f = fs[level];
    if (!f) throw new UserError('No frame at level ' + level + '.');
    return f;
  }

  async selectFrame(level: number): Promise<Frame> {
    const fs = await this.frames(level + 1);
    if (level < 0 || level >= fs.length) throw new UserError(level < 0 ? 'Bottom (innermost) frame selected; you cannot go down.' : 'Initial frame selected; you cannot go up.');
    this.selectedFrame = level;
    this.emit({ type: 'frame-selected', level });
    return fs[level]!;
  }

  /** Frames for the UI; arguments are filled in by whoever owns value formatting (argsFormatter). */
  async backtrace(limit?: number): Promise<FrameInfo[]> {
    const fs = await this.frames(limit);
    const out: FrameInfo[] = [];
    for (const f of limit === undefined ? fs : fs.slice(0, limit)) {
      const args = this.argsFormatter ? await this.argsFormatter(f).catch(() => []) : [];
      out.push({ level: f.level, pc: f.pc, ...(f.cfa !== undefined ? { cfa: f.cfa } : {}), location: this.describe(f.level > 0 ? f.pc - 1n : f.pc), args });
    }
    // Callers' pcs are return addresses; show them as gdb does, but locate them by the call (pc-1).
    for (const fi of out) fi.location.address = fi.pc;
    return out;
  }

  /** Formats a frame's arguments ("n=5"); plugged in by the eval layer. */
  argsFormatter: ((f: Frame) => Promise<{ name: string; value: string }[]>) | undefined;
  /** Formats a frame's locals as "name = value" lines (bt full); plugged in by the eval layer. */
  localsFormatter: ((level: number) => Promise<string[]>) | undefined;

  async selectVcpu(id: number): Promise<void> {
    this.requireStopped();
    const vcpus = await this.target.listVcpus();
    if (!vcpus.some((v) => v.id === id)) throw new UserError(`Invalid thread ID: ${id}`);
    this.vcpu = id;
    this.selectedFrame = 0;
    this.frameCache = undefined;
    if (this.lastStop) this.lastStop = { ...this.lastStop, vcpu: id, location: await this.locationOfPc(id) };
    this.emit({ type: 'frame-selected', level: 0 });
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
    try {
      return await this.run.removeAll();
    } catch {
      return [];
    }
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
    await this.target.restart(this.program.elf.path);
    this.patches.forgetAll();
    this.run.removeOwnersWithPrefix('temp:');
    for (const b of this.breakpoints.all()) b.hits = 0;
    const pid = this.target.processId;
    if (pid !== undefined) this.pid = pid;
    this.state = 'stopped';
    this.frameCache = undefined;
    this.selectedFrame = 0;
    const vcpus = await this.target.listVcpus();
    this.vcpu = vcpus[0]?.id ?? 0;
    this.lastStop = { vcpu: this.vcpu, cause: { kind: 'attached' }, location: await this.locationOfPc(this.vcpu) };
    this.emit({ type: 'breakpoints-changed' });
  }

  async kill(): Promise<void> {
    await this.restoreAll();
    await this.target.kill();
    this.state = 'exited';
  }
}

const SIGNAL_TEXT: Record<string, string> = {
  SIGSEGV: 'Segmentation fault', SIGINT: 'Interrupt', SIGTRAP: 'Trace/breakpoint trap', SIGABRT: 'Aborted',
  SIGFPE: 'Arithmetic exception', SIGILL: 'Illegal instruction', SIGBUS: 'Bus error', SIGTERM: 'Terminated',
  SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1', SIGUSR2: 'User defined signal 2', SIGALRM: 'Alarm clock',
  SIGPIPE: 'Broken pipe', SIGCHLD: 'Child status changed', SIGHUP: 'Hangup', SIGQUIT: 'Quit',
};

export function signalDescription(name: string): string {
  return SIGNAL_TEXT[name] ?? name;
}
