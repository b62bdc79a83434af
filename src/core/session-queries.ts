// The Session's state, events and queries: locations, memory, registers and frames of the stopped program.
import { x86_64 } from '../arch/arch.js';
import type { Program } from '../symbols/program.js';
import { SHF_EXECINSTR, SHF_WRITE } from '../elf/elf.js';
import type { RegisterSet, Target, VcpuInfo } from '../target/contract.js';
import type { XenViews } from '../target/extensions.js';
import { UserError } from '../util/errors.js';
import type { CodeLocation, FrameInfo, Listener, RegisterValue, SessionEvent, SessionState, StopInfo, StopThread, ThreadInfo } from './api.js';
import { BreakpointTable } from './breakpoints.js';
import type { EvaluationPort } from './evaluation-port.js';
import { frameZeroRegs, lookupPc, Unwinder, type Frame } from './frames.js';
import { isSigtrampCode } from './sigtramp.js';
import { hiddenInlineCalls, withInlineFrames } from './inline-frames.js';
import { PatchTable } from './patches.js';
import { ProcessImages } from './process-images.js';
import { RunControl } from './run-control.js';
import { strategyByName, type StrategyName } from './strategy.js';
import { ThreadTable } from './threads.js';
import { tailCallFrames } from './tail-calls.js';

const NONE: ReadonlySet<string> = new Set();

export interface SessionOptions {
  program: Program;
  target: Target;
  strategy?: StrategyName;
  /** Process id for gdb's "[Inferior 1 (process N) exited ...]" line. */
  pid?: number;
  /** gdb's sysroot for the target's shared libraries (default /). */
  sysroot?: string;
}

/** The first layer of Session (see session.ts): what it holds, what it tells listeners, what it answers while stopped. */
export class SessionQueries {
  readonly program: Program;
  readonly target: Target;
  readonly patches: PatchTable;
  readonly run: RunControl;
  readonly breakpoints = new BreakpointTable();
  readonly unwinder: Unwinder;
  /** The main program and the shared libraries of the process, and what holds a given pc. */
  readonly images: ProcessImages;
  state: SessionState = 'stopped';
  lastStop: StopInfo | undefined;
  /** The selected thread (vCPU): what frames, registers and expressions show. */
  vcpu = 0;
  /** gdb's thread numbers for the target's threads. */
  readonly threadTable = new ThreadTable();
  selectedFrame = 0;
  pid: number | undefined;
  protected frameCache: { frames: Frame[]; complete: boolean } | undefined;
  /** gdb's skip_inline_frames for this stop: inlined calls hidden at frame 0's pc (stepping into one shows it). */
  protected inlineStop: { vcpu: number; pc: bigint; hidden: number } | undefined;
  /** The user breakpoints' location blocks at the pc of the last breakpoint stop (temporary ones are gone by the report). */
  protected hitBlocks: { vcpu: number; address: bigint; blocks: (number | undefined)[] } | undefined;
  private readonly listeners = new Set<Listener>();
  /** True while core examines a stop the user does not see yet (breakpoint conditions). */
  protected atInternalStop = false;
  private evaluationPort: EvaluationPort | undefined;

  protected constructor(opts: SessionOptions) {
    this.program = opts.program;
    this.target = opts.target;
    this.pid = opts.pid;
    this.images = new ProcessImages(opts.target, opts.program, (m) => this.emit({ type: 'error', message: m }));
    if (opts.sysroot !== undefined) this.images.sysroot = opts.sysroot;
    this.patches = new PatchTable(opts.target, (a) => {
      const sec = this.programAt(a).elf.loadedSectionAt(a);
      return !!sec && !!(sec.flags & SHF_EXECINSTR) && !(sec.flags & SHF_WRITE);
    });
    this.run = new RunControl(opts.target, this.patches, strategyByName(opts.strategy ?? 'trap'), x86_64.stepper, (m) => this.emit({ type: 'error', message: m }), (text) => this.emit({ type: 'output', stream: 'console', text }));
    this.unwinder = new Unwinder(() => this.images.set.cfi, (a, n) => this.readMemory(a, n), (pc) => this.program.functionAt(pc)?.name === 'main',
      (callee, caller) => tailCallFrames((pc) => this.programAt(pc), callee, caller),
      (pc) => { const p = this.programAt(pc); return p.functionAt(pc)?.low ?? p.symbols.lookup(pc)?.symbol.value; },
      () => this.program.elf.entry);
    opts.target.onOutput = (text) => this.emit({ type: 'output', text, stream: 'target' });
  }

  get strategy(): StrategyName {
    return this.run.strategy.name;
  }

  /** Expression evaluation for conditions, frame arguments, locals and returned values (undefined until set). */
  get evaluation(): EvaluationPort | undefined {
    return this.evaluationPort;
  }

  /** Plugs in expression evaluation (done once, by whoever owns the eval layer, right after the session starts). */
  setEvaluation(port: EvaluationPort): void {
    this.evaluationPort = port;
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

  /** The image (main program or shared library) whose code or data holds `address`; the main program for stray addresses. */
  programAt(address: bigint): Program {
    return this.images.set.programAt(address);
  }

  /** file:line, function and source path of an address. */
  describe(address: bigint): CodeLocation {
    const loc: CodeLocation = { address };
    const prog = this.programAt(address);
    const fn = prog.functionAt(address);
    if (fn) loc.function = fn.name;
    // gdb's "<signal handler called>": code its CFI marks as a signal frame (glibc's __restore_rt).
    else if (this.images.set.cfi.find(address)?.fde.cie.signalFrame) loc.signalTrampoline = true;
    if (!fn && this.inProgramImage(address)) {
      const plt = prog.symbols.plt().find((p) => address >= p.value && address < p.value + BigInt(p.size));
      const sym = plt ? { symbol: plt } : prog.symbols.lookup(address);
      if (sym) loc.function = sym.symbol.name;
    }
    const sal = prog.lineForPc(address);
    if (prog !== this.program) {
      const lib = this.images.set.libraryAt(address);
      if (lib) loc.library = lib.name;
    }
    if (sal && sal.line) {
      // gdb's symtab_to_filename_for_display (filename-display relative): the name the line table records.
      loc.file = sal.file.displayName;
      loc.fullPath = sal.file.path;
      loc.line = sal.line;
    }
    return loc;
  }

  /** True for addresses inside the loaded sections of the program or of one of its shared libraries. */
  inProgramImage(address: bigint): boolean {
    return this.programAt(address).elf.loadedSectionAt(address) !== undefined;
  }

  protected async locationOfPc(vcpu: number): Promise<CodeLocation> {
    const pc = (this.target.readRegister ? await this.target.readRegister(vcpu, x86_64.pcRegister) : (await this.target.readRegisters(vcpu)).get(x86_64.pcRegister)) ?? 0n;
    const loc = this.describe(pc);
    // A trampoline without CFI (musl, a unikernel) is known by its code, where gdb's amd64-linux sigtramp sniffer
    // looks: no function known there, or a symbol naming one.
    const named = loc.function === undefined || loc.function === '__restore_rt' || loc.function.includes('sigaction');
    if (!loc.signalTrampoline && !loc.file && named && (await isSigtrampCode(pc, (a, n) => this.readMemory(a, n)))) loc.signalTrampoline = true;
    return loc;
  }

  // ---- state guards --------------------------------------------------------------------------

  requireStopped(): void {
    if (this.state === 'running' && !this.atInternalStop) throw new UserError('The program is running; interrupt it first (Ctrl-C).');
    if (this.state === 'exited') throw new UserError('The program is not being run.');
    if (this.state === 'detached') throw new UserError('The program is not being run.');
  }

  /** Execution commands need a target that can run (a core file cannot); commands check it before they print anything. */
  requireExecutable(): void {
    if (!this.target.capabilities.canExecute) throw new UserError('The program is not being run.');
  }

  // ---- data --------------------------------------------------------------------------------

  /** Code bytes: from the target when it is there, else from the program file (no process yet, or it exited). */
  async codeBytes(address: bigint, len: number): Promise<Uint8Array> {
    if (this.state === 'stopped') return this.readMemory(address, len);
    const fromFile = this.programAt(address).elf.readVirtual(address, len);
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

  /** Registers the vCPU has whose values the target cannot give (shown <unavailable>). */
  unavailableRegisters(vcpu = this.vcpu): ReadonlySet<string> {
    return this.target.unavailableRegisters?.(vcpu) ?? NONE;
  }

  /** Frame `level`'s registers as gdb shows them there: frame 0's from the target, outer frames' unwound (Unwinder.registersOf). */
  async frameRegisters(level = this.selectedFrame): Promise<RegisterValue[]> {
    const raw = await this.target.readRegisters(this.vcpu);
    if (level === 0) return [...raw].map(([name, value]) => ({ name, value, size: 8 }));
    const regs = this.unwinder.registersOf(await this.frames(level + 1), level, raw);
    return [...regs].map(([name, value]) => (value === undefined ? { name, value: 0n, size: 8, notSaved: true } : { name, value, size: 8 }));
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
    if (this.selectedFrame !== 0) {
      // A register the CFI says nothing of (vector, x87, flags...) is the innermost one in every frame: gdb
      // writes it there. A general register of an outer frame may be saved somewhere in the stack: not supported.
      const n = x86_64.dwarf.number(name);
      const unwound = n !== undefined && n <= x86_64.dwarf.pc;
      if (unwound) throw new UserError('Writing registers of an outer frame is not supported; select frame 0.');
    }
    await this.target.writeRegisters(this.vcpu, new Map([[name, value]]));
    this.frameCache = undefined;
    if (this.lastStop) this.lastStop = { ...this.lastStop, location: await this.locationOfPc(this.vcpu) };
  }

  // ---- frames ------------------------------------------------------------------------------

  /**
   * The call stack (innermost first), unwound lazily: only `limit` frames when that is all the
   * caller needs (a stop report needs one), the whole stack otherwise.
   */
  async frames(limit?: number): Promise<Frame[]> {
    this.requireStopped();
    const c = this.frameCache;
    if (c && (c.complete || (limit !== undefined && c.frames.length >= limit))) return limit === undefined ? c.frames : c.frames.slice(0, limit);
    const { real, frames } = await this.unwindFrom(await this.target.readRegisters(this.vcpu), limit);
    this.frameCache = { frames, complete: limit === undefined || real.length < limit };
    return frames;
  }

  /** Real frames unwound from `regs`, and the frames shown (inlined calls split out), at most `limit`. */
  private async unwindFrom(regs: RegisterSet, limit?: number): Promise<{ real: Frame[]; frames: Frame[] }> {
    const real = await this.unwinder.backtrace(regs, limit);
    const frames = withInlineFrames(real, (pc) => this.programAt(pc), real[0] ? this.hiddenInlineCalls(real[0].pc) : 0);
    return { real, frames: limit === undefined ? frames : frames.slice(0, limit) };
  }

  /**
   * Frame 0 as a stop report needs it (its pc and the inlined calls there), built from the pc the
   * stop reply brought: no full register read, which a line step that prints only its line never needs.
   * Not cached, since its register set holds only the pc.
   */
  async topFrameForReport(): Promise<Frame | undefined> {
    if (this.frameCache || !this.target.readRegister) return (await this.frames(1))[0];
    const pc = await this.run.pcOf(this.vcpu);
    return (await this.unwindFrom(new Map([[x86_64.pcRegister, pc]]), 1)).frames[0];
  }

  /** How many inlined calls that start at frame 0's `pc` this stop hides (computed once per stop and thread). */
  protected hiddenInlineCalls(pc: bigint): number {
    const st = this.inlineStop;
    if (st && st.vcpu === this.vcpu && st.pc === pc) return st.hidden;
    const f = this.programAt(pc).functionAt(pc);
    const hit = this.hitBlocks;
    const blocks = hit && hit.vcpu === this.vcpu && hit.address === pc ? hit.blocks : [];
    const hidden = f ? hiddenInlineCalls(f, pc, blocks) : 0;
    this.inlineStop = { vcpu: this.vcpu, pc, hidden };
    return hidden;
  }

  /** How many inlined calls starting at frame 0's pc are hidden now (after a `step` into some of them: fewer). */
  async hiddenInlineNow(): Promise<number> {
    // Only frame 0's pc matters: the stop reply's, with no full register read.
    const pc = this.frameCache?.frames[0]?.pc ?? (await this.run.pcOf(this.vcpu));
    return this.hiddenInlineCalls(pc);
  }

  /** Stepping decided what frame 0 shows at `pc`: `hidden` inlined calls stay hidden (gdb's step_into_inline_frame). */
  noteHiddenInline(pc: bigint, hidden: number): void {
    this.inlineStop = { vcpu: this.vcpu, pc, hidden };
    this.frameCache = undefined;
  }

  /** The index of frame `level`'s real frame among the unwound ones (inline frames share their real frame's). */
  async realLevel(level: number): Promise<number> {
    const fs = await this.frames(level + 1);
    let n = 0;
    for (let i = 1; i <= level && i < fs.length; i++) if (fs[i]!.regs !== fs[i - 1]!.regs) n++;
    return n;
  }

  /** Where a frame is as users see it: its inlined function's name, and its inlined callee's call site for its line. */
  frameLocation(f: Frame): CodeLocation {
    const pc = lookupPc(f);
    const loc = this.describe(pc);
    if (f.inlined?.name) loc.function = f.inlined.name;
    const fn = f.callee ? this.programAt(pc).functionAt(pc) : undefined;
    const site = fn && f.callee ? this.programAt(pc).callSite(fn, f.callee) : undefined;
    if (site) {
      loc.file = site.file;
      loc.fullPath = site.fullPath;
      loc.line = site.line;
      loc.callSite = true;
    }
    return loc;
  }

  /** The real frame that called the one `frame` is part of (its inline frames passed): gdb's caller for entry values. */
  async realCaller(frame: Frame): Promise<Frame | undefined> {
    for (let n = frame.level + 2; ; n *= 2) {
      const fs = await this.frames(n);
      // By level: a stop report's frame 0 is built apart from the unwound list (its own registers object).
      const regs = fs[frame.level]?.regs ?? frame.regs;
      const c = fs.slice(frame.level + 1).find((x) => x.regs !== regs);
      if (c || fs.length < n) return c;
    }
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

  /**
   * What `info frame` adds to frame `level`: its caller's pc even past main (gdb's "saved rip"), and where
   * the CFI says the frame saved registers (DWARF number and stack address).
   */
  async frameDetail(level: number): Promise<{ callerPc?: bigint; saved: { reg: number; address: bigint }[] }> {
    this.requireStopped();
    const frames = await this.unwinder.backtrace(await this.target.readRegisters(this.vcpu), level + 2, true);
    const f = frames[level];
    if (!f) return { saved: [] };
    const found = this.images.set.cfi.rowAt(lookupPc(f));
    const saved: { reg: number; address: bigint }[] = [];
    if (found && f.cfa !== undefined) {
      for (const [reg, rule] of found.row.registers) if (rule.kind === 'offset') saved.push({ reg, address: BigInt.asUintN(64, f.cfa + BigInt(rule.offset)) });
    }
    const callerPc = frames[level + 1]?.pc;
    return { ...(callerPc !== undefined ? { callerPc } : {}), saved };
  }

  /** Frames for the UI; arguments are formatted through the evaluation port. */
  async backtrace(limit?: number): Promise<FrameInfo[]> {
    const fs = await this.frames(limit);
    const out: FrameInfo[] = [];
    for (const f of limit === undefined ? fs : fs.slice(0, limit)) out.push(await this.frameInfo(f));
    return out;
  }

  private async frameInfo(f: Frame): Promise<FrameInfo> {
    const args = this.evaluationPort ? await this.evaluationPort.frameArguments(f).catch(() => []) : [];
    const location = this.frameLocation(f);
    if (f.sigtramp) location.signalTrampoline = true;
    // Callers' pcs are return addresses; show them as gdb does, but locate them by the call (pc-1).
    location.address = f.pc;
    return { level: f.level, pc: f.pc, ...(f.cfa !== undefined ? { cfa: f.cfa } : {}), ...(f.caller ? { caller: true } : {}), ...(f.inlined ? { inlined: true } : {}), ...(f.interrupted ? { interrupted: true } : {}), location, args };
  }

  /**
   * Frame 0 with its arguments, as a stop report prints it ("Breakpoint 1, hit (i=3) at ..."). At a fresh stop
   * it is built from the registers the stop reply carried (rip, rsp, rbp) when they give its CFA: a breakpoint
   * hit then costs no full register read (on an AVX-512 machine gdbserver's g reply is 5 KB of hex) unless an
   * argument's location names another register, which completes the set then (Frame.completeRegisters).
   * Not cached: every other use of frames reads the full set.
   */
  async stopReportFrame(): Promise<FrameInfo | undefined> {
    const partial = this.frameCache || !this.target.readRegister ? undefined : await this.partialFrameZero().catch(() => undefined);
    if (!partial) return (await this.backtrace(1))[0];
    return this.frameInfo(partial);
  }

  private async partialFrameZero(): Promise<Frame | undefined> {
    const target = this.target;
    const vcpu = this.vcpu;
    const few = new Map<string, bigint>();
    for (const name of [x86_64.pcRegister, x86_64.spRegister, x86_64.fpRegister]) {
      const v = await target.readRegister!(vcpu, name);
      if (v === undefined) return undefined;
      few.set(name, v);
    }
    const { frames } = await this.unwindFrom(few, 1);
    const f = frames[0];
    if (!f || f.cfa === undefined) return undefined;
    const regs = f.regs;
    let completing: Promise<void> | undefined;
    f.completeRegisters = () =>
      (completing ??= target.readRegisters(vcpu).then((all) => {
        for (const [n, v] of frameZeroRegs(all)) regs.set(n, v);
        delete f.completeRegisters;
      }));
    return f;
  }

  // ---- threads -----------------------------------------------------------------------------

  /** Asks the target for its threads and numbers new ones (the stopping thread first); returns the new ones. */
  async refreshThreads(stopping?: number): Promise<VcpuInfo[]> {
    return this.threadTable.update(await this.target.listVcpus(), stopping);
  }

  /** Every thread with its gdb number, state and (when stopped) where it is; refreshed from the target. */
  async threads(): Promise<ThreadInfo[]> {
    if (this.state === 'exited' || this.state === 'detached') return [];
    const stopped = this.state === 'stopped' || this.atInternalStop;
    if (stopped) await this.refreshThreads();
    const out: ThreadInfo[] = [];
    for (const { number, info } of this.threadTable.all()) {
      const t: ThreadInfo = { number, vcpu: info.id, targetId: info.name, state: stopped ? 'stopped' : 'running', current: info.id === this.vcpu };
      if (info.threadName) t.name = info.threadName;
      if (info.extra) t.extra = info.extra;
      if (stopped) {
        const loc = await this.locationOfPc(info.id).catch(() => undefined);
        if (loc) t.location = loc;
      }
      out.push(t);
    }
    return out;
  }

  /** How a stop report names the thread (undefined until the process has had two threads, as gdb). */
  stopThread(vcpu: number): StopThread | undefined {
    const number = this.threadTable.numberOf(vcpu);
    const info = this.threadTable.info(vcpu);
    if (!this.threadTable.namesThreads || number === undefined || !info) return undefined;
    return { number, targetId: info.name, ...(info.threadName ? { name: info.threadName } : {}) };
  }

  /**
   * Runs `fn` with thread `vcpu` selected (frame 0), then selects the previous thread and frame
   * again: gdb's `thread apply`, and breakpoint conditions evaluated in the thread that hit.
   */
  async withThread<T>(vcpu: number, fn: () => Promise<T>): Promise<T> {
    const saved = { vcpu: this.vcpu, frame: this.selectedFrame };
    if (vcpu !== saved.vcpu) this.frameCache = undefined;
    this.vcpu = vcpu;
    this.selectedFrame = 0;
    try {
      return await fn();
    } finally {
      // The cache belongs to whichever thread was selected last: drop it on the way back.
      if (vcpu !== saved.vcpu) this.frameCache = undefined;
      this.vcpu = saved.vcpu;
      this.selectedFrame = saved.frame;
    }
  }

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
}
