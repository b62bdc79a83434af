// The variables tree: locals/arguments then watch expressions, expand/collapse kept across stops, changes since the last stop.
import type { VariableNode } from '../core/api.js';
import { Line, merge } from './text.js';
import type { Theme } from './theme.js';

export interface TreeRow {
  key: string;
  depth: number;
  name: string;
  value: string;
  type: string;
  expandable: boolean;
  expanded: boolean;
  changed: boolean;
  /** A watch expression's own row (deletable). */
  watch?: string;
  error?: boolean;
  /** A section title row ("Watches"); not a variable. */
  heading?: boolean;
}

interface Watch {
  expr: string;
  node?: VariableNode;
  error?: string;
}

export interface TreeSource {
  variables(): Promise<VariableNode[]>;
  watch(expr: string): Promise<VariableNode>;
}

const SEP = '\u0000';

/** Holds nodes and expansion state; refresh() re-reads everything the user has open. */
export class VarTree {
  private roots: VariableNode[] = [];
  private watches: Watch[] = [];
  private readonly expanded = new Set<string>();
  private readonly children = new Map<string, VariableNode[] | string>();
  /** Values shown at the previous stop, per frame scope (function + CFA): changes are only shown within one frame. */
  private lastStop = new Map<string, Map<string, string>>();
  /** Values at this stop, per scope viewed so far. */
  private thisStop = new Map<string, Map<string, string>>();
  private previous = new Map<string, string>();
  private current = new Map<string, string>();
  message: string | undefined;

  get watchList(): string[] {
    return this.watches.map((w) => w.expr);
  }

  addWatch(expr: string): void {
    if (!this.watches.some((w) => w.expr === expr)) this.watches.push({ expr });
  }

  removeWatch(expr: string): void {
    this.watches = this.watches.filter((w) => w.expr !== expr);
  }

  /**
   * Re-reads locals, watches and every expanded node. `scope` names the frame (function and
   * CFA); `isStop` says this is a new stop (rather than another frame selected at the same
   * stop). Values are compared with those the same scope had at the previous stop.
   */
  async refresh(src: TreeSource, scope: string, isStop: boolean): Promise<void> {
    if (isStop) {
      this.lastStop = this.thisStop;
      this.thisStop = new Map();
    }
    this.previous = this.lastStop.get(scope) ?? new Map();
    this.current = new Map();
    this.thisStop.set(scope, this.current);
    this.children.clear();
    this.message = undefined;
    try {
      this.roots = await src.variables();
    } catch (e) {
      this.roots = [];
      this.message = e instanceof Error ? e.message : String(e);
    }
    for (const w of this.watches) {
      try {
        w.node = await src.watch(w.expr);
        w.error = undefined;
      } catch (e) {
        w.node = undefined;
        w.error = e instanceof Error ? e.message : String(e);
      }
    }
    // Re-open what was open, shallowest first.
    const open = [...this.expanded].sort((a, b) => a.split(SEP).length - b.split(SEP).length);
    const nodes = this.nodeIndex();
    for (const key of open) {
      const node = nodes.get(key);
      if (!node || !node.expandable) continue;
      await this.load(key, node);
      for (const [k, n] of this.childIndex(key)) nodes.set(k, n);
    }
    for (const row of this.rows()) if (!row.heading) this.current.set(row.key, row.value);
  }

  /** Clears everything (target running or gone). */
  clear(message?: string): void {
    this.roots = [];
    for (const w of this.watches) {
      w.node = undefined;
      w.error = undefined;
    }
    this.children.clear();
    this.message = message;
  }

  private async load(key: string, node: VariableNode): Promise<void> {
    try {
      this.children.set(key, await node.children());
    } catch (e) {
      this.children.set(key, e instanceof Error ? e.message : String(e));
    }
  }

  private nodeIndex(): Map<string, VariableNode> {
    const m = new Map<string, VariableNode>();
    for (const r of this.roots) m.set(`l${SEP}${r.name}`, r);
    for (const w of this.watches) if (w.node) m.set(`w${SEP}${w.expr}`, w.node);
    return m;
  }

  private childIndex(key: string): [string, VariableNode][] {
    const c = this.children.get(key);
    return Array.isArray(c) ? c.map((n) => [`${key}${SEP}${n.name}`, n]) : [];
  }

  /** Expands (loading children) or collapses the row with `key`. */
  async setExpanded(key: string, open: boolean): Promise<void> {
    if (!open) {
      this.expanded.delete(key);
      return;
    }
    const node = this.findNode(key);
    if (!node?.expandable) return;
    this.expanded.add(key);
    if (!this.children.has(key)) await this.load(key, node);
    // A pointer opens onto its pointee ("*p"): open that too, so one key shows the members.
    const kids = this.children.get(key);
    if (Array.isArray(kids) && kids.length === 1 && kids[0]!.name.startsWith('*') && kids[0]!.expandable) {
      const inner = `${key}${SEP}${kids[0]!.name}`;
      this.expanded.add(inner);
      if (!this.children.has(inner)) await this.load(inner, kids[0]!);
    }
    for (const row of this.rows()) if (!this.current.has(row.key)) this.current.set(row.key, row.value);
  }

  isExpanded(key: string): boolean {
    return this.expanded.has(key);
  }

  private findNode(key: string): VariableNode | undefined {
    const parts = key.split(SEP);
    let node = this.nodeIndex().get(parts.slice(0, 2).join(SEP));
    for (let i = 2; node && i < parts.length; i++) {
      const parent = parts.slice(0, i).join(SEP);
      const c = this.children.get(parent);
      node = Array.isArray(c) ? c.find((n) => n.name === parts[i]) : undefined;
    }
    return node;
  }

  /** The visible rows, depth-first. */
  rows(): TreeRow[] {
    const out: TreeRow[] = [];
    const walk = (key: string, node: VariableNode, depth: number, watch?: string): void => {
      const open = node.expandable && this.expanded.has(key);
      const prev = this.previous.get(key);
      out.push({ key, depth, name: watch ?? node.name, value: node.value, type: node.type, expandable: node.expandable, expanded: open, changed: prev !== undefined && prev !== node.value, watch });
      if (!open) return;
      const c = this.children.get(key);
      if (typeof c === 'string') out.push({ key: `${key}${SEP}!`, depth: depth + 1, name: '', value: `<${c}>`, type: '', expandable: false, expanded: false, changed: false, error: true });
      else if (c) for (const n of c) walk(`${key}${SEP}${n.name}`, n, depth + 1);
    };
    for (const r of this.roots) walk(`l${SEP}${r.name}`, r, 0);
    if (this.watches.length) {
      out.push({ key: 'heading:watches', depth: 0, name: 'Watches', value: '', type: '', expandable: false, expanded: false, changed: false, heading: true });
      for (const w of this.watches) {
        const key = `w${SEP}${w.expr}`;
        if (w.node) walk(key, w.node, 0, w.expr);
        else out.push({ key, depth: 0, name: w.expr, value: w.error ? `<${w.error}>` : '<not evaluated>', type: '', expandable: false, expanded: false, changed: false, watch: w.expr, error: !!w.error });
      }
    }
    return out;
  }
}

/** Expander glyphs, readable without colour. */
export const EXPANDER = { closed: '+', open: '-', leaf: ' ', changed: '*' } as const;

export function renderTreeRow(row: TreeRow, width: number, selected: boolean, theme: Theme, left = 0): string {
  const t = theme;
  const base = selected ? merge(t.style('text'), t.style('selection')) : t.style('text');
  const line = new Line(width, base);
  if (row.heading) {
    line.add(`-- ${row.name} --`, t.style('muted'));
    return line.toString(base);
  }
  line.add(row.changed ? EXPANDER.changed : ' ', t.style('changed'));
  line.skip(left);
  line.add('  '.repeat(row.depth));
  line.add(row.expandable ? (row.expanded ? EXPANDER.open : EXPANDER.closed) : EXPANDER.leaf, t.style('muted'));
  line.add(' ');
  if (row.name) {
    line.add(row.name, t.style('name'));
    line.add(' = ', t.style('muted'));
  }
  line.add(row.value, row.error ? t.style('error') : row.changed ? t.style('changed') : t.style('value'));
  if (row.type && !left && line.room > row.type.length + 3) line.addRight(row.type, t.style('type'));
  return line.toString(base);
}
