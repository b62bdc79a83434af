// Renderers for the command pane, program output, disassembly, memory hex view and overlays (help, confirm, file picker).
import { Line, merge } from './text.js';
import type { Theme } from './theme.js';
import type { DisasmLine, LogLine } from './model.js';

const blank = (width: number, t: Theme): string => new Line(width, t.style('text')).toString(t.style('text'));

/** Log lines (newest at the bottom, `scroll` lines back) then the input line with its cursor cell. */
export function renderCommand(o: {
  width: number; height: number; log: readonly LogLine[]; scroll: number; prompt: string; input: string; cursor: number; focused: boolean; busy?: string; theme: Theme;
  /** Shown on the empty input line while the pane is not focused. */
  idle?: string;
}): string[] {
  const t = o.theme;
  const logH = Math.max(0, o.height - 1);
  const end = Math.max(0, o.log.length - o.scroll);
  const start = Math.max(0, end - logH);
  const out: string[] = [];
  for (let i = 0; i < logH - (end - start); i++) out.push(blank(o.width, t));
  for (let i = start; i < end; i++) {
    const l = o.log[i]!;
    const line = new Line(o.width, t.style('text'));
    if (l.kind === 'err') line.add(l.text, t.style('error'));
    else if (l.kind === 'cmd') line.add(l.text, t.style('prompt'));
    else if (l.kind === 'info') line.add(l.text, t.style('muted'));
    else line.add(l.text);
    out.push(line.toString(t.style('text')));
  }
  const line = new Line(o.width, t.style('text'));
  line.add(o.prompt, t.style('prompt'));
  if (!o.focused && !o.input) {
    line.add(o.busy ? o.busy : o.idle ?? 'press : to type a command', t.style('muted'));
    out.push(line.toString(t.style('text')));
    return out;
  }
  // Keep the cursor visible on long input: show the tail.
  const room = o.width - o.prompt.length - 1;
  const shift = Math.max(0, o.cursor - room);
  const shown = o.input.slice(shift);
  const c = o.cursor - shift;
  line.add(shown.slice(0, c), t.style('input'));
  if (o.focused) line.add(shown[c] ?? ' ', merge(t.style('input'), { inverse: true }));
  else line.add(shown[c] ?? '', t.style('input'));
  line.add(shown.slice(c + 1), t.style('input'));
  out.push(line.toString(t.style('text')));
  return out;
}

/** A scrolled window of plain text lines. */
export function renderText(lines: readonly string[], width: number, height: number, top: number, t: Theme, empty = ''): string[] {
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    const text = lines[top + i];
    const line = new Line(width, t.style('text'));
    if (text !== undefined) line.add(text);
    else if (i === 0 && !lines.length && empty) line.add(empty, t.style('muted'));
    out.push(line.toString(t.style('text')));
  }
  return out;
}

/** Disassembly rows: 'B' ('b' disabled) on breakpoint addresses, '>' and the current-line style at `pc`, source lines muted, the cursor underlined when focused. */
export function renderDisasm(lines: readonly DisasmLine[], pc: bigint | undefined, width: number, height: number, top: number, t: Theme, o: { error?: string; cursor?: number; breakpoints?: ReadonlyMap<bigint, boolean>; left?: number } = {}): string[] {
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    const d = lines[top + i];
    const isPc = d !== undefined && !d.source && d.address === pc;
    let st = isPc ? merge(t.style('text'), t.style('currentLine')) : t.style('text');
    if (top + i === o.cursor) st = merge(st, t.style('cursorLine'));
    const line = new Line(width, st);
    if (d?.source) {
      line.add('  ');
      line.skip(o.left ?? 0);
      line.add(d.text, t.style('muted'));
    } else if (d) {
      const bp = o.breakpoints?.get(d.address);
      line.add(bp === undefined ? ' ' : bp ? 'B' : 'b', t.style(bp ? 'bpEnabled' : 'bpDisabled'));
      line.add(isPc ? '>' : ' ', t.style('pcMarker'));
      line.skip(o.left ?? 0);
      line.add(`0x${d.address.toString(16).padStart(12, '0')}  `, isPc ? {} : t.style('address'));
      line.add(d.text);
    } else if (i === 0 && !lines.length) line.add(o.error ? `Cannot disassemble: ${o.error}` : 'No code to show', o.error ? t.style('error') : t.style('muted'));
    out.push(line.toString(st));
  }
  return out;
}

/** Bytes per hex row at a pane width. */
function bytesPerRow(width: number): number {
  return width >= 78 ? 16 : width >= 46 ? 8 : 4;
}

/** "address: 16 hex bytes |ascii|" rows (fewer bytes per row on narrow panes). */
export function hexRows(addr: bigint, bytes: Uint8Array, width: number): string[] {
  const per = bytesPerRow(width);
  const rows: string[] = [];
  for (let off = 0; off < bytes.length; off += per) {
    const chunk = bytes.subarray(off, off + per);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(per * 3 - 1);
    const ascii = [...chunk].map(printable).join('');
    rows.push(`${(addr + BigInt(off)).toString(16).padStart(12, '0')}  ${hex}  ${ascii}`);
  }
  return rows;
}

const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** Offsets into `bytes` (at `addr`) whose value differs from `before` at the same address. */
export function changedOffsets(addr: bigint, bytes: Uint8Array, before: { addr: bigint; bytes: Uint8Array } | undefined): Set<number> {
  const out = new Set<number>();
  if (!before) return out;
  for (let i = 0; i < bytes.length; i++) {
    const j = Number(addr + BigInt(i) - before.addr);
    if (j >= 0 && j < before.bytes.length && before.bytes[j] !== bytes[i]) out.add(i);
  }
  return out;
}

/** The memory pane: hex rows as hexRows lays them out, bytes in `changed` (hex and character) in the 'changed' style. */
export function renderMemory(addr: bigint, bytes: Uint8Array, changed: ReadonlySet<number>, width: number, height: number, top: number, t: Theme): string[] {
  const per = bytesPerRow(width);
  const out: string[] = [];
  for (let r = 0; r < height; r++) {
    const line = new Line(width, t.style('text'));
    const off = (top + r) * per;
    if (off < bytes.length) {
      const chunk = bytes.subarray(off, off + per);
      line.add(`${(addr + BigInt(off)).toString(16).padStart(12, '0')}  `, t.style('address'));
      chunk.forEach((b, i) => line.add(b.toString(16).padStart(2, '0'), changed.has(off + i) ? t.style('changed') : {}).add(i < per - 1 ? ' ' : ''));
      line.add(' '.repeat((per - chunk.length) * 3) + ' ');
      chunk.forEach((b, i) => line.add(printable(b), changed.has(off + i) ? t.style('changed') : {}));
    }
    out.push(line.toString(t.style('text')));
  }
  return out;
}

export interface OverlayInput {
  title: string;
  lines: readonly string[];
  width: number;
  height: number;
  top: number;
  /** Highlighted row (file picker). */
  selected?: number;
  footer?: string;
  theme: Theme;
}

/** A framed overlay body: title row, lines, footer row. */
export function renderOverlay(o: OverlayInput): string[] {
  const t = o.theme;
  const st = t.style('overlay');
  const out: string[] = [];
  const title = new Line(o.width, t.style('overlayTitle'));
  title.add(` ${o.title}`);
  out.push(title.toString(t.style('overlayTitle')));
  const bodyH = o.height - 2;
  for (let i = 0; i < bodyH; i++) {
    const idx = o.top + i;
    const text = o.lines[idx];
    const sel = idx === o.selected;
    const base = sel ? merge(st, t.style('selection')) : st;
    // Side rules frame the overlay, so it stands out from the panes without colour too.
    const rule = new Line(1, st).add('\u2502').toString(st);
    const inner = new Line(o.width - 2, base);
    if (text !== undefined) inner.add(`${sel ? '>' : ' '} ${text}`, text.startsWith('# ') ? { bold: true } : {});
    out.push(rule + inner.toString(base) + rule);
  }
  const foot = new Line(o.width, t.style('overlayTitle'));
  foot.add(` ${o.footer ?? ''}`);
  out.push(foot.toString(t.style('overlayTitle')));
  return out;
}
