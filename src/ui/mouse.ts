// The mouse: click focuses a pane and picks a line, frame, variable or breakpoint; the source gutter toggles breakpoints; the wheel scrolls; borders drag.
import type { Controller } from './controller.js';
import type { FocusPane, Layout, Rect } from './layout.js';
import { clamp, follow } from './lists.js';
import type { MouseEvent, TuiScreen } from './screen.js';
import type { SidePaneId } from './pane-layout.js';
import { numberWidth } from './source-view.js';

/** Rows one wheel notch scrolls. */
const WHEEL = 3;
const SIDE: readonly FocusPane[] = ['variables', 'registers', 'stack', 'breakpoints'];

export class MouseInput {
  /** What a held button is dragging, if anything. */
  private drag: 'split' | 'command' | { above: SidePaneId; below: SidePaneId } | undefined;

  constructor(private readonly ctl: Controller, private readonly layout: () => Layout) {}

  attach(screen: TuiScreen): void {
    screen.onMouse((e) => this.handle(e));
  }

  /** The pane at a cell, with the cell relative to the pane (row 0 is its title). */
  private hit(x: number, y: number): { pane: FocusPane; rect: Rect; col: number; row: number } | undefined {
    for (const [pane, rect] of Object.entries(this.layout().panes) as [FocusPane, Rect][]) {
      if (x >= rect.left && x < rect.left + rect.width && y >= rect.top && y < rect.top + rect.height) return { pane, rect, col: x - rect.left, row: y - rect.top };
    }
    return undefined;
  }

  handle(e: MouseEvent): void {
    const ctl = this.ctl;
    if (ctl.overlay) {
      // Dialogs are answered with keys; the help scrolls with the wheel too.
      if (ctl.overlay.kind === 'help' && (e.action === 'wheelup' || e.action === 'wheeldown')) {
        ctl.overlay.top = Math.max(0, ctl.overlay.top + (e.action === 'wheelup' ? -WHEEL : WHEEL));
        ctl.hooks.render();
      }
      return;
    }
    if (e.action === 'mouseup') {
      this.drag = undefined;
      return;
    }
    if (e.action === 'wheelup' || e.action === 'wheeldown') {
      const h = this.hit(e.x, e.y);
      if (h) this.wheel(h.pane, e.action === 'wheelup' ? -WHEEL : WHEEL);
      ctl.hooks.render();
      return;
    }
    if (e.action !== 'mousedown' || e.button !== 'left') return;
    const L = this.layout();
    if (e.motion) {
      // Motion with the button held: only a drag cares.
      const { cols, rows } = ctl.hooks.size();
      if (this.drag === 'split') ctl.panes.moveSplit(cols, 0, e.x);
      else if (this.drag === 'command') ctl.panes.resizeCommand(rows, 0, rows - 1 - e.y);
      else if (this.drag) this.dragSide(this.drag, e.y, L);
      else return;
      ctl.hooks.layoutChanged();
      ctl.hooks.render();
      return;
    }
    this.drag = undefined;
    if (L.split !== undefined && e.x === L.split && L.commandTop !== undefined && e.y < L.commandTop) {
      this.drag = 'split';
      return;
    }
    if (L.commandTop !== undefined && e.y === L.commandTop && !L.zoom) {
      this.drag = 'command';
      return;
    }
    const h = this.hit(e.x, e.y);
    if (!h) return;
    const above = h.row === 0 && SIDE.includes(h.pane) ? this.paneAbove(h.rect, L) : undefined;
    if (above) {
      // The title row of a side pane is the border with the pane above it: drag it.
      this.drag = { above, below: h.pane as SidePaneId };
      return;
    }
    if (ctl.focus !== h.pane) {
      // A click elsewhere leaves the command line as Esc would (the typed text is kept for later).
      if (ctl.focus === 'command' && ctl.prompt) ctl.act('leave');
      ctl.setFocus(h.pane);
    }
    if (h.row > 0) this.click(h.pane, h.col, h.row - 1);
    ctl.hooks.render();
  }

  /** The side pane directly above `r` in the same column. */
  private paneAbove(r: Rect, L: Layout): SidePaneId | undefined {
    return (SIDE as SidePaneId[]).find((p) => {
      const a = L.panes[p];
      return a && a.left === r.left && a.top + a.height === r.top;
    });
  }

  /**
   * Moves the border between two stacked side panes to row `y`: the column's panes get weights
   * equal to their body rows, so the layout keeps these heights (and scales them on resize).
   */
  private dragSide(d: { above: SidePaneId; below: SidePaneId }, y: number, L: Layout): void {
    const a = L.panes[d.above];
    const b = L.panes[d.below];
    if (!a || !b) return;
    const total = a.height + b.height;
    // Each keeps a title and three lines (a weight of at least 1 over distribute()'s 3 rows).
    const aH = clamp(y - a.top, 4, total - 4);
    const heights: Partial<Record<SidePaneId, number>> = {};
    for (const p of SIDE as SidePaneId[]) {
      const r = L.panes[p];
      if (r && r.left === a.left) heights[p] = r.height;
    }
    heights[d.above] = aH;
    heights[d.below] = total - aH;
    // distribute() gives each pane 3 rows, then shares the rest by weight.
    for (const p of Object.keys(heights) as SidePaneId[]) heights[p] = Math.max(1, heights[p]! - 3);
    this.ctl.panes.setSideWeights(heights);
  }

  /** A click on body row `row` (0-based), column `col` of a pane. */
  private click(pane: FocusPane, col: number, row: number): void {
    const ctl = this.ctl;
    const m = ctl.model;
    switch (pane) {
      case 'source': {
        if (!m.file) return;
        const line = m.top + row;
        if (line > m.file.lineCount) return;
        m.cursor = line;
        // The gutter: breakpoint mark, execution mark, line number.
        if (col < 2 + numberWidth(m.file.lineCount)) ctl.act('toggle-breakpoint');
        return;
      }
      case 'stack': {
        const st = m.lists.stack;
        const i = st.top + row;
        if (i >= m.frames.length) return;
        st.cursor = i;
        if (m.frames[i]!.level !== m.selectedFrame) ctl.act('select-frame');
        return;
      }
      case 'threads': {
        const st = m.lists.threads;
        const i = st.top + row;
        const t = m.live.threads[i];
        if (!t) return;
        st.cursor = i;
        if (!t.current) ctl.act('select-thread');
        return;
      }
      case 'variables': {
        const st = m.lists.variables;
        const rows = m.vars.rows();
        const i = st.top + row;
        const r = rows[i];
        if (!r) return;
        st.cursor = i;
        // The expander (+/-) sits after the change mark and the indentation.
        const at = col + st.left;
        if (r.expandable && at >= 1 + 2 * r.depth && at <= 2 + 2 * r.depth) ctl.act('toggle-expand');
        return;
      }
      case 'breakpoints': {
        const st = m.lists.breakpoints;
        const i = st.top + row;
        if (i >= m.breakpoints.length) return;
        st.cursor = i;
        // The glyph column ("B", "b", "?") enables / disables, as Space does.
        if (col + st.left === 3) ctl.act('toggle-enabled');
        return;
      }
      default:
    }
  }

  /** Scrolls the pane under the pointer (not necessarily the focused one). */
  private wheel(pane: FocusPane, delta: number): void {
    const ctl = this.ctl;
    const m = ctl.model;
    const h = Math.max(1, ctl.hooks.bodyHeight(pane));
    if (pane === 'source') {
      if (!m.file) return;
      m.top = clamp(m.top + delta, 1, Math.max(1, m.file.lineCount - h + 1));
      m.cursor = clamp(m.cursor, m.top, m.top + h - 1);
      return;
    }
    if (pane === 'command') {
      m.logScroll = clamp(m.logScroll - delta, 0, Math.max(0, m.log.length - (h - 1))); // h - 1: the input line
      return;
    }
    const st = m.lists[pane];
    const count = ctl.hooks.rowCount(pane);
    st.top = clamp(st.top + delta, 0, Math.max(0, count - h));
    // Panes with a cursor keep it on screen (the renderer scrolls to the cursor otherwise).
    if (pane === 'variables' || pane === 'stack' || pane === 'breakpoints' || pane === 'threads') {
      st.cursor = clamp(st.cursor, st.top, st.top + h - 1);
      st.top = follow(st.cursor, st.top, h, count);
    }
  }
}
