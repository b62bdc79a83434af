// Benchmark (issue 10): `break` on a function inlined at 50 sites, and `bt` 83 frames deep (41 real, 41 inline) at -O2: duster-tui vs gdb on the same gdbserver.
// Paired runs as in bench/stepping.ts (N operations minus 0, so start-up cancels out); "first bt" is a pair of 1
// and 0, the cold cost when the stop is new; repeated bt shows what each debugger's frame cache saves.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, RemoteRuns } from './remote-runs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.BENCH_N ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const work = join(tmpdir(), 'duster-bench-inline');
mkdirSync(work, { recursive: true });
const exe = join(work, 'inline50');
execFileSync('gcc', ['-g', '-O2', '-o', exe, 'inline50.c'], { cwd: join(root, 'bench', 'fixtures') });

const runs = new RemoteRuns(exe, work, RUNS);
console.log(`inline benchmark, -O2 PIE, N=${N}, median of ${RUNS} paired runs (min-max), ${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)}`);
console.log('| operation | duster-tui ms | gdb ms | ratio of medians |');
console.log('|---|---|---|---|');
const cases = [
  { name: `break hot (51 locations) + delete, x${N} (per op)`, setup: ['break main', 'continue'], op: ['break hot', 'delete'], n: N },
  // The first `break` by name builds the name index of every image's debug info (libc's from libc6-dbg) once;
  // gdb builds its index while attaching, so the first case charges ours to the N operations. Warmed: per-op cost.
  { name: `break hot + delete after one warm-up, x${N} (per op)`, setup: ['break main', 'continue', 'break hot', 'delete'], op: ['break hot', 'delete'], n: N },
  { name: 'first bt at leaf, 83 frames (one op)', setup: ['break leaf', 'continue'], op: ['bt'], n: 1 },
  { name: `bt at leaf, 83 frames, x${N} (per op)`, setup: ['break leaf', 'continue'], op: ['bt'], n: N },
];
for (const c of cases) {
  const g = await runs.perOp('gdb', c.setup, c.op, c.n);
  const d = await runs.perOp('duster', c.setup, c.op, c.n);
  console.log(`| ${c.name} | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} |`);
}
// The first bt of a stop, timed on the output (from the stop's source line to the last frame's line): the paired
// difference of one bt against none drowns in start-up noise (±40 ms).
{
  const script = ['break leaf', 'continue', 'bt', 'kill'];
  const from = /^\d+\t/;
  const to = /^#82 /;
  const g = await runs.gaps('gdb', script, from, to);
  const d = await runs.gaps('duster', script, from, to);
  console.log(`| first bt at leaf, 83 frames, stop line to last frame line | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} |`);
}
console.log(`detach failures: ${runs.detachFailures.length}${runs.detachFailures.length ? '\n' + runs.detachFailures.join('\n') : ''}`);
