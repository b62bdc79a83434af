// Benchmark (issue 3): `next` x N and continue-to-a-breakpoint-in-a-loop x N, duster-tui vs gdb on the same gdbserver.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.BENCH_N ?? 1000);
const work = join(tmpdir(), 'duster-bench-stepping');
mkdirSync(work, { recursive: true });
const exe = join(work, 'loop');
execFileSync('gcc', ['-g', '-O0', '-no-pie', '-o', exe, 'loop.c'], { cwd: join(root, 'bench', 'fixtures') });

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
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? res(Number(process.hrtime.bigint() - t0) / 1e6) : rej(new Error(`${cmd} exited ${code}`))));
  });
}

async function timeWith(tool: 'duster' | 'gdb', setup: string[], repeated: string, n: number, strategy: 'trap' | 'spin' = 'trap'): Promise<number> {
  const gs = await startGdbserver();
  const script = join(work, `${tool}-${n}-${repeated}.cmd`);
  writeFileSync(script, [...setup, ...Array(n).fill(repeated)].join('\n') + '\n');
  try {
    if (tool === 'gdb') return await run('gdb', ['-nx', '-batch', '-ex', `target remote 127.0.0.1:${gs.port}`, '-x', script, exe]);
    return await run(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), '--path', exe, '--gdb', `127.0.0.1:${gs.port}`, '--breakpoints', strategy, '--batch', '-x', script]);
  } finally {
    gs.stop();
  }
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Time per operation: (best run with N ops - best run with 0 ops) / N, so start-up is not counted. */
async function perOp(tool: 'duster' | 'gdb', setup: string[], op: string, strategy?: 'trap' | 'spin'): Promise<number> {
  let base = Infinity;
  let full = Infinity;
  for (let i = 0; i < RUNS; i++) {
    base = Math.min(base, await timeWith(tool, setup, op, 0, strategy));
    full = Math.min(full, await timeWith(tool, setup, op, N, strategy));
  }
  return (full - base) / N;
}

const cases = [
  { name: `next x${N}`, setup: ['break main', 'continue', 'next', 'next'], op: 'next', goal: 0.7 },
  { name: `continue to a breakpoint in a loop x${N}`, setup: ['break hit', 'continue'], op: 'continue', goal: 1.0 },
];
console.log(`stepping benchmark, N=${N}, best of ${RUNS}, ${new Date().toISOString()}, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log('| operation | strategy | duster-tui ms/op | gdb ms/op | ratio | goal |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const g = await perOp('gdb', c.setup.map((s) => (s === 'continue' ? 'continue' : s)), c.op);
  for (const strategy of ['trap', 'spin'] as const) {
    const d = await perOp('duster', c.setup, c.op, strategy);
    console.log(`| ${c.name} | ${strategy} | ${d.toFixed(3)} | ${g.toFixed(3)} | ${(d / g).toFixed(2)} | <= ${c.goal} |`);
  }
}
