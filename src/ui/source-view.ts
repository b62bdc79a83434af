// Renders the source pane: gutter (breakpoint glyph, execution marker, line number), coloured code, search matches.
import type { BreakpointInfo } from '../core/api.js';
import type { SourceFile } from './source-file.js';
import { Line, merge, type Style } from './text.js';
import type { Role, Theme } from './theme.js';
import { lineMatches, type Match } from './search.js';

/** Gutter glyphs: readable without colour. */
export const GLYPH = { enabled: 'B', disabled: 'b', conditional: '?', temporary: 't', pc: '>', frame: '^' } as const;

export type GutterMark = 'enabled' | 'disabled' | 'conditional' | 'temporary';

const MARK_ROLE: Record<GutterMark, Role> = { enabled: 'bpEnabled', disabled: 'bpDisabled', conditional: 'bpConditional', temporary: 'bpTemporary' };

/** One breakpoint's gutter mark. */
export function markOf(bp: Pick<BreakpointInfo, 'enabled' | 'condition' | 'temporary'>): GutterMark {
  if (!bp.enabled) return 'disabled';
  if (bp.condition) return 'conditional';
  if (bp.temporary) return 'temporary';
  return 'enabled';
}

const PRIORITY: GutterMark[] = ['enabled', 'conditional', 'temporary', 'disabled'];

/** Line -> mark for the breakpoints located in `file` (an enabled plain one wins over the others). */
export function gutterMarks(bps: readonly BreakpointInfo[], matches: (file: string | undefined, fullPath: string | undefined) => boolean): Map<number, GutterMark> {
  const m = new Map<number, GutterMark>();
  for (const bp of bps) {
    const mark = markOf(bp);
    for (const loc of bp.locations) {
      if (loc.line === undefined || !matches(loc.file, loc.fullPath)) continue;
      const had = m.get(loc.line);
      if (!had || PRIORITY.indexOf(mark) < PRIORITY.indexOf(had)) m.set(loc.line, mark);
    }
  }
  return m;
}

export interface SourceViewInput {
  width: number;
  height: number;
  file: SourceFile | undefined;
  /** First visible line (1-based). */
  top: number;
  cursor: number;
  /** The selected frame's line in this file, and whether that frame is the innermost. */
  execLine?: number;
  execIsInnermost?: boolean;
  marks: Map<number, GutterMark>;
  /** Text or regular expression whose matches are marked; `current` is marked more strongly. */
  search?: string | RegExp;
  current?: Match;
  /** Columns of code scrolled off to the left. */
  left?: number;
  focused: boolean;
  theme: Theme;
  /** What to say when there is no file to show, and the keys that help then. */
  missing?: { name?: string; address?: bigint; function?: string; reason: string };
  missingHint?: string;
}

export function numberWidth(lineCount: number): number {
  return Math.max(3, String(lineCount).length);
}

/** Case-sensitive match ranges of `needle` (text or a regular expression) in `text`. */
export function findMatches(text: string, needle: string | RegExp | undefined): [number, number][] {
  const r: [number, number][] = [];
  if (!needle) return r;
  if (needle instanceof RegExp) return lineMatches(text, needle);
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) r.push([i, i + needle.length]);
  return r;
}

/** Lines of the pane body (without title), each exactly `width` cells. Only visible lines are touched. */
export function renderSource(v: SourceViewInput): string[] {
  const t = v.theme;
  const out: string[] = [];
  if (!v.file) {
    const m = v.missing ?? { reason: 'No source file' };
    const lines = [
      '',
      `  ${m.reason}${m.name ? `: ${m.name}` : ''}`,
      m.address !== undefined ? `  Stopped at 0x${m.address.toString(16).padStart(16, '0')}${m.function ? ` in ${m.function}` : ''}` : '',
      '',
      `  ${v.missingHint ?? 'o: open a source file   A: disassembly'}`,
    ];
    for (let i = 0; i < v.height; i++) {
      const l = new Line(v.width, t.style('text'));
      l.add(lines[i] ?? '', i === 1 ? t.style('error') : i === 2 ? t.style('address') : t.style('muted'));
      out.push(l.toString(t.style('text')));
    }
    return out;
  }
  const nw = numberWidth(v.file.lineCount);
  for (let row = 0; row < v.height; row++) {
    const n = v.top + row;
    if (n > v.file.lineCount) {
      out.push(new Line(v.width, t.style('text')).add('~', t.style('muted')).toString(t.style('text')));
      continue;
    }
    const isExec = n === v.execLine;
    const isCursor = n === v.cursor;
    let lineStyle: Style = t.style('text');
    if (isExec) lineStyle = merge(lineStyle, t.style(v.execIsInnermost === false ? 'frameLine' : 'currentLine'));
    else if (isCursor) lineStyle = merge(lineStyle, t.style('cursorLine'));
    const line = new Line(v.width, lineStyle);
    const mark = v.marks.get(n);
    line.add(mark ? GLYPH[mark] : ' ', mark ? t.style(MARK_ROLE[mark]) : {});
    line.add(isExec ? (v.execIsInnermost === false ? GLYPH.frame : GLYPH.pc) : ' ', isExec ? t.style('pcMarker') : {});
    line.add(String(n).padStart(nw), isExec ? {} : t.style('lineNumber'));
    // The cursor shows in the gutter too, so it is visible on the execution line and without colour.
    line.add(isCursor && v.focused ? '|' : ' ', t.style('lineNumber'));
    if (v.left) line.skip(v.left);
    const text = v.file.lines[n - 1]!;
    const matches = findMatches(text, v.search);
    const cur = v.current?.line === n ? v.current : undefined;
    let col = 0;
    for (const seg of v.file.line(n)) {
      const segStyle = seg.role ? t.style(seg.role) : {};
      let i = 0;
      while (i < seg.text.length) {
        const at = col + i;
        const hit = matches.find(([s, e]) => at >= s && at < e);
        const next = hit ? Math.min(hit[1] - col, seg.text.length) : Math.min(seg.text.length, ...matches.filter(([s]) => s > at).map(([s]) => s - col));
        const isCurrent = hit && cur && hit[0] === cur.start;
        line.add(seg.text.slice(i, next), hit ? (isCurrent ? merge(t.style('searchMatch'), { inverse: true, bold: true }) : t.style('searchMatch')) : segStyle);
        i = next;
      }
      col += seg.text.length;
      if (line.room <= 0) break;
    }
    out.push(line.toString(lineStyle));
  }
  return out;
}

/** The `top` that keeps `line` visible, scrolling as little as possible (centring when it jumps far). */
export function scrollTo(line: number, top: number, height: number, lineCount: number): number {
  if (height <= 0) return 1;
  const maxTop = Math.max(1, lineCount - height + 1);
  if (line >= top && line < top + height) return Math.min(top, maxTop);
  if (line < top && line >= top - 3) return Math.max(1, line);
  if (line >= top + height && line < top + height + 3) return Math.min(maxTop, line - height + 1);
  return Math.max(1, Math.min(maxTop, line - Math.floor(height / 3)));
}
