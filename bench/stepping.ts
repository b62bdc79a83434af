// Benchmark (issues 3, 13): attach and stop at main, `next` x N, continue-to-a-breakpoint x N: duster-tui vs gdb on the same gdbserver.
// Each run pairs a script of N operations with the same script of 0, so start-up cancels out; the
// table gives the median per-operation time over BENCH_RUNS pairs with its spread (min-max), because
// a best-of-N hides the variance that decides whether a ratio holds on another day.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, RemoteRuns } from './remote-runs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.BENCH_N ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** 'pie' (the machine's default: a PIE linked against libc.so, as users build) or 'nopie'. */
const BUILD = process.env.BENCH_BUILD === 'nopie' ? 'nopie' : 'pie';
/** Breakpoint strategies measured (BENCH_STRATEGIES=trap skips the slow spin runs). */
const STRATEGIES = (process.env.BENCH_STRATEGIES ?? 'trap,spin').split(',').filter((x): x is 'trap' | 'spin' => x === 'trap' || x === 'spin');
const work = join(tmpdir(), 'duster-bench-stepping');
mkdirSync(work, { recursive: true });
const exe = join(work, `loop-${BUILD}`);
execFileSync('gcc', ['-g', '-O0', ...(BUILD === 'nopie' ? ['-no-pie'] : []), '-o', exe, 'loop.c'], { cwd: join(root, 'bench', 'fixtures') });

const runs = new RemoteRuns(exe, work, RUNS);

console.log(`stepping benchmark, ${BUILD === 'pie' ? 'PIE linked against libc.so (default gcc flags)' : '-no-pie'}, N=${N}, median of ${RUNS} paired runs (min-max), ${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)}`);
console.log('| operation | strategy | duster-tui ms | gdb ms | ratio of medians | goal |');
console.log('|---|---|---|---|---|---|');
{
  const setup = ['break main', 'continue'];
  const g = await runs.wholeRun('gdb', setup);
  const d = await runs.wholeRun('duster', setup);
  console.log(`| attach, break main, continue to it, detach (whole run) | trap | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} | <= 1.0 |`);
}
const cases = [
  { name: `next x${N} (per op)`, setup: ['break main', 'continue', 'next', 'next'], op: 'next', goal: 0.7 },
  { name: `continue to a breakpoint in a loop x${N} (per op)`, setup: ['break hit', 'continue'], op: 'continue', goal: 1.0 },
];
for (const c of cases) {
  const g = await runs.perOp('gdb', c.setup, [c.op], N, 'trap');
  for (const strategy of STRATEGIES) {
    const d = await runs.perOp('duster', c.setup, [c.op], N, strategy);
    console.log(`| ${c.name} | ${strategy} | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} | <= ${c.goal} |`);
  }
}
console.log(`detach failures: ${runs.detachFailures.length}${runs.detachFailures.length ? '\n' + runs.detachFailures.join('\n') : ''}`);
