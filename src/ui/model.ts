// UI state: what the panes show, updated from Session events and queries (the only place that asks the Session for data).
import { basename } from 'node:path';
import type { BreakpointInfo, FrameInfo, RegisterValue, SessionEvent, SessionState, StopInfo } from '../core/api.js';
import type { OptionalPane } from './config.js';
import type { ProgramPort, SessionPort, SourceFileRef } from './ports.js';
import { SourceCache, type SourceFile } from './source-file.js';
import { scrollTo } from './source-view.js';
import { VarTree } from './var-tree.js';
import { LivePanes } from './live-panes.js';
import type { Radix } from './registers-view.js';
import type { Match } from './search.js';
import { DisasmState, type DisasmLine, type Disassembler } from './disasm-model.js';

export type LogKind = 'out' | 'err' | 'cmd' | 'info';
export interface LogLine {
  text: string;
  kind: LogKind;
}

export interface ListState {
  cursor: number;
  top: number;
  /** Columns scrolled to the right (long lines). */
  left: number;
}

export type { DisasmLine } from './disasm-model.js';

export const LOG_MAX = 5000;

/**
 * A stop is painted once, when its frames, registers and variables are in, or after this long when
 * the target is slow (a Xen guest under emulation): painting each answer as it arrived cost a full
 * 200x60 repaint per answer, about 25 ms of CPU per step.
 */
export const STOP_PAINT_MS = 150;

/** A resume shows "running" only if the program is still running after this long (a step usually is not). */
export const RUN_PAINT_MS = 50;

export class UiModel {
  state: SessionState | 'starting' = 'starting';
  stop: StopInfo | undefined;
  exitText: string | undefined;
  /** duster-tui started the program: quitting kills it (the quit question says so). */
  quitKillsProgram = false;
  frames: FrameInfo[] = [];
  selectedFrame = 0;
  breakpoints: BreakpointInfo[] = [];
  regs: RegisterValue[] = [];
  /** The shown frame's register values at the previous stop (for change marks). */
  prevRegs = new Map<string, bigint>();
  /** Registers of the frames shown at this stop and at the previous one, by frame (see frameKey). */
  private regsAtStop = new Map<string, Map<string, bigint>>();
  private regsAtPrevStop = new Map<string, Map<string, bigint>>();
  radix: Radix = 'hex';
  readonly vars = new VarTree();
  readonly log: LogLine[] = [];
  logScroll = 0;
  readonly output: string[] = [];
  private outputPartial = '';

  // Source pane
  readonly sources = new SourceCache();
  file: SourceFile | undefined;
  fileName: string | undefined;
  top = 1;
  cursor = 1;
  /** The last search pattern (F3 repeats it), the active search's expression and its current match. */
  search: string | undefined;
  searchRe: RegExp | undefined;
  searchCurrent: Match | undefined;
  /** Columns the source pane is scrolled to the right. */
  sourceLeft = 0;

  readonly lists: Record<'variables' | 'registers' | 'stack' | 'breakpoints' | 'disassembly' | 'memory' | 'output' | 'threads' | 'xen', ListState> = {
    variables: { cursor: 0, top: 0, left: 0 }, registers: { cursor: 0, top: 0, left: 0 }, stack: { cursor: 0, top: 0, left: 0 }, breakpoints: { cursor: 0, top: 0, left: 0 },
    disassembly: { cursor: 0, top: 0, left: 0 }, memory: { cursor: 0, top: 0, left: 0 }, output: { cursor: 0, top: 0, left: 0 },
    threads: { cursor: 0, top: 0, left: 0 }, xen: { cursor: 0, top: 0, left: 0 },
  };
  /** Threads, the Xen domain and the guest console: also read while the target runs. */
  readonly live: LivePanes;
  shown: OptionalPane[] = [];
  readonly dis: DisasmState;
  memoryExpr: string | undefined;
  memoryAddr: bigint | undefined;
  memory: Uint8Array | undefined;
  /** The memory shown before this stop (bytes that differ are highlighted). */
  memoryBefore: { addr: bigint; bytes: Uint8Array } | undefined;
  memoryError: string | undefined;
  /** Serialises every request the UI makes of the target (and the commands it runs). */
  readonly lock = new TargetLock();
  /** Incremented on every stop/run so late answers of an older refresh are dropped. */
  private generation = 0;

  /** Refreshes whose end the screen waits for, and whether something changed meanwhile. */
  private held = 0;
  private changedWhileHeld = false;
  /** Ends the hold a resume put on painting. */
  private endRunHold: (() => void) | undefined;

  constructor(readonly session: SessionPort, readonly program: ProgramPort | undefined, private readonly changed: () => void, disassembler?: Disassembler) {
    this.dis = new DisasmState(disassembler, program?.functionStart ? (pc) => program.functionStart!(pc) : undefined);
    this.live = new LivePanes(session, (text) => this.addOutput(text));
  }

  get disasm(): readonly DisasmLine[] {
    return this.dis.lines;
  }

  addLog(text: string, kind: LogKind): void {
    const lines = text.replace(/\n$/, '').split('\n');
    for (const l of lines) this.log.push({ text: l, kind });
    if (this.log.length > LOG_MAX) this.log.splice(0, this.log.length - LOG_MAX);
    this.logScroll = 0;
    this.notify();
  }

  addOutput(text: string): void {
    const parts = (this.outputPartial + text).split('\n');
    this.outputPartial = parts.pop()!;
    this.output.push(...parts);
    if (this.output.length > LOG_MAX) this.output.splice(0, this.output.length - LOG_MAX);
  }

  /** Program output including the line still being written. */
  outputLines(): string[] {
    return this.outputPartial ? [...this.output, this.outputPartial] : this.output;
  }

  private notify(): void {
    if (!this.deferPaint()) this.changed();
  }

  /** True while a stop's refresh is under way: the paint asked for now is deferred to its end. */
  deferPaint(): boolean {
    if (this.held > 0) this.changedWhileHeld = true;
    return this.held > 0;
  }

  /** Paints nothing until `work` ends (or `ms` pass), then once if anything changed. */
  private holdPaintFor(work: Promise<void>, ms = STOP_PAINT_MS): void {
    this.held++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      if (--this.held > 0 || !this.changedWhileHeld) return;
      this.changedWhileHeld = false;
      this.changed();
    };
    const timer = setTimeout(release, ms);
    work.then(release, release);
  }

  /** refresh(), with the screen painted once when it is done. */
  private refreshThenPaint(isStop: boolean): void {
    this.holdPaintFor(this.refresh(isStop));
  }

  /** Applies a Session event; data that needs queries is fetched asynchronously. */
  onEvent(e: SessionEvent): void {
    // The stop's own hold starts below, before this one ends (a microtask later): one paint.
    if (e.type === 'stopped' || e.type === 'exited') {
      this.endRunHold?.();
      this.endRunHold = undefined;
    }
    switch (e.type) {
      case 'stopped':
        this.state = 'stopped';
        this.stop = e.stop;
        this.exitText = undefined;
        this.selectedFrame = 0;
        this.showLocation(e.stop.location.fullPath ?? e.stop.location.file, e.stop.location.file, e.stop.location.line);
        this.refreshThenPaint(true);
        break;
      case 'running':
        this.state = 'running';
        this.endRunHold?.();
        this.holdPaintFor(new Promise((resolve) => (this.endRunHold = resolve)), RUN_PAINT_MS);
        this.generation++;
        this.live.running();
        break;
      case 'exited':
        this.state = 'exited';
        this.exitText = e.text;
        this.generation++;
        this.frames = [];
        this.regs = [];
        this.vars.clear('The program is not running.');
        this.live.exited();
        this.addLog(e.text, 'info');
        break;
      case 'output':
        this.addOutput(e.text);
        if (e.stream === 'console') this.addLog(e.text, 'out');
        break;
      case 'breakpoints-changed':
        this.breakpoints = this.session.breakpoints();
        break;
      case 'frame-selected':
        this.selectedFrame = e.level;
        if (this.session.lastStop !== this.stop && this.state === 'stopped') {
          // Another thread was selected (`thread N`): its registers and location, as at a stop.
          this.stop = this.session.lastStop;
          const l = this.stop?.location;
          if (l) this.showLocation(l.fullPath ?? l.file, l.file, l.line);
          this.refreshThenPaint(true);
        } else this.refreshThenPaint(false);
        break;
      case 'error':
        this.addLog(e.message, 'err');
        break;
    }
    this.notify();
  }

  /** Re-reads the session's current state (at start, or after a command that changed it). */
  syncState(): void {
    // Exited without an exit event (kill): no exit report to show.
    if (this.session.state === 'exited' && this.state !== 'exited') this.exitText = undefined;
    this.state = this.session.state;
    this.stop = this.session.lastStop;
    this.breakpoints = this.session.breakpoints();
    if (this.state === 'stopped' && this.stop) {
      this.selectedFrame = this.session.selectedFrame;
      const l = this.stop.location;
      this.showLocation(l.fullPath ?? l.file, l.file, l.line);
      this.refreshThenPaint(true);
    } else if (!this.file) this.showLocation(undefined, undefined, undefined); // before `run`: main's source, as gdb's TUI
    this.notify();
  }

  /** Shows `path` in the source pane with `line` visible (and the cursor on it). */
  showLocation(path: string | undefined, name: string | undefined, line: number | undefined, height = 20): void {
    const file = this.sources.get(path);
    if (!path && this.showingMain) return;
    this.showingMain = false;
    if (!file && !path && !this.file) {
      // No line information here (ld.so, start-up code): show main's source instead of nothing.
      const main = this.program?.mainLocation?.();
      const mf = main && this.sources.get(main.path);
      if (main && mf) {
        this.file = mf;
        this.showingMain = true;
        this.fileName = main.name;
        this.cursor = main.line;
        this.top = scrollTo(main.line, this.top, this.sourceHeight || height, mf.lineCount);
        return;
      }
    }
    if (file !== this.file) this.sourceLeft = 0;
    this.file = file;
    this.fileName = name ?? path;
    if (file && line !== undefined) {
      this.cursor = line;
      this.top = scrollTo(line, this.top, this.sourceHeight || height, file.lineCount);
    }
  }

  /** The source pane shows main's file because the stop had no line information. */
  private showingMain = false;

  /** Rows of the source pane's body, set by the layout (for scrolling maths). */
  sourceHeight = 0;

  /** The selected frame's location (innermost when no frames are known yet). */
  get frameLocation(): { path?: string; name?: string; line?: number; address?: bigint; function?: string } | undefined {
    const f = this.frames[this.selectedFrame];
    const loc = f?.location ?? this.stop?.location;
    if (!loc) return undefined;
    return { path: loc.fullPath ?? loc.file, name: loc.file, line: loc.line, address: loc.address, function: loc.function };
  }

  /**
   * Re-reads frames, registers, variables (and the optional panes) for the current stop. Waits
   * for the target lock: the target takes one request at a time, so this runs after the
   * command that caused the stop has finished its own report.
   */
  refresh(isStop: boolean): Promise<void> {
    const gen = ++this.generation;
    return this.lock.run(async () => {
      if (gen !== this.generation || this.session.state !== 'stopped') return;
      await this.refreshLocked(gen, isStop);
    });
  }

  private async refreshLocked(gen: number, isStop: boolean): Promise<void> {
    const s = this.session;
    this.breakpoints = s.breakpoints();
    try {
      const frames = await s.backtrace();
      if (gen !== this.generation) return;
      this.frames = frames;
    } catch (e) {
      if (gen !== this.generation) return;
      this.frames = [];
      this.addLog(`backtrace: ${e instanceof Error ? e.message : String(e)}`, 'err');
    }
    const f = this.frames[this.selectedFrame];
    if (!isStop && f) this.showLocation(f.location.fullPath ?? f.location.file, f.location.file, f.location.line);
    this.lists.stack.cursor = this.selectedFrame;
    if (isStop) {
      this.regsAtPrevStop = this.regsAtStop;
      this.regsAtStop = new Map();
    }
    try {
      const regs = await s.registers();
      if (gen !== this.generation) return;
      // Change marks compare a frame with itself at the previous stop: frame 0 always, an outer frame while its CFA is the same.
      const key = frameKey(f, this.selectedFrame);
      this.regsAtStop.set(key, new Map(regs.filter((r) => !r.notSaved).map((r) => [r.name, r.value])));
      this.prevRegs = this.regsAtPrevStop.get(key) ?? new Map();
      this.regs = regs;
    } catch (e) {
      if (gen !== this.generation) return;
      this.regs = [];
      this.addLog(`registers: ${e instanceof Error ? e.message : String(e)}`, 'err');
    }
    this.notify();
    const scope = f ? `${f.location.function ?? '?'}@${f.cfa ?? f.level}` : 'none';
    await this.vars.refresh(s, scope, isStop);
    if (gen !== this.generation) return;
    this.notify();
    await this.extrasLocked(gen, isStop);
  }

  /** Disassembly and memory, when their panes are shown. */
  refreshExtras(): Promise<void> {
    const gen = this.generation;
    return this.lock.run(() => this.extrasLocked(gen));
  }

  private async extrasLocked(gen: number, isStop = false): Promise<void> {
    if (this.state !== 'stopped' || this.session.state !== 'stopped') return;
    if (this.shown.includes('disassembly')) {
      const pc = this.frames[this.selectedFrame]?.pc ?? this.stop?.location.address;
      if (pc !== undefined) await this.dis.load((a, n) => this.session.readMemory(a, n), pc);
      if (gen !== this.generation) return;
    }
    if (isStop) {
      // What was on screen before this stop is what changes are shown against; a hidden pane shows none.
      this.memoryBefore = this.memory && this.memoryAddr !== undefined ? { addr: this.memoryAddr, bytes: this.memory } : undefined;
      if (!this.shown.includes('memory')) this.memory = undefined;
    }
    if (this.shown.includes('memory') && this.memoryExpr) await this.memoryLocked(gen);
    await this.live.stopped(this.shown);
    this.notify();
  }

  /** Loads code above the disassembly window; cursor and scroll stay on the same rows. */
  disasmEarlier(): Promise<void> {
    return this.lock.run(async () => {
      if (this.session.state !== 'stopped') return;
      const n = await this.dis.earlier((a, len) => this.session.readMemory(a, len));
      const st = this.lists.disassembly;
      st.cursor = Math.max(0, st.cursor + n - 1);
      st.top = Math.min(st.top + n, st.cursor);
      this.notify();
    });
  }

  /** Shows `disassemble /s` source lines in the disassembly pane, or not. */
  toggleInterleave(): Promise<void> {
    this.dis.withSource = !this.dis.withSource;
    return this.refreshExtras();
  }

  refreshMemory(): Promise<void> {
    const gen = this.generation;
    return this.lock.run(() => this.memoryLocked(gen));
  }

  private async memoryLocked(gen: number): Promise<void> {
    if (!this.memoryExpr || this.session.state !== 'stopped') return;
    try {
      const node = await this.session.watch(this.memoryExpr);
      const addr = addressOf(node.value);
      if (addr === undefined) throw new Error(`"${this.memoryExpr}" = ${node.value} is not an address`);
      const bytes = await this.session.readMemory(addr, 512);
      if (gen !== this.generation) return;
      this.memoryAddr = addr;
      this.memory = bytes;
      this.memoryError = undefined;
    } catch (e) {
      this.memory = undefined;
      this.memoryError = e instanceof Error ? e.message : String(e);
    }
  }

  /** After a command: pick up what it changed that no event reported. */
  afterCommand(): void {
    const s = this.session;
    this.breakpoints = s.breakpoints();
    if (s.state !== this.state) {
      this.syncState();
      return;
    }
    if (this.state === 'stopped' && s.selectedFrame !== this.selectedFrame) {
      this.selectedFrame = s.selectedFrame;
      this.refreshThenPaint(false);
    }
    this.notify();
  }

  /** Whether a breakpoint location (debug-info name or full path) is the file shown in the source pane. */
  isShownFile(file: string | undefined, fullPath: string | undefined): boolean {
    if (!this.file) return false;
    if (fullPath && fullPath === this.file.path) return true;
    if (!file) return false;
    return file === this.fileName || file === this.file.path || basename(file) === basename(this.file.path);
  }

  sourceFiles(): SourceFileRef[] {
    try {
      return this.program?.sourceFiles() ?? [];
    } catch {
      return [];
    }
  }
}

/** Identifies a frame across stops for register change marks: the innermost is always "0". */
function frameKey(f: FrameInfo | undefined, level: number): string {
  return level === 0 ? '0' : `${level}@${f?.cfa ?? '?'}`;
}

/** A FIFO mutex: the target answers one request at a time (Target is not reentrant). */
export class TargetLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.tail.then(fn);
    this.tail = r.catch(() => undefined);
    return r;
  }
}

/** The address in a printed value: "(struct test *) 0x4052a0", "0x7ffe...", "4210848". */
export function addressOf(value: string): bigint | undefined {
  const hex = /0x[0-9a-fA-F]+/.exec(value);
  if (hex) return BigInt(hex[0]);
  const dec = /^\s*(\d+)\s*$/.exec(value);
  return dec ? BigInt(dec[1]!) : undefined;
}
