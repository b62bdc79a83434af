// Moving in a pane with keys: cursor and scrolling (vi-style counts in the source), and sideways scrolling of long lines.
import type { FocusPane } from './layout.js';
import { clamp, follow } from './lists.js';
import type { UiModel } from './model.js';
import { scrollTo } from './source-view.js';

export type Motion = 'down' | 'up' | 'top' | 'bottom' | 'half-page-down' | 'half-page-up' | 'page-down' | 'page-up';

/** Columns one press of H/L (h/l in some panes) scrolls. */
export const HSTEP = 8;

const CURSOR_PANES: readonly FocusPane[] = ['variables', 'stack', 'breakpoints', 'disassembly', 'threads'];

/** Applies a motion to the focused pane; `count` is a pending vi count (source pane: 73G, 5j). */
export function navigate(action: Motion, focus: FocusPane, count: number, m: UiModel, hooks: { bodyHeight(p: FocusPane): number; rowCount(p: Exclude<FocusPane, 'source' | 'command'>): number; render?(): void }): void {
  const h = Math.max(1, hooks.bodyHeight(focus));
  const step = { down: 1, up: -1, top: -Infinity, bottom: Infinity, 'half-page-down': Math.max(1, h >> 1), 'half-page-up': -Math.max(1, h >> 1), 'page-down': h, 'page-up': -h }[action];
  if (focus === 'source') {
    if (!m.file) return;
    const n = m.file.lineCount;
    const before = m.cursor;
    if (count && (action === 'bottom' || action === 'top')) {
      m.cursor = clamp(count, 1, n);
      m.top = scrollTo(m.cursor, m.top, h, n);
      return;
    }
    if (count && (action === 'down' || action === 'up')) {
      m.cursor = clamp(m.cursor + (action === 'down' ? count : -count), 1, n);
      m.top = scrollTo(m.cursor, m.top, h, n);
      return;
    }
    m.cursor = clamp(Number.isFinite(step) ? m.cursor + step : step > 0 ? n : 1, 1, n);
    if (Math.abs(step) > 1 && Number.isFinite(step)) m.top = clamp(m.top + (m.cursor - before), 1, Math.max(1, n - h + 1));
    m.top = scrollTo(m.cursor, m.top, h, n);
    return;
  }
  if (focus === 'command') {
    m.logScroll = clamp(m.logScroll + (action === 'page-up' ? h : -h), 0, Math.max(0, m.log.length - h));
    return;
  }
  const pane = focus;
  const st = m.lists[pane];
  const rows = hooks.rowCount(pane);
  if (pane === 'disassembly' && st.cursor === 0 && step < 0) {
    // Above the first row: decode the code before it (the previous function).
    void m.disasmEarlier().then(() => hooks.render?.());
    return;
  }
  if (CURSOR_PANES.includes(pane)) {
    st.cursor = clamp(Number.isFinite(step) ? st.cursor + step : step > 0 ? rows - 1 : 0, 0, Math.max(0, rows - 1));
    st.top = follow(st.cursor, st.top, h, rows);
  } else {
    st.top = clamp(Number.isFinite(step) ? st.top + step : step > 0 ? rows - h : 0, 0, Math.max(0, rows - h));
  }
}

/** Horizontal scrolling of long lines in the focused pane. */
export function scrollSideways(f: FocusPane, delta: number, m: UiModel): void {
  if (f === 'source') m.sourceLeft = Math.max(0, m.sourceLeft + delta);
  else if (f !== 'command') m.lists[f].left = Math.max(0, m.lists[f].left + delta);
}
