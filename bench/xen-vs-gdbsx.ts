// Xen benchmark (run in the lab's dom0 on the GDBSX hypervisor): duster-tui against gdb + Xen's gdbsx, the only peer, on the
// same demo guest and commands: `next` per line and `print *pointer_tester` per answer.
//   . /lab/guest/env.sh && node dist/bench/xen-vs-gdbsx.js [RUNS] [N]
// Each run is a fresh copy of the demo guest (created paused, so every run stops at its first round) and one debugger process
// fed the commands in batch mode; an operation's time is the time between two consecutive answers on the debugger's output
// (both flush each answer), so start-up and the wait for the breakpoint are not counted. Prints a markdown table.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CLI, createGuestCopy, labEnv, startGdbsx, xl } from '../test-xen/lab.js';

const RUNS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 10);
const env = labEnv();
if (env.hypervisor !== 'gdbsx') throw new Error('gdbsx needs the GDBSX hypervisor: boot the lab with `npm run lab:start -- gdbsx`');
const GUEST = 'duster-bench-gdbsx';

type Tool = 'gdb + gdbsx' | 'duster-tui (trap)' | 'duster-tui (spin)';
const TOOLS: Tool[] = ['gdb + gdbsx', 'duster-tui (trap)', 'duster-tui (spin)'];

/** Runs one debugger process over `commands` on a fresh guest; returns when each output line arrived (ms) and the text. */
async function run(tool: Tool, commands: string[]): Promise<{ at: number[]; lines: string[] }> {
  const domid = createGuestCopy(GUEST);
  let gdbsx: Awaited<ReturnType<typeof startGdbsx>> | undefined;
  try {
    const ex = [...commands, 'detach'].flatMap((c) => ['-ex', c]);
    let argv: string[];
    if (tool === 'gdb + gdbsx') {
      const port = 9100 + Math.floor(Math.random() * 800);
      gdbsx = await startGdbsx(domid, port);
      // gdb's stdout is block-buffered on a pipe (a `print` is not flushed): line-buffer it, so each answer is timed.
      argv = ['stdbuf', '-oL', 'gdb', '-nx', '-batch', '-ex', `target remote 127.0.0.1:${port}`, ...ex, env.elfO0];
    } else {
      argv = [process.execPath, CLI, '--domain', GUEST, '--path', env.elfO0, '--breakpoints', tool.includes('spin') ? 'spin' : 'trap', '--batch', ...ex];
    }
    const child = spawn(argv[0]!, argv.slice(1), { cwd: env.sourceDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const at: number[] = [];
    const lines: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const now = performance.now();
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      for (const l of parts) {
        at.push(now);
        lines.push(l);
      }
    });
    await new Promise((r) => child.once('exit', r));
    if (!lines.some((l) => /^Breakpoint 1, /.test(l))) throw new Error(`${tool} did not stop:\n${lines.join('\n')}`);
    return { at, lines };
  } finally {
    gdbsx?.stop();
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
}

/** The times between consecutive answers after the breakpoint's: one per operation (an answer is the line that starts it). */
function perOp(r: { at: number[]; lines: string[] }, answer: RegExp, n: number): number[] {
  const hit = r.lines.findIndex((l) => /^Breakpoint 1, /.test(l));
  const times = [r.at[hit + 1]!];
  for (let i = hit + 2; i < r.lines.length && times.length <= n; i++) if (answer.test(r.lines[i]!)) times.push(r.at[i]!);
  return times.slice(1).map((t, i) => t - times[i]!);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cases = [
  { name: `next (per line, ${N} lines of demo's loop)`, setup: ['break demo', 'continue'], op: 'next', answer: /^\d+\t/ },
  { name: `print *pointer_tester (per answer, x${N})`, setup: ['break kernel.c:73', 'continue'], op: 'print *pointer_tester', answer: /^\$\d+ = / },
];
console.log(`duster-tui vs gdb + gdbsx in dom0 (Xen ${env.hypervisor} hypervisor under TCG), ${RUNS} runs of ${N} operations each, ${new Date().toISOString()}`);
console.log('| operation | tool | ms per op, median (10-90%) | ratio to gdb + gdbsx |');
console.log('|---|---|---|---|');
const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
for (const c of cases) {
  const times = new Map<Tool, number[]>();
  for (let i = 0; i < RUNS; i++) {
    // Alternate the order so that a slow spell of the emulated machine does not favour one tool.
    for (const tool of i % 2 ? [...TOOLS].reverse() : TOOLS) {
      const ts = perOp(await run(tool, [...c.setup, ...Array.from({ length: N }, () => c.op)]), c.answer, N);
      times.set(tool, [...(times.get(tool) ?? []), ...ts]);
      process.stderr.write(`${c.op} ${tool} run ${i + 1}: ${ts.map((t) => t.toFixed(0)).join(' ')} ms\n`);
    }
  }
  const base = median(times.get('gdb + gdbsx')!);
  for (const tool of TOOLS) {
    const xs = times.get(tool)!;
    console.log(`| ${c.name} | ${tool} | ${median(xs).toFixed(1)} (${q(xs, 0.1).toFixed(1)}-${q(xs, 0.9).toFixed(1)}) | ${(median(xs) / base).toFixed(2)} |`);
  }
}
