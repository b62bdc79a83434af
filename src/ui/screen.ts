// The blessed boundary: creates the screen (with a terminfo blessed can parse), one box per pane, and pushes rendered lines.
import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import { prepareTerminal, type TerminalSetup } from './terminfo.js';
import type { Rect } from './layout.js';
import { keyOf } from './keymap.js';

/**
 * The three parts of blessed we use, required one by one: `require('blessed')` loads all ~40 of its widgets,
 * ~15 ms of every start-up, for the screen and the box.
 */
const requireBlessed = createRequire(import.meta.url);
const blessed = {
  screen: requireBlessed('blessed/lib/widgets/screen') as (options: Widgets.IScreenOptions) => Widgets.Screen,
  box: requireBlessed('blessed/lib/widgets/box') as (options: Widgets.BoxOptions) => Widgets.BoxElement,
  Tput: requireBlessed('blessed/lib/tput') as TputStatic,
};

export interface ScreenOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  term?: string;
  env?: NodeJS.ProcessEnv;
}

/** Every SGR mouse report (CSI < b ; x ; y M|m) in `text`, as 0-based cells. */
export function parseSgrMouse(text: string): MouseEvent[] {
  const out: MouseEvent[] = [];
  for (const m of text.matchAll(/\x1b\[<(\d+);(\d+);(\d+)([mM])/g)) {
    const b = Number(m[1]);
    const x = Number(m[2]) - 1;
    const y = Number(m[3]) - 1;
    if (b & 64) out.push({ action: b & 1 ? 'wheeldown' : 'wheelup', x, y });
    else {
      const button = (['left', 'middle', 'right', 'unknown'] as const)[b & 3];
      // Bit 32: motion (with the button still held, or none: 3).
      const action = m[4] === 'm' ? 'mouseup' : b & 32 && (b & 3) === 3 ? 'mousemove' : 'mousedown';
      out.push({ action, x, y, button, motion: !!(b & 32) });
    }
  }
  return out;
}

/** blessed's cell attribute for "terminal default" (flags 0, default fg and bg: 0x1ff each). */
const DEFAULT_ATTR = (0x1ff << 9) | 0x1ff;

/** A line as blessed's screen holds it: one attribute code and one character per cell. */
interface CellRow {
  attrs: number[];
  chars: string;
}

const attrBySgr = new Map<string, number>();

/**
 * blessed's attribute code for one of our SGR sequences (text.ts's sgr(): always from a reset; bold,
 * underline, inverse, 256-palette colours), as blessed's own Screen.attrCode computes it.
 */
function attrOf(seq: string): number {
  let attr = attrBySgr.get(seq);
  if (attr !== undefined) return attr;
  let flags = 0;
  let fg = 0x1ff;
  let bg = 0x1ff;
  const codes = seq.slice(2, -1).split(';').map(Number);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) [flags, fg, bg] = [0, 0x1ff, 0x1ff];
    else if (c === 1) flags |= 1;
    else if (c === 4) flags |= 2;
    else if (c === 7) flags |= 8;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
      if (c === 38) fg = codes[i + 2]! & 0x1ff;
      else bg = codes[i + 2]! & 0x1ff;
      i += 2;
    }
  }
  attr = (flags << 18) | (fg << 9) | bg;
  if (attrBySgr.size < 4096) attrBySgr.set(seq, attr);
  return attr;
}

/** Splits a rendered line (text with SGR sequences) into cells. */
export function cellsOf(line: string): CellRow {
  const attrs: number[] = [];
  let chars = '';
  let attr = DEFAULT_ATTR;
  let i = 0;
  while (i < line.length) {
    const esc = line.indexOf('\x1b[', i);
    const end = esc < 0 ? line.length : esc;
    if (end > i) {
      chars += line.slice(i, end);
      for (let k = i; k < end; k++) attrs.push(attr);
    }
    if (esc < 0) break;
    const m = line.indexOf('m', esc);
    if (m < 0) break;
    attr = attrOf(line.slice(esc, m + 1));
    i = m + 1;
  }
  return { attrs, chars };
}

/** The part of blessed's screen a surface writes to: rows of [attribute, character] cells, each row with a dirty flag. */
type ScreenLines = ([number, string][] & { dirty?: boolean })[];

/**
 * One rectangle of text on the screen whose content we render ourselves. Its cells go straight into
 * blessed's screen buffer (blessed then sends only what changed): blessed's own element rendering
 * re-parsed every escape sequence of every pane at each paint, most of a step's paint time.
 */
export class Surface {
  /** The lines shown, and each one's cells (parsed again only when a line changes). */
  private lines: readonly string[] = [];
  private rows: CellRow[] = [];
  private rect: Rect | undefined;

  /** `touched` is told whenever what the surface shows changes (the screen repaints only then). */
  constructor(private readonly box: Widgets.BoxElement, private readonly touched: () => void) {
    (box as unknown as { render: () => void }).render = () => this.paint();
  }

  /** Places the surface, or hides it when `rect` is undefined. */
  place(rect: Rect | undefined): void {
    const same = rect && this.rect && rect.left === this.rect.left && rect.top === this.rect.top && rect.width === this.rect.width && rect.height === this.rect.height;
    if (same || (!rect && !this.rect)) return;
    this.touched();
    this.rect = rect;
    if (!rect || rect.width <= 0 || rect.height <= 0) {
      this.box.hide();
      return;
    }
    this.box.left = rect.left;
    this.box.top = rect.top;
    this.box.width = rect.width;
    this.box.height = rect.height;
    this.box.show();
    this.lines = [];
  }

  get visible(): boolean {
    return !!this.rect && this.rect.width > 0 && this.rect.height > 0;
  }

  get size(): Rect | undefined {
    return this.rect;
  }

  /** Sets the content (exactly the rect's size; lines already padded). Skips unchanged content. */
  set(lines: readonly string[]): void {
    const old = this.lines;
    if (lines.length === old.length && lines.every((l, i) => l === old[i])) return;
    this.touched();
    this.rows = lines.map((l, i) => (l === old[i] ? this.rows[i]! : cellsOf(l)));
    this.lines = [...lines];
  }

  front(): void {
    const siblings = this.box.parent?.children;
    if (siblings && siblings[siblings.length - 1] === this.box) return;
    this.touched();
    this.box.setFront();
  }

  /** blessed's render step for this box: our cells into the screen buffer, rows that differ marked dirty. */
  private paint(): void {
    const box = this.box as unknown as { hidden: boolean; lpos?: unknown; screen: { lines: ScreenLines; renders: number } };
    const r = this.rect;
    if (!r || box.hidden || r.width <= 0 || r.height <= 0) {
      delete box.lpos;
      return;
    }
    const lines = box.screen.lines;
    for (let y = 0; y < r.height; y++) {
      const line = lines[r.top + y];
      if (!line) break;
      const row = this.rows[y];
      for (let x = 0; x < r.width; x++) {
        const cell = line[r.left + x];
        if (!cell) break;
        const inRow = row !== undefined && x < row.chars.length;
        const attr = inRow ? row.attrs[x]! : DEFAULT_ATTR;
        const ch = inRow ? row.chars[x]! : ' ';
        if (cell[0] !== attr || cell[1] !== ch) {
          cell[0] = attr;
          cell[1] = ch;
          line.dirty = true;
        }
      }
    }
    // What blessed's own render leaves behind: where the element was drawn (hide() and moves clear it).
    box.lpos = { xi: r.left, xl: r.left + r.width, yi: r.top, yl: r.top + r.height, base: 0, noleft: false, noright: false, notop: false, nobot: false, renders: box.screen.renders };
  }
}

export type KeyHandler = (key: string, ch: string | undefined) => void;

/** A mouse event in screen cells (0-based). Motion with a button held comes as 'mousedown' too. */
export interface MouseEvent {
  action: 'mousedown' | 'mouseup' | 'wheelup' | 'wheeldown' | 'mousemove';
  x: number;
  y: number;
  button?: 'left' | 'middle' | 'right' | 'unknown';
  /** A report of motion (with a button held: a drag), not of a press. */
  motion?: boolean;
}

type CapCompiler = (this: unknown, info: unknown, key: string, str: unknown) => unknown;
type TputStatic = { ipaths: (string | string[])[]; prototype: { _compile: CapCompiler & { lazy?: true } } };

/**
 * blessed turns every string capability of the terminfo entry (~500 of xterm-256color's) into a JavaScript
 * function when a screen is made, ~25 ms of each launch, though a session uses a few dozen: each is now compiled
 * the first time it is called, by blessed's own compiler, so the sequences written are the same.
 */
function compileCapabilitiesLazily(tput: TputStatic): void {
  const proto = tput.prototype;
  const compileNow = proto._compile;
  if (compileNow.lazy) return;
  const lazy: CapCompiler & { lazy?: true } = function (this: unknown, info, key, str) {
    if (typeof str !== 'string' || !str) return compileNow.call(this, info, key, str);
    let compiled: ((...args: unknown[]) => unknown) | undefined;
    const self = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      compiled ??= compileNow.call(self, info, key, str) as (...args: unknown[]) => unknown;
      return compiled.apply(this, args);
    };
  };
  lazy.lazy = true;
  proto._compile = lazy;
}

export class TuiScreen {
  readonly screen: Widgets.Screen;
  readonly setup: TerminalSetup;
  private readonly surfaces = new Map<string, Surface>();
  /** Messages blessed wanted to print (terminfo problems): shown in the log, never on stderr. */
  readonly warnings: string[] = [];
  /** Set by abandon(): the terminal is gone. */
  private dead = false;

  constructor(opts: ScreenOptions = {}) {
    const env = opts.env ?? process.env;
    this.setup = prepareTerminal(opts.term ?? env.TERM, env);
    if (this.setup.note) this.warnings.push(this.setup.note);
    const tput = blessed.Tput;
    if (this.setup.dir && !tput.ipaths.includes(this.setup.dir)) tput.ipaths.unshift(this.setup.dir);
    compileCapabilitiesLazily(tput);
    // Inside tmux, blessed runs `tmux -V` synchronously while it starts (~25 ms of every launch) for a version it
    // uses only with all-motion mouse tracking, which we never turn on: TMUX is hidden while the screen is made,
    // and blessed is told afterwards (it wraps some sequences for tmux), with its own fallback version.
    const tmux = process.env.TMUX;
    delete process.env.TMUX;
    try {
      this.screen = this.makeScreen(opts);
    } finally {
      if (tmux !== undefined) process.env.TMUX = tmux;
    }
    const program = this.screen.program as unknown as { tmux: boolean; tmuxVersion: number };
    program.tmux = tmux !== undefined;
    program.tmuxVersion = 2;
    this.screen.on('warning', (text: string) => this.warnings.push(text));
    this.screen.program.hideCursor();
  }

  private makeScreen(opts: ScreenOptions): Widgets.Screen {
    return blessed.screen({
      input: opts.input as Widgets.IScreenOptions['input'],
      output: opts.output as Widgets.IScreenOptions['output'],
      terminal: this.setup.terminal,
      smartCSR: true,
      fullUnicode: false,
      autoPadding: false,
      warnings: false,
      dockBorders: false,
      resizeTimeout: 50,
      title: 'duster-tui',
    } as Widgets.IScreenOptions);
  }

  get cols(): number {
    return this.screen.width as number;
  }

  get rows(): number {
    return this.screen.height as number;
  }

  get colors(): number {
    const n = (this.screen.program as unknown as { tput: { colors: number } }).tput.colors;
    return typeof n === 'number' ? n : 8;
  }

  surface(id: string): Surface {
    let s = this.surfaces.get(id);
    if (!s) {
      const box = blessed.box({ parent: this.screen, tags: false, wrap: false, hidden: true, left: 0, top: 0, width: 1, height: 1 } as Widgets.BoxOptions);
      s = new Surface(box, () => (this.touched = true));
      this.surfaces.set(id, s);
    }
    return s;
  }

  onKey(handler: KeyHandler): void {
    this.screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => {
      // blessed reports a carriage return twice: as "enter" and again as "return".
      if (key?.name === 'return') return;
      handler(keyOf(ch, key), ch);
    });
  }

  /**
   * Asks the terminal for mouse reports and passes them on. blessed's own choice for xterm-like
   * terminals is the UTF-8 encoding (1005), which tmux and many terminals do not send; we ask for
   * button presses with motion while pressed (1000 + 1002, so a border can be dragged) in the SGR
   * encoding (1006: any column, unambiguous release). We parse the reports ourselves: blessed's
   * parser reads only the first report of a read, and a press and its release often arrive together.
   */
  onMouse(handler: (e: MouseEvent) => void): void {
    const program = this.screen.program as unknown as { setMouse(o: Record<string, boolean>, enable: boolean): void; input: NodeJS.ReadableStream };
    program.setMouse({ vt200Mouse: true, cellMotion: true, sgrMouse: true }, true);
    this.mouse = true;
    program.input.on('data', (data: Buffer | string) => {
      if (this.dead) return;
      for (const e of parseSgrMouse(data.toString())) handler(e);
    });
  }

  private mouse = false;

  onResize(handler: () => void): void {
    this.screen.on('resize', () => {
      this.touched = true;
      handler();
    });
  }

  /** Something shown changed since the last render (a render without changes costs a whole-screen diff). */
  private touched = true;

  render(): void {
    if (this.dead || !this.touched) return;
    this.touched = false;
    this.screen.render();
  }

  /** Forces a full repaint (Ctrl-L). */
  redraw(): void {
    if (this.dead) return;
    this.screen.realloc();
    this.screen.render();
  }

  /**
   * The terminal is gone: never write to it again (each write would fail with EIO, and a render
   * loop retrying it is how a hung-up debugger spins). Stops rendering, drops whatever blessed
   * still wants to write, and releases the screen's listeners without restoring the dead tty.
   */
  abandon(): void {
    const program = this.screen.program as unknown as { _owrite: (t: string) => boolean; write: (t: string) => boolean; flush: () => void; _buf: string };
    program._buf = '';
    program._owrite = program.write = () => true;
    this.screen.render = () => undefined;
    // Leaving the alternate screen re-allocates and clears blessed's buffers for a terminal nobody sees: half a second
    // of a slow host's time that the restore and detach need (the hang-up deadline is 2 s).
    (this.screen as unknown as { leave: () => void }).leave = () => undefined;
    this.dead = true;
    this.destroy();
  }

  /** Leaves the alternate screen, shows the cursor and restores the terminal modes. */
  destroy(): void {
    try {
      if (this.mouse && !this.dead) this.screen.program.disableMouse();
      this.screen.program.showCursor();
      this.screen.destroy();
    } catch {
      // the terminal may be gone (SIGHUP)
    }
  }
}
