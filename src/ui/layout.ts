// Layout maths: where each pane goes for a terminal size (80x24 up to 250x70 and beyond), or "too small".
import type { OptionalPane, PaneSizes } from './config.js';

export type SidePane = 'variables' | 'registers' | 'stack' | 'breakpoints';
export type PaneId = 'source' | SidePane | 'command' | OptionalPane;
/** A pane that can hold the focus (every pane). */
export type FocusPane = PaneId;

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Layout {
  cols: number;
  rows: number;
  tooSmall: boolean;
  panes: Partial<Record<PaneId, Rect>>;
  /** Vertical separator lines between columns. */
  separators: Rect[];
  status: Rect;
  /** Column of the separator between the source column and the side panes (dragged with the mouse). */
  split?: number;
  /** Row of the command pane's title (dragged with the mouse to resize the log). */
  commandTop?: number;
  /** The pane zoomed to full screen. */
  zoom?: PaneId;
}

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/** Every pane gets at least a title and this many lines. */
const MIN_BODY = 2;

/** Splits `total` into parts proportional to `weights`, each at least `min`, summing exactly to `total`. */
export function distribute(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (!n) return [];
  if (total <= min * n) {
    const base = Math.floor(total / n);
    return weights.map((_, i) => base + (i < total - base * n ? 1 : 0));
  }
  const free = total - min * n;
  const sum = weights.reduce((a, b) => a + b, 0) || n;
  const exact = weights.map((w) => (free * (w || 0)) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = free - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  return parts.map((p) => p + min);
}

function stack(left: number, top: number, width: number, heights: number[], ids: PaneId[], into: Partial<Record<PaneId, Rect>>): void {
  let y = top;
  ids.forEach((id, i) => {
    into[id] = { left, top: y, width, height: heights[i]! };
    y += heights[i]!;
  });
}

/** The command pane's height (title + log + input line) for `rows` terminal rows; `room` = rows the panes above need. */
export function commandHeight(rows: number, configured: number, room = 3 * (MIN_BODY + 1)): number {
  const max = rows - 1 - room;
  if (configured > 0) return Math.max(3, Math.min(configured, max));
  // Automatic: a quarter of the terminal, so help, ptype and bt output stay readable on tall terminals.
  return Math.max(5, Math.min(24, max, Math.round(rows * 0.25)));
}

/** The source column's width: configured percent, or automatic (60%, at most 100 columns: code rarely needs more). */
export function sourceColumns(cols: number, percent: number): number {
  const want = percent > 0 ? Math.round((cols * percent) / 100) : Math.min(100, Math.round(cols * 0.6));
  return Math.max(MIN_SIDE, Math.min(cols - 1 - MIN_SIDE, want));
}

/** Narrowest column a pane gets beside another. */
export const MIN_SIDE = 30;

export interface LayoutState {
  /** The pane shown alone (full screen but the status line). */
  zoom?: PaneId;
  /** Show the command pane under a zoomed pane (while typing a command). */
  withCommand?: boolean;
}

export function computeLayout(cols: number, rows: number, sizes: PaneSizes, optional: readonly OptionalPane[] = [], state: LayoutState = {}): Layout {
  const status: Rect = { left: 0, top: Math.max(0, rows - 1), width: cols, height: 1 };
  if (cols < MIN_COLS || rows < MIN_ROWS) return { cols, rows, tooSmall: true, panes: {}, separators: [], status };
  const panes: Partial<Record<PaneId, Rect>> = {};
  const hidden = new Set<PaneId>(sizes.hide ?? []);

  if (state.zoom) {
    const cmdH = state.zoom !== 'command' && state.withCommand ? commandHeight(rows, sizes.commandHeight, MIN_BODY + 1) : 0;
    panes[state.zoom] = { left: 0, top: 0, width: cols, height: rows - 1 - cmdH };
    if (cmdH) panes.command = { left: 0, top: rows - 1 - cmdH, width: cols, height: cmdH };
    return { cols, rows, tooSmall: false, panes, separators: [], status, zoom: state.zoom };
  }

  const leftIds: PaneId[] = [...(hidden.has('source') ? [] : ['source' as const]), ...optional];
  const sideIds = (['variables', 'registers', 'stack', 'breakpoints'] as const).filter((id) => !hidden.has(id));
  if (!leftIds.length && !sideIds.length) {
    // Every pane hidden: the command log has the screen.
    panes.command = { left: 0, top: 0, width: cols, height: rows - 1 };
    return { cols, rows, tooSmall: false, panes, separators: [], status, commandTop: 0 };
  }
  const tallest = Math.max(leftIds.length, sideIds.length, 1);
  const cmdH = commandHeight(rows, sizes.commandHeight, Math.min(3, tallest) * (MIN_BODY + 1));
  const mainH = rows - 1 - cmdH;
  panes.command = { left: 0, top: mainH, width: cols, height: cmdH };

  const separators: Rect[] = [];
  let leftW = cols;
  let rightX = 0;
  if (leftIds.length && sideIds.length) {
    leftW = sourceColumns(cols, sizes.sourceWidth);
    rightX = leftW + 1;
    separators.push({ left: leftW, top: 0, width: 1, height: mainH });
  }
  const rightW = cols - rightX;

  // Left column: source, then the optional panes that are shown.
  if (leftIds.length) {
    const leftWeights = leftIds.map((id) => (id === 'source' ? 5 : 2));
    stack(0, 0, leftW, distribute(mainH, leftWeights, MIN_BODY + 1), leftIds, panes);
  }
  if (!sideIds.length) return { cols, rows, tooSmall: false, panes, separators, status, split: undefined, commandTop: mainH };

  // Right side: one column, or two when there is room for two readable columns.
  const w = { variables: sizes.variables, registers: sizes.registers, stack: sizes.stack, breakpoints: sizes.breakpoints };
  const colA = sideIds.filter((id) => id === 'variables' || id === 'stack');
  const colB = sideIds.filter((id) => id === 'registers' || id === 'breakpoints');
  // Two columns when both can be 35 wide (a frame or a variable is rarely readable in less), or when the side spans the screen.
  if (colA.length && colB.length && (rightW >= 71 || (!leftIds.length && rightW >= 2 * MIN_SIDE + 1))) {
    const aW = Math.floor((rightW - 1) / 2);
    const bX = rightX + aW + 1;
    const bW = cols - bX;
    separators.push({ left: rightX + aW, top: 0, width: 1, height: mainH });
    stack(rightX, 0, aW, distribute(mainH, colA.map((id) => w[id]), MIN_BODY + 1), colA, panes);
    stack(bX, 0, bW, distribute(mainH, colB.map((id) => w[id]), MIN_BODY + 1), colB, panes);
  } else {
    stack(rightX, 0, rightW, distribute(mainH, sideIds.map((id) => w[id]), MIN_BODY + 1), [...sideIds], panes);
  }
  return { cols, rows, tooSmall: false, panes, separators, status, split: leftIds.length ? leftW : undefined, commandTop: mainH };
}

/** The message shown instead of the panes while the terminal is below the minimum. */
export function tooSmallLines(cols: number, rows: number): string[] {
  return [
    'Terminal too small',
    `${cols}x${rows}: duster-tui needs at least ${MIN_COLS}x${MIN_ROWS}.`,
    'Enlarge the window to continue (q quits).',
  ];
}
