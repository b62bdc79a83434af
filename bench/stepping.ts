// Benchmark (issues 3, 13): attach and stop at main, `next` x N, continue-to-a-breakpoint x N: duster-tui vs gdb on the same gdbserver.
// Each run pairs a script of N operations with the same script of 0, so start-up cancels out; the
// table gives the median per-operation time over BENCH_RUNS pairs with its spread (min-max), because
// a best-of-N hides the variance that decides whether a ratio holds on another day.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Lines on stderr that say a detach failed: counted and shown, never hidden. */
const detachFailures: string[] = [];

function startGdbserver(): Promise<{ port: number; stop: () => void }> {
  return new Promise((res, rej) => {
    const p = spawn('gdbserver', ['--once', '127.0.0.1:0', exe], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    p.stderr.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      const m = /Listening on port (\d+)/.exec(log);
      if (m) res({ port: Number(m[1]), stop: () => p.kill('SIGKILL') });
    });
    p.on('exit', () => rej(new Error(`gdbserver ended: ${log}`)));
  });
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    p.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      for (const l of err.split('\n')) if (/detach/i.test(l)) detachFailures.push(`${cmd === 'gdb' ? 'gdb' : 'duster-tui'}: ${l}`);
      if (code === 0) res(ms);
      else rej(new Error(`${cmd} exited ${code}: ${err.trim()}`));
    });
  });
}

type Tool = 'duster' | 'gdb';

async function timeWith(tool: Tool, setup: string[], repeated: string, n: number, strategy: 'trap' | 'spin'): Promise<number> {
  const gs = await startGdbserver();
  const script = join(work, `${tool}-${n}-${repeated}.cmd`);
  writeFileSync(script, [...setup, ...Array(n).fill(repeated)].join('\n') + '\n');
  try {
    if (tool === 'gdb') return await run('gdb', ['-nx', '-batch', '-iex', 'set sysroot /', '-ex', `target remote 127.0.0.1:${gs.port}`, '-x', script, exe]);
    return await run(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), '--path', exe, '--gdb', `127.0.0.1:${gs.port}`, '--breakpoints', strategy, '--batch', '-x', script]);
  } finally {
    gs.stop();
  }
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s.at(-1)! };
}

/** Per-operation times of RUNS paired runs: (run with N ops - run with 0 ops) / N, in ms. */
async function perOp(tool: Tool, setup: string[], op: string, strategy: 'trap' | 'spin'): Promise<Spread> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const base = await timeWith(tool, setup, op, 0, strategy);
    const full = await timeWith(tool, setup, op, N, strategy);
    xs.push((full - base) / N);
  }
  return spread(xs);
}

/** Whole runs of a script (attach, break main, continue to it, quit): median and spread, in ms. */
async function wholeRun(tool: Tool, setup: string[]): Promise<Spread> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await timeWith(tool, setup, '', 0, 'trap'));
  return spread(xs);
}

const fmt = (s: Spread): string => `${s.median.toFixed(3)} (${s.min.toFixed(3)}-${s.max.toFixed(3)})`;

console.log(`stepping benchmark, ${BUILD === 'pie' ? 'PIE linked against libc.so (default gcc flags)' : '-no-pie'}, N=${N}, median of ${RUNS} paired runs (min-max), ${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)}`);
console.log('| operation | strategy | duster-tui ms | gdb ms | ratio of medians | goal |');
console.log('|---|---|---|---|---|---|');
{
  const setup = ['break main', 'continue'];
  const g = await wholeRun('gdb', setup);
  const d = await wholeRun('duster', setup);
  console.log(`| attach, break main, continue to it, detach (whole run) | trap | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} | <= 1.0 |`);
}
const cases = [
  { name: `next x${N} (per op)`, setup: ['break main', 'continue', 'next', 'next'], op: 'next', goal: 0.7 },
  { name: `continue to a breakpoint in a loop x${N} (per op)`, setup: ['break hit', 'continue'], op: 'continue', goal: 1.0 },
];
for (const c of cases) {
  const g = await perOp('gdb', c.setup, c.op, 'trap');
  for (const strategy of STRATEGIES) {
    const d = await perOp('duster', c.setup, c.op, strategy);
    console.log(`| ${c.name} | ${strategy} | ${fmt(d)} | ${fmt(g)} | ${(d.median / g.median).toFixed(2)} | <= ${c.goal} |`);
  }
}
console.log(`detach failures: ${detachFailures.length}${detachFailures.length ? '\n' + detachFailures.join('\n') : ''}`);
