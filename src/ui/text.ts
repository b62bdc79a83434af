// Styled, fixed-width text lines for blessed content: SGR escapes (numeric colours), truncation, padding.

/** A cell style: 256-palette colours (numbers only — see DEPENDENCIES.md) and attributes. */
export interface Style {
  fg?: number;
  bg?: number;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export const PLAIN: Style = {};

/** The SGR sequence that selects exactly `s` (always starting from a reset). */
export function sgr(s: Style): string {
  let codes = '0';
  if (s.bold) codes += ';1';
  if (s.underline) codes += ';4';
  if (s.inverse) codes += ';7';
  if (s.fg !== undefined) codes += `;38;5;${s.fg}`;
  if (s.bg !== undefined) codes += `;48;5;${s.bg}`;
  return `\x1b[${codes}m`;
}

/** `over` on top of `base`: colours of `over` win when set, attributes add up. */
export function merge(base: Style, over: Style): Style {
  return {
    fg: over.fg ?? base.fg,
    bg: over.bg ?? base.bg,
    bold: !!(base.bold || over.bold),
    underline: !!(base.underline || over.underline),
    inverse: !!(base.inverse || over.inverse),
  };
}

/**
 * sgr(merge(base, over)), remembered by the merged style's fields: every segment of every pane line asks, from
 * a few dozen distinct styles, and each paint would otherwise build a style object and a string per segment.
 */
const sgrByStyle = new Map<number, string>();
function mergedSgr(base: Style, over: Style): string {
  const fg = over.fg ?? base.fg;
  const bg = over.bg ?? base.bg;
  const bold = !!(base.bold || over.bold);
  const underline = !!(base.underline || over.underline);
  const inverse = !!(base.inverse || over.inverse);
  const key = (fg ?? 256) + (bg ?? 256) * 512 + (bold ? 1 << 18 : 0) + (underline ? 1 << 19 : 0) + (inverse ? 1 << 20 : 0);
  let code = sgrByStyle.get(key);
  if (code === undefined) sgrByStyle.set(key, (code = sgr({ fg, bg, bold, underline, inverse })));
  return code;
}

/** Removes SGR sequences (for tests and width checks). */
export function stripSgr(s: string): string {
  return s.replace(/\x1b\[[\d;]*m/g, '');
}

/** East Asian wide/fullwidth ranges and astral characters (emoji): two cells on the terminal, one in blessed. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\ud800-\udbff][\udc00-\udfff]/g;
const ZERO_WIDTH = /[\u0300-\u036f\u200b-\u200f\u20d0-\u20ff\ufe00-\ufe0f]/g;

/**
 * Makes one UTF-16 unit one cell: control characters become '?', tabs expand, wide characters
 * (CJK, emoji) become '?' and zero-width ones are dropped, so columns never drift.
 */
export function sanitize(text: string, tabStop = 8, startCol = 0): string {
  let t = text;
  if (!/[^\x20-\x7e]/.test(t)) return t; // printable ASCII, nearly every call
  if (/[^\x00-\u02ff]/.test(t)) t = t.replace(ZERO_WIDTH, '').replace(WIDE, '?');
  if (!/[\x00-\x1f\x7f-\x9f\t]/.test(t)) return t;
  let out = '';
  for (const ch of t) {
    if (ch === '\t') {
      const col = startCol + out.length;
      out += ' '.repeat(tabStop - (col % tabStop));
    } else if (/[\x00-\x1f\x7f-\x9f]/.test(ch)) out += '?';
    else out += ch;
  }
  return out;
}

/** Builds one line of exactly `width` cells. Text beyond the width is cut. */
export class Line {
  private parts = '';
  private used = 0;
  /** Cells still to drop from the text added next (horizontal scrolling), and cells dropped so far. */
  private skipping = 0;
  private skipped = 0;

  constructor(readonly width: number, private readonly base: Style = PLAIN) {}

  get length(): number {
    return this.used;
  }

  get room(): number {
    return this.width - this.used;
  }

  /** Appends text in `style` (merged over the line's base style). */
  add(text: string, style: Style = PLAIN): this {
    if (this.used >= this.width || !text) return this;
    let t = sanitize(text, 8, this.used + this.skipped);
    if (this.skipping > 0) {
      const drop = Math.min(this.skipping, t.length);
      this.skipping -= drop;
      this.skipped += drop;
      t = t.slice(drop);
      if (!t) return this;
    }
    const cut = t.length > this.width - this.used ? t.slice(0, this.width - this.used) : t;
    this.parts += mergedSgr(this.base, style) + cut;
    this.used += cut.length;
    return this;
  }

  /** Appends text right-aligned in the remaining room (or cut from the left if too long). */
  addRight(text: string, style: Style = PLAIN): this {
    const room = this.width - this.used;
    if (room <= 0) return this;
    const t = text.length > room ? text.slice(text.length - room) : text;
    this.pad(room - t.length);
    return this.add(t, style);
  }

  /** Drops the first `n` cells of the text added from now on (a horizontally scrolled view). */
  skip(n: number): this {
    this.skipping = Math.max(0, n);
    return this;
  }

  /** Whether text was cut on the right (something more to see by scrolling). */
  get full(): boolean {
    return this.used >= this.width;
  }

  /** Blank cells (never eaten by skip()). */
  pad(n: number, style: Style = PLAIN): this {
    if (n <= 0) return this;
    const skipping = this.skipping;
    this.skipping = 0;
    this.add(' '.repeat(Math.min(n, this.width - this.used)), style);
    this.skipping = skipping;
    return this;
  }

  /** Pads to the full width and returns the content string. */
  toString(fill: Style = PLAIN): string {
    if (this.used < this.width) this.pad(this.width - this.used, fill);
    return this.parts + '\x1b[0m';
  }
}

/** `text` padded or cut to exactly `width` cells (plain). */
export function fit(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}
