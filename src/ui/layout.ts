// Layout maths: where each pane goes for a terminal size (80x24 up to 250x70 and beyond), or "too small".
import type { OptionalPane, PaneSizes } from './config.js';

export type SidePane = 'variables' | 'registers' | 'stack' | 'breakpoints';
export type PaneId = 'source' | SidePane | 'command' | OptionalPane;

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

/** The command pane's height (title + log + input line) for `rows` terminal rows. */
export function commandHeight(rows: number, configured: number): number {
  if (configured > 0) return Math.min(configured, rows - 1 - 3 * (MIN_BODY + 1));
  return Math.max(5, Math.min(14, Math.round(rows * 0.2)));
}

export function computeLayout(cols: number, rows: number, sizes: PaneSizes, optional: readonly OptionalPane[] = []): Layout {
  const status: Rect = { left: 0, top: Math.max(0, rows - 1), width: cols, height: 1 };
  if (cols < MIN_COLS || rows < MIN_ROWS) return { cols, rows, tooSmall: true, panes: {}, separators: [], status };
  const panes: Partial<Record<PaneId, Rect>> = {};
  const cmdH = commandHeight(rows, sizes.commandHeight);
  const mainH = rows - 1 - cmdH;
  panes.command = { left: 0, top: mainH, width: cols, height: cmdH };

  const leftW = Math.max(40, Math.min(cols - 31, Math.round((cols * sizes.sourceWidth) / 100)));
  const rightX = leftW + 1;
  const rightW = cols - rightX;
  const separators: Rect[] = [{ left: leftW, top: 0, width: 1, height: mainH }];

  // Left column: source, then the optional panes that are shown.
  const leftIds: PaneId[] = ['source', ...optional];
  const leftWeights = [optional.length ? 5 : 1, ...optional.map(() => 2)];
  stack(0, 0, leftW, distribute(mainH, leftWeights, MIN_BODY + 1), leftIds, panes);

  // Right side: one column, or two when there is room for two readable columns.
  const w = { variables: sizes.variables, registers: sizes.registers, stack: sizes.stack, breakpoints: sizes.breakpoints };
  if (rightW >= 70) {
    const aW = Math.floor((rightW - 1) / 2);
    const bX = rightX + aW + 1;
    const bW = cols - bX;
    separators.push({ left: rightX + aW, top: 0, width: 1, height: mainH });
    stack(rightX, 0, aW, distribute(mainH, [w.variables, w.stack], MIN_BODY + 1), ['variables', 'stack'], panes);
    stack(bX, 0, bW, distribute(mainH, [w.registers, w.breakpoints], MIN_BODY + 1), ['registers', 'breakpoints'], panes);
  } else {
    const ids: SidePane[] = ['variables', 'registers', 'stack', 'breakpoints'];
    stack(rightX, 0, rightW, distribute(mainH, ids.map((id) => w[id]), MIN_BODY + 1), ids, panes);
  }
  return { cols, rows, tooSmall: false, panes, separators, status };
}

/** The message shown instead of the panes while the terminal is below the minimum. */
export function tooSmallLines(cols: number, rows: number): string[] {
  return [
    'Terminal too small',
    `${cols}x${rows}: duster-tui needs at least ${MIN_COLS}x${MIN_ROWS}.`,
    'Enlarge the window to continue (q quits).',
  ];
}
