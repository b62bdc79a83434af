// next, step, finish, until, advance, stepi, nexti: written once over RunControl, as gdb and Delve do it.
import { x86_64 } from '../arch/arch.js';
import { UserError } from '../util/errors.js';
import type { StopCause, StopInfo } from './api.js';
import type { RawStop } from './run-control.js';
import type { SessionExecution } from './session-execution.js';
import { instructionAt } from '../arch/x86-64/stepper.js';
import { inSigreturnTrampoline } from '../arch/x86-64/sigtramp.js';
import { resolveLocationSpec } from './locations.js';
import { frameZeroRegs, lookupPc } from './frames.js';
import { clipRangeToHidden, frameOf, hiddenCallSite, inlineStepVerdict, inlineView, sameFrame, type StepState } from './inline-stepping.js';

interface Temp {
  address: bigint;
  /** Extra test at the hit (frame checks for recursion); true when omitted. */
  check?: (vcpu: number) => Promise<boolean>;
}

type Outcome = { raw: RawStop; cause?: StopCause };

const MAX_INSTRUCTIONS_PER_LINE = 1_000_000;

export class Stepping {
  constructor(private readonly s: SessionExecution) {}

  private regs(vcpu: number) {
    return this.s.target.readRegisters(vcpu);
  }

  private async reg(vcpu: number, name: string): Promise<bigint> {
    const t = this.s.target;
    const v = t.readRegister ? await t.readRegister(vcpu, name) : (await this.regs(vcpu)).get(name);
    if (v === undefined) throw new Error(`no ${name} register`);
    return v;
  }

  private pc(vcpu: number): Promise<bigint> {
    return this.reg(vcpu, x86_64.pcRegister);
  }

  private rsp(vcpu: number): Promise<bigint> {
    return this.reg(vcpu, x86_64.spRegister);
  }

  /** Resume everything until a user breakpoint triggers, a temp is reached (and its check holds), or the target stops otherwise. */
  private async runToTemps(vcpu: number, temps: Temp[]): Promise<Outcome & { temp?: Temp }> {
    const run = this.s.run;
    for (const t of temps) run.addSite(t.address, 'temp:run');
    try {
      let v = vcpu;
      for (;;) {
        // Software watchpoints: one instruction at a time, their values compared after each.
        const stepped = this.s.watchpoints.anySoftware ? await this.s.watchpoints.stepUntilChange(v) : undefined;
        const raw = stepped ? stepped.raw : await run.continueAll(v);
        if (raw.kind !== 'site' && raw.kind !== 'watch') return { raw };
        v = raw.vcpu;
        const at = raw.kind === 'site' ? raw.address : await this.pc(v);
        const hits = stepped ? stepped.hits : raw.kind === 'watch' ? await this.s.watchpoints.check(raw) : [];
        // x86 data breakpoints trap after the access: a site at the next instruction is reached too (gdb reports both).
        if (raw.kind === 'watch' && !run.isSite(at)) {
          if (hits.length) return { raw, cause: { kind: 'watchpoint', hits } };
          continue;
        }
        const site: RawStop = { kind: 'site', vcpu: v, address: at };
        const gone = await this.s.watchpoints.scopeExit(v, at);
        if (gone !== undefined) return { raw: site, cause: { kind: 'watch-scope', watchpoint: gone } };
        const bp = await this.s.userBreakpointTriggers(at, v);
        if (hits.length) return { raw: site, cause: { kind: 'watchpoint', hits, ...(bp ? { breakpoint: bp.id } : {}) } };
        if (bp) return { raw: site, cause: { kind: 'breakpoint', breakpoint: bp.id } };
        // Step temporaries belong to the stepping thread (gdb's are thread-specific): another thread
        // reaching one is stepped over it and resumed.
        for (const t of temps) {
          if (t.address === at && v === vcpu && (!t.check || (await t.check(v)))) return { raw: site, temp: t };
        }
      }
    } finally {
      run.removeOwnersWithPrefix('temp:run');
    }
  }

  /** One instruction; a user breakpoint at the new pc ends a step the way gdb reports it. */
  private async oneInstruction(vcpu: number): Promise<Outcome> {
    const raw = await this.s.run.stepInstruction(vcpu);
    if (raw.kind === 'site') return this.afterStep(vcpu, { kind: 'stepped', vcpu });
    return this.afterStep(vcpu, raw);
  }

  /**
   * Run until the call at pc returns (the stack pointer back where it was: recursion-safe).
   * With spin breakpoints the return site may be a one-byte instruction (`call f; nop; leave`):
   * the temporary `jmp .` then covers the next byte too, which only matters if other vCPUs jump
   * straight to that byte while this one is in the call. Accepted; user breakpoints refuse it.
   */
  private async stepOverCall(vcpu: number, returnAddress: bigint): Promise<Outcome> {
    const rspBefore = await this.rsp(vcpu);
    const r = await this.runToTemps(vcpu, [{ address: returnAddress, check: async (v) => (await this.rsp(v)) >= rspBefore }]);
    return r.temp ? { raw: { kind: 'stepped', vcpu } } : r;
  }

  private async readU64(address: bigint): Promise<bigint> {
    const b = await this.s.readMemory(address, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  async stepi(count = 1, over = false): Promise<StopInfo | undefined> {
    return this.s.execute(async (vcpu) => {
      let last: Outcome = { raw: { kind: 'stepped', vcpu } };
      for (let i = 0; i < count; i++) {
        const pc = await this.pc(vcpu);
        const insn = await instructionAt(pc, (a, n) => this.s.readMemory(a, n));
        last = over && insn.kind === 'call' ? await this.stepOverCall(vcpu, insn.fallThrough) : await this.oneInstruction(vcpu);
        if (last.raw.kind !== 'stepped') break;
      }
      return last;
    });
  }

  async continue(ignoreCurrent?: number): Promise<StopInfo | undefined> {
    if (ignoreCurrent !== undefined) {
      const cur = this.s.lastStop?.cause;
      if (cur?.kind === 'breakpoint') this.s.setIgnoreCount(cur.breakpoint, ignoreCurrent - 1);
    }
    return this.s.execute((vcpu) => this.runToTemps(vcpu, []));
  }

  /** gdb's step/next: range stepping over the current line, stepping over or into calls. */
  async line(over: boolean, count = 1): Promise<StopInfo | undefined> {
    let hidden = this.s.state === 'stopped' ? await this.s.hiddenInlineNow().catch(() => 0) : 0;
    return this.s.execute(async (vcpu) => {
      let out: Outcome = { raw: { kind: 'stepped', vcpu } };
      for (let i = 0; i < count; i++) {
        if (!over && hidden > 0) {
          // gdb: `step` at an inlined call that starts here enters it without running (like `down`).
          this.s.noteHiddenInline(await this.pc(vcpu), --hidden);
          out = { raw: { kind: 'stepped', vcpu }, cause: { kind: 'step', frameChanged: true } };
          continue;
        }
        out = await this.oneLine(vcpu, over, { hidden });
        if (out.raw.kind !== 'stepped') break;
        hidden = await this.s.hiddenInlineNow().catch(() => 0);
      }
      return out;
    });
  }

  /**
   * One `step`/`next` from frame 0, which hides `hidden` inlined calls starting at the pc. `outOf`: gdb's
   * `finish` from an inline frame instead, a `next` over an empty range in the caller frame given.
   */
  private async oneLine(vcpu: number, over: boolean, opts: { hidden?: number; outOf?: StepState } = {}): Promise<Outcome> {
    const hidden = opts.hidden ?? 0;
    // Every pc is asked of the image holding it (the program or a shared library).
    const prog = (a: bigint) => this.s.programAt(a);
    let pc = await this.pc(vcpu);
    let sal = prog(pc).lineForPc(pc);
    if (!sal || !sal.line) {
      const fn = prog(pc).symbols.lookup(pc)?.symbol.name;
      this.s.emit({ type: 'output', stream: 'console', text: `Single stepping until exit from function ${fn ?? '??'},\nwhich has no line number information.\n` });
      return this.finishFrom(vcpu, false);
    }
    let frameSp = await this.frameCfa(vcpu);
    // gdb's step_frame_id and current line: frame 0 as shown (its line a hidden inlined call's site).
    const startView = inlineView(prog(pc), pc, hidden);
    const site = hiddenCallSite(prog(pc), startView);
    const st: StepState = opts.outOf ?? { frame: frameOf(startView, frameSp), line: site?.line ?? sal.line, file: site?.fullPath ?? sal.file.path };
    const startFn = startView.fn;
    let range = opts.outOf
      ? { start: pc, end: pc, line: 0, file: sal.file.path }
      : { start: sal.pc, end: over ? clipRangeToHidden(startView, sal.end) : sal.end, line: sal.line, file: sal.file.path };
    // An empty range cannot tell calls by their return address: those steps go one instruction at a time.
    const ranged = this.s.run.canRangeStep && !this.s.watchpoints.anySoftware && !opts.outOf;
    for (let n = 0; n < MAX_INSTRUCTIONS_PER_LINE; n++) {
      let r: Outcome;
      if (ranged) {
        // The stub steps the whole range; a call inside it shows up as a stop at the callee's entry.
        r = await this.afterStep(vcpu, await this.s.run.rangeStep(vcpu, range.start, range.end));
        if (r.raw.kind !== 'stepped') return r;
        pc = await this.pc(vcpu);
        // Only a stop at a function's first instruction (or outside known functions: the PLT) can be a
        // call out of the range; then the return address on the stack says whether it came from it.
        const fn = pc < range.start || pc >= range.end ? prog(pc).functionAt(pc) : undefined;
        const maybeCall = (pc < range.start || pc >= range.end) && (!fn || fn.ranges.some((x) => x.start === pc));
        const rsp = maybeCall ? await this.rsp(vcpu) : 0n;
        const ret = maybeCall ? await this.readU64(rsp).catch(() => 0n) : 0n;
        if (maybeCall && ret > range.start && ret <= range.end) {
          r = await this.enteredCall(vcpu, over, ret, rsp);
          if (r.raw.kind !== 'stepped' || r.cause) return r;
        }
      } else {
        const insn = await instructionAt(pc, (a, k) => this.s.readMemory(a, k));
        if (insn.kind === 'call' && over) {
          r = await this.stepOverCall(vcpu, insn.fallThrough);
        } else {
          r = await this.oneInstruction(vcpu);
          if (r.raw.kind === 'stepped' && insn.kind === 'call') {
            const rsp = await this.rsp(vcpu);
            r = await this.enteredCall(vcpu, false, insn.fallThrough, rsp);
            if (r.raw.kind !== 'stepped' || r.cause) return r;
          }
        }
        if (r.raw.kind !== 'stepped') return r;
      }
      pc = await this.pc(vcpu);
      if (pc >= range.start && pc < range.end) continue;
      sal = prog(pc).lineForPc(pc);
      if ((!sal || !sal.line) && (await inSigreturnTrampoline(pc, (a, k) => this.s.readMemory(a, k)))) {
        // Out of a signal handler into the trampoline: step through it, back to the interrupted code (gdb's
        // "stepped into signal trampoline": keep stepping), which is then mid-line and stepped on from there.
        r = await this.oneInstruction(vcpu);
        if (r.raw.kind !== 'stepped') return r;
        continue;
      }
      if (!sal || !sal.line) {
        // Returned into code without line info (e.g. libc calling main): run until code with line info or the end.
        return this.finishFrom(vcpu, false);
      }
      const sp = await this.frameCfa(vcpu);
      const view = inlineView(prog(pc), pc);
      const verdict = inlineStepVerdict(prog(pc), view, sp, st, over);
      const stop = (hiddenNow: number): Outcome => {
        this.s.noteHiddenInline(pc, hiddenNow);
        // gdb's finish from an inline frame has no value to print (and always shows the frame line).
        if (opts.outOf) return { raw: r.raw, cause: { kind: 'finish' } };
        const changed = !sameFrame(frameOf({ ...view, hidden: hiddenNow }, sp), st.frame) || view.fn?.dieOffset !== startFn?.dieOffset;
        return { raw: r.raw, cause: { kind: 'step', frameChanged: changed } };
      };
      if (verdict.action === 'stop') return stop(verdict.hidden);
      if (verdict.action === 'keep') continue;
      const atStart = pc === sal.pc;
      const newLine = sal.line !== st.line || sal.file.path !== st.file;
      if (atStart && sal.isStmt && (newLine || (sp !== undefined && frameSp !== undefined && sp !== frameSp))) {
        return stop(view.hidden);
      }
      // Mid-line (or the same line again): take this line's range and keep going, as gdb does. A line that
      // starts here but is no statement leaves the step's line and frame as they were (in the same frame),
      // or is forgotten (line 0) in another.
      range = { start: sal.pc, end: sal.end, line: sal.line, file: sal.file.path };
      const here = frameOf(view, sp);
      if (!(atStart && newLine && sameFrame(here, st.frame))) {
        st.frame = here;
        st.line = atStart && newLine ? 0 : sal.line;
        st.file = sal.file.path;
      }
      frameSp = sp;
    }
    throw new UserError('Stepping gave up after too many instructions in one line.');
  }

  /** A user breakpoint where a step ended is reported as hit, as gdb does; so are watchpoints and a watched frame's return. */
  private async afterStep(vcpu: number, raw: RawStop): Promise<Outcome> {
    const soft = this.s.watchpoints.anySoftware && (raw.kind === 'stepped' || raw.kind === 'site' || raw.kind === 'watch');
    if (raw.kind === 'watch' || soft) {
      // The instruction completed (x86 data breakpoints trap after it): a finished step, plus the hits that stop.
      const hits = [...(raw.kind === 'watch' ? await this.s.watchpoints.check(raw) : []), ...(soft ? await this.s.watchpoints.checkSoftware(vcpu) : [])].sort((a, b) => a.watchpoint - b.watchpoint);
      const r = await this.judgeStep(vcpu, raw.kind === 'watch' ? { kind: 'stepped', vcpu } : raw);
      if (!hits.length) return r;
      const bp = r.cause?.kind === 'breakpoint' ? { breakpoint: r.cause.breakpoint } : {};
      return { raw: r.raw.kind === 'stepped' ? { kind: 'watch', vcpu, watch: 'write' } : r.raw, cause: { kind: 'watchpoint', hits, ...bp } };
    }
    return this.judgeStep(vcpu, raw);
  }

  /** afterStep without watchpoint hits: a watched frame's return, then user breakpoints. */
  private async judgeStep(vcpu: number, raw: RawStop): Promise<Outcome> {
    if (raw.kind === 'site' || (raw.kind === 'stepped' && this.s.watchpoints.anyScoped && this.s.watchpoints.isScopeSite(await this.pc(vcpu)))) {
      const address = raw.kind === 'site' ? raw.address : await this.pc(vcpu);
      const gone = await this.s.watchpoints.scopeExit(vcpu, address);
      if (gone !== undefined) return { raw: { kind: 'site', vcpu, address }, cause: { kind: 'watch-scope', watchpoint: gone } };
    }
    if (raw.kind === 'site') {
      const bp = await this.s.userBreakpointTriggers(raw.address, raw.vcpu);
      if (bp) return { raw, cause: { kind: 'breakpoint', breakpoint: bp.id } };
      return { raw: { kind: 'stepped', vcpu } };
    }
    if (raw.kind !== 'stepped') return { raw };
    const pc = await this.pc(vcpu);
    if (this.s.breakpoints.at(pc).length) {
      const bp = await this.s.userBreakpointTriggers(pc, vcpu);
      if (bp) return { raw: { kind: 'site', vcpu, address: pc }, cause: { kind: 'breakpoint', breakpoint: bp.id } };
    }
    return { raw };
  }

  /**
   * The vCPU is at the first instruction of a function called from the line being stepped.
   * next: run until it returns. step: stop after its prologue when it has line info, else return.
   * A result with a cause (or not 'stepped') ends the line step.
   */
  private async enteredCall(vcpu: number, over: boolean, returnAddress: bigint, rspAtEntry: bigint): Promise<Outcome> {
    const entry = await this.pc(vcpu);
    const prog = this.s.programAt(entry);
    const fn = over ? undefined : prog.functionAt(entry);
    if (fn && prog.lineForPc(entry)?.line) {
      const post = prog.functionBreakpoints(fn.name).find((b) => fn.ranges.some((x) => b.address >= x.start && b.address < x.end))?.address ?? entry;
      if (post !== entry) {
        const t = await this.runToTemps(vcpu, [{ address: post }]);
        return t.temp ? { raw: { kind: 'stepped', vcpu }, cause: { kind: 'step' } } : t;
      }
      return { raw: { kind: 'stepped', vcpu }, cause: { kind: 'step' } };
    }
    const r = await this.runToTemps(vcpu, [{ address: returnAddress, check: async (v) => (await this.rsp(v)) > rspAtEntry }]);
    return r.temp ? { raw: { kind: 'stepped', vcpu } } : r;
  }

  /** CFA of the innermost frame: rip, rsp and rbp are enough for the rules compilers emit. */
  private async frameCfa(vcpu: number): Promise<bigint | undefined> {
    const few = new Map<string, bigint>([[x86_64.pcRegister, await this.pc(vcpu)], [x86_64.spRegister, await this.rsp(vcpu)], [x86_64.fpRegister, await this.reg(vcpu, x86_64.fpRegister)]]);
    const frame = { level: 0, pc: few.get(x86_64.pcRegister)!, cfa: undefined, regs: frameZeroRegs(few) };
    const quick = await this.s.unwinder.cfaOf(frame).catch(() => undefined);
    if (quick !== undefined) return quick;
    const regs = await this.regs(vcpu);
    return this.s.unwinder.cfaOf({ level: 0, pc: regs.get(x86_64.pcRegister)!, cfa: undefined, regs: frameZeroRegs(regs) }).catch(() => undefined);
  }

  /** Run until the selected frame (or frame 0) returns to its caller. */
  private async finishFrom(vcpu: number, report: boolean, level = 0): Promise<Outcome> {
    const frames = await this.s.unwinder.backtrace(await this.regs(vcpu), level + 2, true);
    const frame = frames[level];
    // gdb's skip_tailcall_frames: functions that tail-called this one are never returned to.
    const caller = frames.slice(level + 1).find((f) => !f.tailCall);
    if (!frame || !caller) {
      if (report) throw new UserError('"finish" not meaningful in the outermost frame.');
      return this.runToTemps(vcpu, []);
    }
    const cfa = frame.cfa;
    const at = lookupPc(frame);
    const fn = this.s.programAt(at).functionAt(at);
    const r = await this.runToTemps(vcpu, [{ address: caller.pc, check: async (v) => cfa === undefined || (await this.rsp(v)) >= cfa }]);
    if (!r.temp) return r;
    if (!report) return { raw: { kind: 'stepped', vcpu } };
    let returned: string | undefined;
    const evaluation = this.s.evaluation;
    if (fn && evaluation) returned = await evaluation.returnedValue(fn.dieOffset, vcpu, fn.entryPc).catch(() => undefined);
    return { raw: { kind: 'stepped', vcpu }, cause: { kind: 'finish', ...(returned !== undefined ? { returned } : {}) } };
  }

  async finish(): Promise<StopInfo | undefined> {
    const level = this.s.selectedFrame;
    const frames = await this.s.frames(level + 2);
    if (frames.length <= level + 1) throw new UserError('"finish" not meaningful in the outermost frame.');
    const selected = frames[level]!;
    const caller = frames[level + 1]!;
    if (selected.inlined) {
      // gdb: finishing an inline frame is a `next` in its caller's frame over an empty range (no line yet).
      const outOf: StepState = { frame: { cfa: caller.cfa, block: caller.inlined?.dieOffset }, line: 0, file: undefined };
      return this.s.execute((vcpu) => this.oneLine(vcpu, true, { outOf }));
    }
    const real = await this.s.realLevel(level);
    return this.s.execute((vcpu) => this.finishFrom(vcpu, true, real));
  }

  /** `until` without argument: next, but never stop at a line before the current one in this frame (loops). */
  async untilNext(): Promise<StopInfo | undefined> {
    return this.s.execute(async (vcpu) => {
      const startPc = await this.pc(vcpu);
      const startCfa = await this.frameCfa(vcpu);
      for (;;) {
        const r = await this.oneLine(vcpu, true);
        // A line step's own stop says only how to print it; any other cause (a breakpoint) ends `until`.
        if (r.raw.kind !== 'stepped' || (r.cause && r.cause.kind !== 'step')) return r;
        const pc = await this.pc(vcpu);
        const cfa = await this.frameCfa(vcpu);
        if (pc > startPc || cfa !== startCfa) return r;
      }
    });
  }

  /** `until LOCATION` / `advance LOCATION`: run to the location, or until the current frame returns. */
  async runTo(spec: string, onlyThisFrame: boolean): Promise<StopInfo | undefined> {
    const locs = await resolveLocationSpec(this.s, spec);
    return this.s.execute(async (vcpu) => {
      const frames = await this.s.unwinder.backtrace(await this.regs(vcpu), 2, true);
      const cfa = frames[0]?.cfa;
      const temps: Temp[] = locs.map((l) => ({
        address: l.address,
        check: onlyThisFrame && cfa !== undefined ? async (v: number) => ((await this.frameCfa(v)) ?? cfa) >= cfa : undefined,
      }));
      const caller = frames.slice(1).find((f) => !f.tailCall);
      if (caller) temps.push({ address: caller.pc, check: async (v) => cfa === undefined || (await this.rsp(v)) >= cfa });
      const r = await this.runToTemps(vcpu, temps);
      return r.temp ? { raw: { kind: 'stepped', vcpu }, cause: { kind: 'step', showFrame: true } } : r;
    });
  }
}
