// Row renderers for the call stack, breakpoints, status line and pane titles; plus list scrolling maths.
import type { BreakpointInfo, CodeLocation, FrameInfo, SessionState, StopInfo } from '../core/api.js';
import { GLYPH, markOf } from './source-view.js';
import { Line, merge, type Style } from './text.js';
import type { Role, Theme } from './theme.js';

/** Keeps `cursor` inside [0, count) and visible; returns the new top. */
export function follow(cursor: number, top: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let t = top;
  if (cursor < t) t = cursor;
  if (cursor >= t + height) t = cursor - height + 1;
  return Math.max(0, Math.min(t, count - height));
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function base(t: Theme, selected: boolean): Style {
  return selected ? merge(t.style('text'), t.style('selection')) : t.style('text');
}

export function where(loc: CodeLocation): string {
  if (loc.file && loc.line !== undefined) return `${loc.file}:${loc.line}`;
  return `0x${loc.address.toString(16)}`;
}

/**
 * "#0  demo () at kernel.c:73"; the selected frame carries '>'. Scrolled (`left` > 0) the row is
 * shown whole from that column; unscrolled, the arguments give way first so file:line stays visible.
 */
export function renderFrameRow(f: FrameInfo, width: number, isSelectedFrame: boolean, cursor: boolean, t: Theme, left = 0): string {
  const b = base(t, cursor);
  const line = new Line(width, b);
  line.add(isSelectedFrame ? '>' : ' ', t.style('pcMarker'));
  line.add(`#${f.level}`.padEnd(3) + ' ', t.style('muted'));
  line.skip(left);
  let fn = f.location.function ?? '??';
  const where = f.location.file && f.location.line !== undefined ? `${f.location.file}:${f.location.line}` : `0x${f.pc.toString(16)}`;
  const at = f.location.file ? ' at ' : ' ';
  let args: string | undefined = f.args.map((a) => `${a.name}=${a.value}`).join(', ');
  const budget = width - (1 + 4 + fn.length + 3 + at.length + where.length);
  if (!left && args.length > budget) args = budget > 4 ? args.slice(0, budget - 3) + '...' : '...';
  if (!left && budget < 3) {
    // Not even "(...)" fits: drop the arguments, then shorten the function name, so file:line stays visible.
    args = undefined;
    const room = width - (1 + 4 + at.length + where.length);
    if (fn.length > room) fn = room > 4 ? fn.slice(0, room - 1) + '~' : fn;
  }
  line.add(fn, isSelectedFrame ? merge(t.style('name'), { bold: true }) : t.style('name'));
  if (args !== undefined) line.add(` (${args})`, t.style('value'));
  line.add(at, t.style('muted'));
  line.add(where, t.style('address'));
  return line.toString(b);
}

const MARK_ROLES: Record<ReturnType<typeof markOf>, Role> = { enabled: 'bpEnabled', disabled: 'bpDisabled', conditional: 'bpConditional', temporary: 'bpTemporary' };

/** "1 B kernel.c:73   2 hits  if x>3" — glyphs as in the source gutter. */
export function renderBreakpointRow(bp: BreakpointInfo, width: number, cursor: boolean, t: Theme, left = 0): string {
  const b = base(t, cursor);
  const line = new Line(width, b);
  const mark = markOf(bp);
  line.add(String(bp.id).padStart(2) + ' ', t.style('muted'));
  line.add(GLYPH[mark], t.style(MARK_ROLES[mark]));
  line.add(bp.temporary && mark !== 'temporary' ? GLYPH.temporary : ' ', t.style('bpTemporary'));
  line.skip(left);
  line.add(bp.spec, bp.enabled ? t.style('name') : t.style('bpDisabled'));
  const loc = bp.locations[0];
  if (loc && loc.file && loc.line !== undefined && bp.spec !== `${loc.file}:${loc.line}`) line.add(` ${loc.file}:${loc.line}`, t.style('address'));
  if (!bp.locations.length) line.add(bp.watch ? ` ${bp.watch.kind === 'write' ? 'watch' : bp.watch.kind === 'read' ? 'rwatch' : 'awatch'}` : ' <pending>', t.style('muted'));
  if (!bp.enabled) line.add(' off', t.style('bpDisabled'));
  line.add(` ${bp.hits} hit${bp.hits === 1 ? '' : 's'}`, t.style('muted'));
  if (bp.condition) {
    line.add(' if ', t.style('muted'));
    line.add(bp.condition, t.style('bpConditional'));
  }
  if (bp.ignoreCount) line.add(` ignore ${bp.ignoreCount}`, t.style('muted'));
  return line.toString(b);
}

/** A pane title row; focused panes are inverse/bold so focus is visible without colour. */
export function renderTitle(title: string, width: number, focused: boolean, t: Theme, right = ''): string {
  const st = t.style(focused ? 'headerFocused' : 'header');
  const line = new Line(width, st);
  line.add(focused ? `[${title}]` : ` ${title} `);
  // A space always parts the title from the note (a long path is cut from its left).
  if (right) line.pad(focused ? 1 : 0).addRight(right + ' ');
  return line.toString(st);
}

export interface StatusInput {
  width: number;
  target: string;
  state: SessionState | 'starting';
  stop?: StopInfo;
  /** Extra text: an exit text, the current command. */
  note?: string;
  hints: [string, string][];
  theme: Theme;
}

export function describeStop(stop: StopInfo): string {
  const c = stop.cause;
  switch (c.kind) {
    case 'breakpoint': return `breakpoint ${c.breakpoint}`;
    case 'step': return 'step';
    case 'finish': return 'finish';
    case 'signal': return `${c.signal}${c.description ? ` (${c.description})` : ''}`;
    case 'interrupted': return 'interrupted';
    case 'attached': return 'attached';
    case 'watchpoint': return `watchpoint ${c.hits.map((h) => h.watchpoint).join(', ')}`;
    case 'watch-scope': return `watchpoint ${c.watchpoint} out of scope`;
  }
}

/** The status line: target, vCPU, state and stop reason, then key hints on the right. */
export function renderStatus(s: StatusInput): string {
  const t = s.theme;
  const st = t.style('status');
  const line = new Line(s.width, st);
  line.add(` ${s.target}`);
  if (s.stop) line.add(` vCPU ${s.stop.vcpu}`);
  line.add(' ');
  const stateRole: Role = s.state === 'running' ? 'statusRunning' : s.state === 'stopped' ? 'statusStopped' : s.state === 'starting' ? 'status' : 'statusExited';
  line.add(` ${s.state.toUpperCase()} `, t.style(stateRole));
  if (s.state === 'stopped' && s.stop) {
    line.add(` ${describeStop(s.stop)}`);
    const loc = s.stop.location;
    line.add(` at ${loc.function ? loc.function + ' ' : ''}${where(loc)}`);
  }
  if (s.note) line.add(` ${s.note}`);
  let hints = '';
  const parts: [string, string][] = [];
  for (const h of s.hints) {
    const next = hints + ` ${h[0]} ${h[1]}`;
    if (next.length + 2 > line.room) break;
    hints = next;
    parts.push(h);
  }
  if (parts.length) {
    line.pad(line.room - hints.length - 1);
    for (const [k, d] of parts) {
      line.add(' ');
      line.add(k, t.style('statusKey'));
      line.add(` ${d}`);
    }
  }
  return line.toString(st);
}
