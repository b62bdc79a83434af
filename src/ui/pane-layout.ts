// The layout the user chooses at run time: which panes are shown, which one is zoomed, where the splits are; remembered in the config file.
import { CORE_PANES, defaultPanes, saveLayout, type CorePane, type OptionalPane, type PaneSizes } from './config.js';
import { commandHeight, MIN_SIDE, sourceColumns, type PaneId } from './layout.js';

export const OPTIONAL_PANES: readonly OptionalPane[] = ['disassembly', 'memory', 'output', 'threads', 'xen'];
export type SidePaneId = 'variables' | 'registers' | 'stack' | 'breakpoints';

/** Names a user may type for a pane: ours, gdb's TUI names (src, asm, regs, cmd) and short forms. */
const PANE_NAMES: Record<string, PaneId> = {
  source: 'source', src: 'source', variables: 'variables', vars: 'variables', locals: 'variables', registers: 'registers', regs: 'registers',
  stack: 'stack', bt: 'stack', 'call-stack': 'stack', breakpoints: 'breakpoints', breaks: 'breakpoints', bp: 'breakpoints', command: 'command', cmd: 'command',
  disassembly: 'disassembly', asm: 'disassembly', memory: 'memory', mem: 'memory', output: 'output', console: 'output',
  threads: 'threads', vcpus: 'threads', xen: 'xen', domain: 'xen',
};

export function paneByName(name: string): PaneId | undefined {
  return PANE_NAMES[name.toLowerCase()];
}

export function isOptional(p: PaneId): p is OptionalPane {
  return (OPTIONAL_PANES as readonly string[]).includes(p);
}

export function isCore(p: PaneId): p is CorePane {
  return (CORE_PANES as readonly string[]).includes(p);
}

export class PaneLayout {
  /** Zoomed pane, if any (not remembered: a session starts with every chosen pane on screen). */
  zoom: PaneId | undefined;
  /** The last error saving the config (reported once). */
  private saveError: string | undefined;

  /**
   * `sizes` is the config's panes object (mutated); `shown` reads and writes the optional panes
   * shown (kept in the model); `path` is the config file (undefined: do not save).
   */
  constructor(
    readonly sizes: PaneSizes,
    private readonly optional: { shown: OptionalPane[] },
    private readonly path: string | undefined,
    private readonly warn: (text: string) => void,
    forced: readonly OptionalPane[] = [],
  ) {
    this.forced = new Set(forced.filter((p) => !sizes.show.includes(p)));
  }

  /** Panes the front end showed for this session only (the Output pane of a program we run): not remembered unless the user toggles them. */
  private readonly forced: Set<OptionalPane>;

  get shown(): OptionalPane[] {
    return this.optional.shown;
  }

  isVisible(p: PaneId): boolean {
    if (p === 'command') return true;
    if (isOptional(p)) return this.shown.includes(p);
    return !this.sizes.hide.includes(p);
  }

  /** Shows or hides a pane; returns a message when that cannot be done. */
  setVisible(p: PaneId, visible: boolean): string | undefined {
    if (p === 'command') return visible ? undefined : 'The command pane cannot be hidden (zoom another pane with z instead).';
    if (this.isVisible(p) === visible) return undefined;
    if (isOptional(p)) {
      this.optional.shown = visible ? [...this.shown, p] : this.shown.filter((x) => x !== p);
      this.forced.delete(p);
    }
    else this.sizes.hide = visible ? this.sizes.hide.filter((x) => x !== p) : [...this.sizes.hide, p];
    if (!visible && this.zoom === p) this.zoom = undefined;
    this.save();
    return undefined;
  }

  toggle(p: PaneId): string | undefined {
    return this.setVisible(p, !this.isVisible(p));
  }

  /** Moves the split between the source column and the side panes by `delta` columns (or to column `at`). */
  moveSplit(cols: number, delta: number, at?: number): void {
    const now = sourceColumns(cols, this.sizes.sourceWidth);
    const want = Math.max(MIN_SIDE, Math.min(cols - 1 - MIN_SIDE, at ?? now + delta));
    // Stored as a percentage, so the split keeps its place when the terminal is resized.
    this.sizes.sourceWidth = Math.max(20, Math.min(90, Math.round((want * 100) / cols)));
    if (sourceColumns(cols, this.sizes.sourceWidth) === now && delta) this.sizes.sourceWidth = Math.max(20, Math.min(90, this.sizes.sourceWidth + Math.sign(delta)));
    this.save();
  }

  /** Makes the command pane `delta` rows taller (or exactly `rows` rows). */
  resizeCommand(rows: number, delta: number, exact?: number): void {
    const now = commandHeight(rows, this.sizes.commandHeight);
    this.sizes.commandHeight = Math.max(3, Math.min(100, exact ?? now + delta));
    this.save();
  }

  /** Changes a side pane's relative height (1-100) by `delta` (or sets it). */
  resizeSide(p: SidePaneId, delta: number, exact?: number): void {
    this.sizes[p] = Math.max(1, Math.min(100, exact ?? this.sizes[p] + delta));
    this.save();
  }

  /** Sets side panes' relative heights at once (a dragged border between two of them). */
  setSideWeights(w: Partial<Record<SidePaneId, number>>): void {
    for (const [p, v] of Object.entries(w) as [SidePaneId, number][]) this.sizes[p] = Math.max(1, Math.min(100, Math.round(v)));
    this.save();
  }

  /** Every pane back, automatic sizes, no zoom. */
  reset(): void {
    const d = defaultPanes();
    Object.assign(this.sizes, d);
    this.zoom = undefined;
    this.save();
  }

  /** One line describing the layout (for `layout` without arguments). */
  describe(cols: number, rows: number): string {
    const s = this.sizes;
    const shown = [...CORE_PANES.filter((p) => this.isVisible(p)), ...this.shown, 'command'];
    const hidden = [...CORE_PANES, ...OPTIONAL_PANES].filter((p) => !this.isVisible(p));
    return [
      `shown: ${shown.join(', ')}${hidden.length ? `; hidden: ${hidden.join(', ')}` : ''}${this.zoom ? `; zoomed: ${this.zoom}` : ''}`,
      `source column: ${sourceColumns(cols, s.sourceWidth)} of ${cols} columns (${s.sourceWidth ? `${s.sourceWidth}%` : 'automatic'}); command pane: ${commandHeight(rows, s.commandHeight)} rows (${s.commandHeight || 'automatic'})`,
      `side pane heights: variables ${s.variables}, registers ${s.registers}, stack ${s.stack}, breakpoints ${s.breakpoints}`,
    ].join('\n');
  }

  /** Writes the layout into the config file (one error message per session at most). */
  save(): void {
    if (!this.path) return;
    this.sizes.show = this.shown.filter((p) => !this.forced.has(p));
    const err = saveLayout(this.path, this.sizes);
    if (err && err !== this.saveError) this.warn(err);
    this.saveError = err;
  }
}
