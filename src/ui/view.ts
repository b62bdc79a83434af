// Draws the whole UI from the model and controller state into the screen's surfaces (views only render state).
import type { Config } from './config.js';
import type { Controller, FocusPane } from './controller.js';
import { changedOffsets, renderCommand, renderDisasm, renderMemory, renderText, hexRows } from './extra-views.js';
import { computeLayout, tooSmallLines, type Layout, type PaneId } from './layout.js';
import { follow, renderBreakpointRow, renderFrameRow, renderStatus, renderTitle } from './lists.js';
import type { UiModel } from './model.js';
import { overlayRect, renderOverlayFor } from './overlays.js';
import { renderRegisters, registerRowCount } from './registers-view.js';
import type { TuiScreen } from './screen.js';
import { gutterMarks, renderSource, scrollTo } from './source-view.js';
import { Line } from './text.js';
import type { Theme } from './theme.js';
import { renderTreeRow } from './var-tree.js';
import { renderThreads } from './threads-pane.js';
import { xenPaneLines } from './xen-pane.js';
import { displayKey, type ActionId, type KeyContext, type Keymap } from './keymap.js';
import type { SessionState } from '../core/api.js';

/** Key hints for the status line, from the key table (so a rebound key shows its new key). */
export function statusHints(k: Keymap, running: boolean, searching: boolean): [string, string][] {
  const rows: [ActionId, string, KeyContext[]][] = searching
    ? [['search-next', 'next match', ['search']], ['search-prev', 'previous', ['search']], ['search-backward', 'backward', ['search']], ['leave-search', 'leave search', ['search']]]
    : running
      ? [['interrupt', 'interrupt', ['global']], ['help', 'help', ['pane']]]
      : [['continue', 'cont', ['global']], ['next', 'next', ['global']], ['step', 'step', ['global']], ['toggle-breakpoint', 'break', ['global']], ['next-pane', 'pane', ['global']], ['zoom', 'zoom', ['pane', 'global']], ['command-line', 'cmd', ['pane']], ['help', 'help', ['pane']], ['quit', 'quit', ['pane']]];
  return rows.map(([a, what, ctx]): [string, string] => [k.hint(a, ...ctx), what]).filter(([key]) => key);
}

/** What quitting does now, in the confirmation dialog. */
export function quitQuestion(state: SessionState | 'starting', canExecute = true, kills = false, exitText?: string): string {
  if (!canExecute && state !== 'detached') return 'Close the post-mortem session and quit duster-tui?';
  // A program duster-tui started itself is killed on quit, as gdb does; anything else is detached from.
  if (kills && state !== 'exited' && state !== 'detached') return 'Kill the program (duster-tui started it) and quit?';
  switch (state) {
    // exitText is the exit report; none: never run yet, or killed (gdb's words for both).
    case 'exited': return `${!exitText ? 'The program is not being run.' : /exited/.test(exitText) ? 'The program has exited.' : 'The program no longer exists.'} Quit duster-tui?`;
    case 'detached': return 'Not attached to any target. Quit duster-tui?';
    case 'running': return 'Detach from the target (it keeps running, breakpoints removed) and quit?';
    default: return 'Detach from the target (it continues from here, breakpoints removed) and quit?';
  }
}

const TITLES: Record<PaneId, string> = {
  source: 'Source', variables: 'Variables', registers: 'Registers', stack: 'Call stack', breakpoints: 'Breakpoints',
  command: 'Command', disassembly: 'Disassembly', memory: 'Memory', output: 'Program output', threads: 'Threads', xen: 'Xen domain',
};
const ALL: PaneId[] = ['source', 'variables', 'registers', 'stack', 'breakpoints', 'command', 'disassembly', 'memory', 'output', 'threads', 'xen'];

export class View {
  layout: Layout;

  constructor(private readonly screen: TuiScreen, private readonly model: UiModel, private readonly ctl: Controller, private readonly theme: Theme, private readonly config: Config, private readonly target: string) {
    this.layout = this.relayout();
  }

  relayout(): Layout {
    const zoom = this.ctl.panes.zoom;
    this.layout = computeLayout(this.screen.cols, this.screen.rows, this.config.panes, this.model.shown, { zoom, withCommand: this.ctl.focus === 'command' });
    for (const id of ALL) this.screen.surface(id).place(this.layout.panes[id]);
    this.layout.separators.forEach((r, i) => this.screen.surface(`sep${i}`).place(r));
    for (let i = this.layout.separators.length; i < 3; i++) this.screen.surface(`sep${i}`).place(undefined);
    this.screen.surface('status').place(this.layout.tooSmall ? undefined : this.layout.status);
    this.screen.surface('small').place(this.layout.tooSmall ? { left: 0, top: 0, width: this.layout.cols, height: this.layout.rows } : undefined);
    const m = this.model;
    m.sourceHeight = this.bodyHeight('source');
    // Keep the cursor (which follows the execution point) visible in the resized pane.
    if (m.file && m.sourceHeight > 0) m.top = scrollTo(m.cursor, m.top, m.sourceHeight, m.file.lineCount);
    return this.layout;
  }

  bodyHeight(p: FocusPane): number {
    const r = this.layout.panes[p];
    return r ? Math.max(0, r.height - 1) : 0;
  }

  /** Rows a scrolling pane holds at its current width. */
  rowCount(p: Exclude<FocusPane, 'source' | 'command'>): number {
    const m = this.model;
    const w = this.layout.panes[p]?.width ?? 80;
    switch (p) {
      case 'variables': return m.vars.rows().length;
      case 'stack': return m.frames.length;
      case 'breakpoints': return m.breakpoints.length;
      case 'registers': return registerRowCount({ width: w, regs: m.regs, previous: m.prevRegs, radix: m.radix });
      case 'disassembly': return m.disasm.length;
      case 'memory': return m.memory ? hexRows(m.memoryAddr ?? 0n, m.memory, w).length : 0;
      case 'output': return m.outputLines().length;
      case 'threads': return m.live.threads.length;
      case 'xen': return m.live.xen ? xenPaneLines(m.live.xen).length : 0;
    }
  }

  private pane(id: PaneId, right: string, body: (w: number, h: number) => string[]): void {
    const r = this.layout.panes[id];
    if (!r) return;
    const focused = this.ctl.focus === id && !this.ctl.overlay;
    const left = id === 'source' ? this.model.sourceLeft : id === 'command' ? 0 : this.model.lists[id].left;
    // Scrolled sideways or zoomed: say so in the title, with the key that goes back.
    const notes = [left ? `col ${left + 1}` : '', this.layout.zoom === id ? `zoomed, ${this.ctl.keymap.hint('zoom', 'pane', 'global')} restores` : '', right].filter(Boolean);
    const title = id === 'output' && this.model.session.xen ? 'Guest console' : id === 'threads' && this.model.session.xen ? 'vCPUs' : TITLES[id];
    this.screen.surface(id).set([renderTitle(title, r.width, focused, this.theme, notes.join('  ')), ...body(r.width, r.height - 1)]);
  }

  render(): void {
    const t = this.theme;
    const m = this.model;
    const ctl = this.ctl;
    const L = this.layout;
    if (L.tooSmall) {
      const lines = tooSmallLines(L.cols, L.rows);
      const top = Math.max(0, Math.floor((L.rows - lines.length) / 2));
      const out: string[] = [];
      for (let y = 0; y < L.rows; y++) {
        const text = lines[y - top] ?? '';
        const line = new Line(L.cols, t.style('text'));
        line.pad(Math.max(0, Math.floor((L.cols - text.length) / 2)));
        line.add(text, y === top ? t.style('error') : t.style('text'));
        out.push(line.toString(t.style('text')));
      }
      this.screen.surface('small').set(out);
      this.screen.surface('overlay').place(undefined);
      this.screen.render();
      return;
    }
    const running = m.state === 'running';
    const stale = running ? 'running' : m.state === 'exited' ? 'not running' : '';

    this.pane('source', m.file ? m.file.path : m.fileName ?? '', (w, h) => {
      const loc = m.frameLocation;
      const execHere = loc && loc.line !== undefined && (m.isShownFile(loc.name, loc.path)) && !running;
      return renderSource({
        width: w, height: h, file: m.file, top: m.top, cursor: m.cursor, theme: t, focused: ctl.focus === 'source',
        execLine: execHere ? loc.line : undefined, execIsInnermost: m.selectedFrame === 0,
        missingHint: `${ctl.keymap.hint('open-file', 'source')}: open a source file   ${ctl.keymap.hint('toggle-disassembly', 'pane')}: disassembly`,
        marks: gutterMarks(m.breakpoints, (f, p) => m.isShownFile(f, p)), search: ctl.activeSearch() ? m.searchRe : undefined,
        current: ctl.search ? m.searchCurrent : undefined, left: m.sourceLeft,
        missing: m.state === 'starting' ? { reason: 'Waiting for the target' } : running ? { reason: 'The program is running', name: undefined } : loc
          ? { reason: loc.path ? 'Source not available' : 'No line information', name: loc.path, address: loc.address, function: loc.function }
          : { reason: m.state === 'exited' ? 'The program is not running' : 'No source file shown' },
      });
    });

    this.pane('variables', stale, (w, h) => {
      const rows = m.vars.rows();
      const st = m.lists.variables;
      st.cursor = Math.max(0, Math.min(st.cursor, rows.length - 1));
      st.top = follow(st.cursor, st.top, h, rows.length);
      const out: string[] = [];
      for (let i = 0; i < h; i++) {
        const row = rows[st.top + i];
        if (row) out.push(renderTreeRow(row, w, ctl.focus === 'variables' && st.top + i === st.cursor, t, st.left));
        else out.push(new Line(w, t.style('text')).add(i === 0 && !rows.length ? (running ? '' : m.vars.message ?? 'No locals.') : '', t.style('muted')).toString(t.style('text')));
      }
      return out;
    });

    this.pane('registers', [m.selectedFrame && !stale ? `frame ${m.selectedFrame}` : '', m.radix === 'hex' ? 'hex' : 'dec', stale].filter(Boolean).join(' '), (w, h) =>
      renderRegisters({ width: w, height: h, top: m.lists.registers.top, regs: m.regs, previous: m.prevRegs, radix: m.radix, theme: t, empty: running ? '' : 'No registers' }));

    this.pane('stack', stale, (w, h) => {
      const st = m.lists.stack;
      st.top = follow(st.cursor, st.top, h, m.frames.length);
      const out: string[] = [];
      for (let i = 0; i < h; i++) {
        const f = m.frames[st.top + i];
        out.push(f ? renderFrameRow(f, w, f.level === m.selectedFrame, ctl.focus === 'stack' && st.top + i === st.cursor, t, st.left) : new Line(w, t.style('text')).add(i === 0 && !m.frames.length && !running ? 'No stack.' : '', t.style('muted')).toString(t.style('text')));
      }
      return out;
    });

    this.pane('breakpoints', `${m.breakpoints.length || ''}`, (w, h) => {
      const st = m.lists.breakpoints;
      st.cursor = Math.max(0, Math.min(st.cursor, m.breakpoints.length - 1));
      st.top = follow(st.cursor, st.top, h, m.breakpoints.length);
      const out: string[] = [];
      for (let i = 0; i < h; i++) {
        const bp = m.breakpoints[st.top + i];
        out.push(bp ? renderBreakpointRow(bp, w, ctl.focus === 'breakpoints' && st.top + i === st.cursor, t, st.left) : new Line(w, t.style('text')).add(i === 0 && !m.breakpoints.length ? `No breakpoints (${[ctl.keymap.hint('toggle-breakpoint', 'global'), ctl.keymap.hint('toggle-breakpoint', 'source')].filter(Boolean).join(' or ')} sets one).` : '', t.style('muted')).toString(t.style('text')));
      }
      return out;
    });

    this.pane('command', ctl.busy ? `running: ${ctl.busy}` : m.logScroll ? `scrolled back ${m.logScroll}` : '', (w, h) =>
      renderCommand({ width: w, height: h, log: m.log, scroll: m.logScroll, prompt: ctl.commandPrompt(), input: ctl.editor.text, cursor: ctl.editor.cursor, focused: ctl.focus === 'command', busy: ctl.busy ? `running "${ctl.busy}" (${ctl.keymap.keysFor('interrupt').map(displayKey).join('/')} interrupts)` : undefined, theme: t,
        idle: `press ${ctl.keymap.hint('command-line', 'pane')} to type a command` }));

    this.pane('disassembly', [m.dis.withSource ? '/s' : '', stale].filter(Boolean).join(' '), (w, h) => {
      const pc = m.frames[m.selectedFrame]?.pc ?? m.stop?.location.address;
      const st = m.lists.disassembly;
      const at = m.dis.indexOf(pc);
      const focused = ctl.focus === 'disassembly';
      // A new pc (a stop, another frame) brings the cursor to it, a third from the top, unless the user is moving in the pane.
      if (!focused && at >= 0 && pc !== m.dis.followedPc) {
        m.dis.followedPc = pc;
        st.cursor = at;
        if (at < st.top || at >= st.top + h) st.top = Math.max(0, Math.min(at - Math.floor(h / 3), m.disasm.length - h));
      }
      st.cursor = Math.max(0, Math.min(st.cursor, m.disasm.length - 1));
      st.top = follow(st.cursor, st.top, h, m.disasm.length);
      const bps = new Map<bigint, boolean>();
      for (const b of m.breakpoints) for (const l of b.locations) if (!bps.get(l.address)) bps.set(l.address, b.enabled);
      return renderDisasm(m.disasm, pc, w, h, st.top, t, { error: m.dis.error, cursor: focused ? st.cursor : undefined, breakpoints: bps, left: st.left });
    });
    this.pane('memory', m.memoryExpr ?? '', (w, h) => {
      if (m.memoryError) return renderText([`${m.memoryError}`], w, h, 0, t);
      if (m.memory && m.memoryAddr !== undefined) return renderMemory(m.memoryAddr, m.memory, changedOffsets(m.memoryAddr, m.memory, m.memoryBefore), w, h, m.lists.memory.top, t);
      return renderText([], w, h, 0, t, `${ctl.keymap.hint('memory-expression', 'memory')}: choose an expression to follow`);
    });
    this.pane('output', '', (w, h) => {
      const lines = m.outputLines();
      const st = m.lists.output;
      const top = ctl.focus === 'output' ? st.top : Math.max(0, lines.length - h);
      return renderText(lines, w, h, top, t, m.session.xen ? 'No console output (yet).' : 'No output from the program (yet).');
    });
    this.pane('threads', `${m.live.threads.length || ''}`, (w, h) => {
      const rows = m.live.threads;
      const st = m.lists.threads;
      st.cursor = Math.max(0, Math.min(st.cursor, rows.length - 1));
      st.top = follow(st.cursor, st.top, h, rows.length);
      return renderThreads(rows, w, h, st.top, ctl.focus === 'threads' ? st.cursor : undefined, t, st.left, m.state === 'stopped' ? 'No threads.' : 'The program is not running.');
    });
    this.pane('xen', running ? 'live' : '', (w, h) => {
      const lines = m.live.xen ? xenPaneLines(m.live.xen, m.session.describe?.bind(m.session)) : [];
      return renderText(lines, w, h, m.lists.xen.top, t, m.session.xen ? 'Reading the domain...' : 'The target is not a Xen domain.');
    });

    L.separators.forEach((r, i) => this.screen.surface(`sep${i}`).set(Array.from({ length: r.height }, () => new Line(1, t.style('separator')).add('\u2502').toString())));

    const search = ctl.focus === 'source' ? ctl.activeSearch() : undefined;
    const note = search ? `SEARCH ${search.describe()}` : m.state === 'exited' ? m.exitText : undefined;
    this.screen.surface('status').set([renderStatus({ width: L.cols, target: this.target, state: m.state, stop: m.stop, note, hints: statusHints(ctl.keymap, running, !!search), theme: t })]);

    const ov = ctl.overlay;
    const surf = this.screen.surface('overlay');
    if (ov) {
      const help = ctl.keymap.helpLines();
      const files = m.sourceFiles();
      const rect = ov.kind === 'confirm-quit' ? overlayRect(L.cols, L.rows, 78, 7) : ov.kind === 'help' ? overlayRect(L.cols, L.rows, 90, help.length + 2) : overlayRect(L.cols, L.rows, 80, files.length + 2);
      surf.place(rect);
      surf.front();
      surf.set(renderOverlayFor(ov, rect, help, files, t, quitQuestion(m.state, m.session.canExecute !== false, m.quitKillsProgram, m.exitText)));
    } else surf.place(undefined);
    this.screen.render();
  }
}
