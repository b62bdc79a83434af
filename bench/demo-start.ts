// Start-up benchmark (node dist/bench/demo-start.js [RUNS] [CASES]): `npm run demo` in tmux, launch to the first full frame.
// "First full frame" = the screen shows the stack (#0) and the registers (rsp 0x…), as bench/ui-render.ts's real-binary case.
// Cases, each RUNS times (median): nothing changed (build and fixture cached); the old way (tsc and gcc every time,
// as `npm run build && node dist/src/cli/demo.js` did before the stamp check); duster-tui alone on a running gdbserver.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, FIXTURES, ROOT, compileFixture } from '../test/helpers/build.js';
import { startGdbserver } from '../test/helpers/gdbserver.js';
import { Tmux } from '../test/ui/tmux.js';

const RUNS = Number(process.argv[2] ?? 3);
/** Which cases to run, by number from 1 (e.g. "1,3"); all by default. */
const CASES = process.argv[3]?.split(',').map(Number);
const say = (s: string): void => void process.stderr.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Launch `command` in a 200x60 tmux window and time it until the first full frame (60 s at most). */
async function firstFrame(command: string, cwd: string): Promise<number> {
  const state = mkdtempSync(join(tmpdir(), 'duster-bench-'));
  const t0 = performance.now();
  const ui = Tmux.start(command, { cols: 200, rows: 60, cwd, env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state } });
  try {
    for (;;) {
      const text = ui.text();
      if (/rsp 0x/.test(text) && /#0 /.test(text)) return (performance.now() - t0) / 1000;
      if (/\[exit \d+\]/.test(text)) throw new Error(`${command} exited before its first frame:\n${text}`);
      if (performance.now() - t0 > 60_000) throw new Error(`${command}: no full frame within 60 s`);
      await sleep(10);
    }
  } finally {
    ui.kill();
  }
}

async function main(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').trim();
  const rows: [string, number[]][] = [];
  // A session that outlives every measured one: tmux's server exits with its last session, and starting the
  // next one while it shuts down fails ("server exited unexpectedly").
  const keeper = Tmux.start('sleep 3600');
  // Make sure the stamp and the fixture's key are fresh, so "nothing changed" means exactly that.
  await firstFrame('npm run demo', ROOT);
  const cases: [string, () => Promise<number>][] = [
    ['npm run demo, nothing changed', () => firstFrame('npm run demo', ROOT)],
    ['npm run demo the old way (tsc + gcc every time)', () => firstFrame(`npx tsc -p tsconfig.json && rm -f ${join(tmpdir(), 'duster-tui-demo', 'kernel.key')} && node dist/src/cli/demo.js`, ROOT)],
    ['duster-tui alone (gdbserver already listening)', async () => {
      const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
      const gs = await startGdbserver(exe);
      try {
        return await firstFrame(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port}`, join(FIXTURES, 'demo'));
      } finally {
        await gs.stop();
      }
    }],
  ];
  for (const [k, [name, run]] of cases.entries()) {
    if (CASES && !CASES.includes(k + 1)) continue;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await run());
    say(`${name}: median ${median(times).toFixed(2)} s (${times.map((t) => t.toFixed(2)).join(', ')})`);
    rows.push([name, times]);
  }
  process.stdout.write(`${new Date().toISOString()}, load before ${load}, after ${readFileSync('/proc/loadavg', 'utf8').trim()}\n\n`);
  process.stdout.write('| case | median s | runs s |\n|---|---:|---|\n');
  for (const [name, times] of rows) process.stdout.write(`| ${name} | ${median(times).toFixed(2)} | ${times.map((t) => t.toFixed(2)).join(', ')} |\n`);
  keeper.kill();
  process.exit(0);
}

void main();
