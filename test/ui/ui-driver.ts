// Test helper: the TUI in tmux (the scripted demo harness, or the real binary on a program under gdbserver), with its own config dir, plus screen readers and mouse reports.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';

export const T = 60_000;
export const HARNESS = join(ROOT, 'dist', 'test', 'ui', 'harness.js');

export interface Ui {
  tm: Tmux;
  /** The directory used as XDG_CONFIG_HOME (and state, cache). */
  dir: string;
  config(): Record<string, unknown>;
}

/** Starts the harness in tmux; `dir` reuses a config directory (a restart), `config` writes config.json first. */
export function startUi(opts: { cols?: number; rows?: number; dir?: string; config?: unknown } = {}): Ui {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'duster-ui-layout-'));
  if (opts.config !== undefined) {
    mkdirSync(join(dir, 'duster-tui'), { recursive: true });
    writeFileSync(join(dir, 'duster-tui', 'config.json'), JSON.stringify(opts.config));
  }
  // env -u: the harness does nothing under the test runner's marker (it is also a file under dist/test/).
  const tm = Tmux.start(`env -u NODE_TEST_CONTEXT node ${HARNESS}`, {
    cols: opts.cols ?? 120, rows: opts.rows ?? 40, cwd: ROOT,
    env: { TERM: 'tmux-256color', XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir },
  });
  return {
    tm, dir,
    config: () => {
      try {
        return JSON.parse(readFileSync(join(dir, 'duster-tui', 'config.json'), 'utf8')) as Record<string, unknown>;
      } catch {
        return {};
      }
    },
  };
}

export const TITLE_NAMES = ['Source', 'Variables', 'Registers', 'Call stack', 'Breakpoints', 'Command', 'Disassembly', 'Memory', 'Program output'];

/** The panes whose titles are on screen ("Source", "Call stack", ...). */
export function titles(screen: string): string[] {
  return TITLE_NAMES.filter((n) => findTitle(screen, n));
}

/** The focused pane's title ("[Source]" on screen). */
export function focused(screen: string): string | undefined {
  return TITLE_NAMES.find((n) => screen.includes(`[${n}]`));
}

/** Where a pane's title row is on screen: its row and the pane's left column (0-based), or undefined. */
export function findTitle(screen: string, name: string): { row: number; col: number } | undefined {
  const lines = screen.split('\n');
  for (let row = 0; row < lines.length; row++) {
    const col = lines[row]!.search(new RegExp(`(?:^|(?<=[│ ]))\\[?${name}(?:\\]| |$)`));
    // "[Name]" when focused starts at the pane's left edge, " Name " one cell in.
    if (col >= 0) return { row, col: lines[row]![col] === '[' ? col : col - 1 };
  }
  return undefined;
}

/** Column of the first vertical separator on a row, or -1. */
export function separatorColumn(screen: string, row: number): number {
  return screen.split('\n')[row]?.indexOf('\u2502') ?? -1;
}

/** SGR mouse reports (1-based on the wire; these take 0-based cells). */
export const mouse = {
  press: (x: number, y: number, button = 0): string => `\x1b[<${button};${x + 1};${y + 1}M`,
  release: (x: number, y: number, button = 0): string => `\x1b[<${button};${x + 1};${y + 1}m`,
  drag: (x: number, y: number): string => `\x1b[<32;${x + 1};${y + 1}M`,
  wheelUp: (x: number, y: number): string => `\x1b[<64;${x + 1};${y + 1}M`,
  wheelDown: (x: number, y: number): string => `\x1b[<65;${x + 1};${y + 1}M`,
};

/** A click: press and release, sent as the terminal would (one write). */
export function click(tm: Tmux, x: number, y: number): void {
  tm.type(mouse.press(x, y) + mouse.release(x, y));
}

const PANE_TITLES = new RegExp(`^[[ ](${TITLE_NAMES.join('|')})(?:[\\] ]|$)`);

/** The rows of a pane (found by its title), up to the next pane's title in the same column. */
export function paneRows(screen: string, title: string): string[] {
  const lines = screen.split('\n');
  for (let y = 0; y < lines.length; y++) {
    const col = lines[y]!.search(new RegExp(`[[ ]${title}(?:[\\] ]|$)`));
    if (col < 0) continue;
    const out: string[] = [];
    for (let i = y + 1; i < lines.length; i++) {
      const cell = lines[i]!.slice(col);
      if (PANE_TITLES.test(cell)) break;
      out.push(cell);
    }
    return out;
  }
  return [];
}

export interface RealUi {
  tm: Tmux;
  gs: GdbserverHandle;
  /** XDG config/state directory; duster-tui's stderr is in `${dir}/stderr.txt`. */
  dir: string;
  close(): Promise<void>;
}

/** The real duster-tui on `exe` under a fresh gdbserver, in tmux; `config` is written as config.json first. */
export async function startRealUi(exe: string, opts: { cols?: number; rows?: number; cwd?: string; config?: unknown; args?: string; env?: Record<string, string> } = {}): Promise<RealUi> {
  const dir = mkdtempSync(join(tmpdir(), 'duster-ui-real-'));
  if (opts.config !== undefined) {
    mkdirSync(join(dir, 'duster-tui'), { recursive: true });
    writeFileSync(join(dir, 'duster-tui', 'config.json'), JSON.stringify(opts.config));
  }
  const gs = await startGdbserver(exe);
  let tm: Tmux;
  try {
    tm = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} ${opts.args ?? ''} 2>${join(dir, 'stderr.txt')}`, {
      cols: opts.cols ?? 120, rows: opts.rows ?? 40, cwd: opts.cwd ?? ROOT,
      env: { TERM: 'tmux-256color', XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir, ...opts.env },
    });
  } catch (e) {
    await gs.stop();
    throw e;
  }
  return { tm, gs, dir, close: async () => { tm.kill(); await gs.stop(); } };
}

/** The command line's input row (the row above the status line). */
function inputRow(screen: string): string {
  const rows = screen.replace(/\n+$/, '').split('\n');
  return rows[rows.length - 2] ?? '';
}

/** Types a command on the command line (focusing it first unless it has the focus), presses Enter, waits until the line is taken. */
export async function command(tm: Tmux, line: string): Promise<void> {
  if (focused(tm.text()) !== 'Command') {
    tm.keys(':');
    await tm.waitFor((x) => focused(x) === 'Command', T, 'the command line focused');
  }
  tm.type(line);
  const typed = await tm.waitFor((x) => [` ${line}`, ` :${line}`].some((t) => inputRow(x).trimEnd().endsWith(`(duster)${t}`)), T, `"${line}" typed`);
  if (inputRow(typed).trimEnd().endsWith(`(duster) :${line}`)) {
    // The screen read above was a repaint's stale frame and the command line had the focus: ':' was typed into it.
    for (let i = 0; i <= line.length; i++) tm.keys('BSpace');
    await tm.waitFor((x) => inputRow(x).trimEnd().endsWith('(duster)'), T, 'the line cleared');
    tm.type(line);
    await tm.waitFor((x) => inputRow(x).trimEnd().endsWith(`(duster) ${line}`), T, `"${line}" typed`);
  }
  tm.keys('Enter');
  await tm.waitFor((x) => !inputRow(x).includes(`(duster) ${line}`), T, `"${line}" taken`);
}
