// Full-screen UI against gdb -tui, side by side in one run (node dist/bench/tui-vs-gdb.js [RUNS] [STEPS]): launch to the
// first full frame at a breakpoint, and `next` (our F10, gdb's `next` + Enter) from the key to the last byte on the screen.
// Same program (the demo, built the default way: PIE), same gdbserver, same 200x60 tmux window, same measuring for both.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, FIXTURES, compileFixture } from '../test/helpers/build.js';
import { startGdbserver } from '../test/helpers/gdbserver.js';
import { Tmux } from '../test/ui/tmux.js';

const RUNS = Number(process.argv[2] ?? 5);
const STEPS = Number(process.argv[3] ?? 12);
const STOP_LINE = 60; // the first line of demo(): the steps after it go through its loop
/** The screen is settled once no byte arrived for this long. */
const QUIET_MS = 300;
const say = (s: string): void => void process.stderr.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

interface Tool {
  name: string;
  command(exe: string, port: number): string;
  /** The first full frame: stopped at STOP_LINE with everything drawn. */
  ready(text: string): boolean;
  /** Nothing in flight: the screen shows a stopped debugger waiting for a command. */
  idle(text: string): boolean;
  /** Sends one `next`; `arm` is called right before the key that makes the debugger act. */
  next(ui: Tmux, arm: () => void): Promise<void>;
  quit(ui: Tmux): void;
}

const TOOLS: Tool[] = [
  {
    name: 'duster-tui',
    command: (exe, port) => `node ${CLI} --path ${exe} --gdb 127.0.0.1:${port} -ex 'break ${STOP_LINE}' -ex continue`,
    ready: (t) => new RegExp(`#0 .*kernel\\.c:${STOP_LINE}`).test(t) && /rsp 0x/.test(t),
    idle: (t) => !/ RUNNING /.test(t),
    next: async (ui, arm) => { arm(); ui.keys('F10'); },
    quit: (ui) => ui.keys('q', 'y'),
  },
  {
    name: 'gdb -tui',
    command: (exe, port) => `gdb -nx -q -tui -iex 'set pagination off' -ex 'target remote 127.0.0.1:${port}' -ex 'break ${STOP_LINE}' -ex continue ${exe}`,
    ready: (t) => new RegExp(`B\\+>\\s+${STOP_LINE}\\s`).test(t) && /\(gdb\)\s*$/m.test(t),
    idle: (t) => /\(gdb\) $/.test(t.trimEnd() + ' '),
    // The word is typed first and echoed; the Enter is what runs it.
    next: async (ui, arm) => { ui.type('next'); await settled(); arm(); ui.keys('Enter'); },
    quit: (ui) => { ui.type('kill'); ui.keys('Enter'); ui.type('y'); ui.keys('Enter'); },
  },
];

let log = '';
/** Size of the pane's output log (tmux pipe-pane), and when it last grew. */
let lastSize = 0;
let lastGrowth = 0;
function poll(): void {
  const size = statSync(log).size;
  if (size !== lastSize) {
    lastSize = size;
    lastGrowth = performance.now();
  }
}

/** Waits until the terminal received nothing for QUIET_MS (and, given `idle`, shows an idle debugger); returns when the last byte came. */
async function settled(after = 0, ui?: Tmux, idle?: (text: string) => boolean): Promise<number> {
  poll();
  const t0 = performance.now();
  for (;;) {
    await sleep(1);
    poll();
    if (lastGrowth > after && performance.now() - lastGrowth > QUIET_MS && (!ui || !idle || idle(ui.text()))) return lastGrowth;
    if (performance.now() - t0 > 60_000) throw new Error(`the screen did not settle within 60 s:\n${ui?.text() ?? ''}`);
  }
}

async function session(tool: Tool, exe: string): Promise<{ firstFrame: number; steps: number[] }> {
  const gs = await startGdbserver(exe);
  const state = mkdtempSync(join(tmpdir(), 'duster-bench-'));
  const t0 = performance.now();
  const ui = Tmux.start(tool.command(exe, gs.port), { cols: 200, rows: 60, cwd: join(FIXTURES, 'demo'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state } });
  try {
    let firstFrame = 0;
    for (;;) {
      const text = ui.text();
      if (tool.ready(text)) {
        firstFrame = performance.now() - t0;
        break;
      }
      if (/\[exit \d+\]/.test(text) || performance.now() - t0 > 60_000) throw new Error(`${tool.name}: no first frame:\n${text}`);
      await sleep(10);
    }
    log = join(state, 'pane.log');
    writeFileSync(log, '');
    ui.pipe(log);
    lastSize = -1;
    await settled();
    const steps: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      let sent = 0;
      await tool.next(ui, () => (sent = performance.now()));
      const end = await settled(sent, ui, tool.idle);
      steps.push(end - sent);
    }
    tool.quit(ui);
    return { firstFrame, steps };
  } finally {
    ui.kill();
    await gs.stop();
  }
}

async function main(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').trim();
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel-pie');
  const keeper = Tmux.start('sleep 3600'); // tmux's server must outlive every measured session
  const first = new Map<string, number[]>(TOOLS.map((t) => [t.name, []]));
  const steps = new Map<string, number[]>(TOOLS.map((t) => [t.name, []]));
  for (let r = 0; r < RUNS; r++) {
    // Alternate which goes first: a machine that gets busier or quieter affects both alike.
    for (const tool of r % 2 ? [...TOOLS].reverse() : TOOLS) {
      const s = await session(tool, exe);
      first.get(tool.name)!.push(s.firstFrame);
      steps.get(tool.name)!.push(...s.steps);
      say(`${tool.name} run ${r + 1}: first frame ${s.firstFrame.toFixed(0)} ms, next median ${quantile(s.steps, 0.5).toFixed(1)} ms`);
    }
  }
  keeper.kill();
  const [ours, gdb] = TOOLS.map((t) => t.name) as [string, string];
  const row = (what: string, m: Map<string, number[]>): string => {
    const a = m.get(ours)!;
    const b = m.get(gdb)!;
    const [ma, mb] = [quantile(a, 0.5), quantile(b, 0.5)];
    return `| ${what} | ${ma.toFixed(1)} (${quantile(a, 0.1).toFixed(1)}-${quantile(a, 0.9).toFixed(1)}) | ${mb.toFixed(1)} (${quantile(b, 0.1).toFixed(1)}-${quantile(b, 0.9).toFixed(1)}) | ${(ma / mb).toFixed(2)}x |`;
  };
  process.stdout.write(`${new Date().toISOString()}, ${RUNS} sessions each, ${STEPS} steps per session, 200x60, load before ${load}, after ${readFileSync('/proc/loadavg', 'utf8').trim()}\n\n`);
  process.stdout.write(`| measure (ms, median and 10-90% range) | ${ours} | ${gdb} | ratio |\n|---|---:|---:|---:|\n`);
  process.stdout.write(`${row('launch -> first full frame at a breakpoint', first)}\n${row('next: key -> last byte on the screen', steps)}\n`);
  process.exit(0);
}

void main();
