// Xen benchmark (run in the lab's dom0 on the GDBSX hypervisor): duster-tui against gdb + Xen's gdbsx, the only peer, on the
// same demo guest and commands: `next` per line and `print *pointer_tester` per answer.
//   . /lab/guest/env.sh && node dist/bench/xen-vs-gdbsx.js [RUNS] [N]
// Each run is a fresh copy of the demo guest (created paused, so every run stops at its first round) and one debugger process;
// a run of N operations is paired with one of 0, so start-up and the breakpoint wait cancel out. Prints a markdown table.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CLI, createGuestCopy, labEnv, startGdbsx, xl } from '../test-xen/lab.js';

const RUNS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 10);
const env = labEnv();
if (env.hypervisor !== 'gdbsx') throw new Error('gdbsx needs the GDBSX hypervisor: boot the lab with `npm run lab:start -- gdbsx`');
const GUEST = 'duster-bench-gdbsx';

type Tool = 'gdb + gdbsx' | 'duster-tui (trap)' | 'duster-tui (spin)';
const TOOLS: Tool[] = ['gdb + gdbsx', 'duster-tui (trap)', 'duster-tui (spin)'];

/** Runs one debugger process over `commands` on a fresh guest; returns its wall time in ms (the guest's creation is not timed). */
async function timedRun(tool: Tool, commands: string[]): Promise<number> {
  const domid = createGuestCopy(GUEST);
  try {
    const ex = [...commands, 'detach'].flatMap((c) => ['-ex', c]);
    if (tool === 'gdb + gdbsx') {
      const port = 9100 + Math.floor(Math.random() * 800);
      const gdbsx = await startGdbsx(domid, port);
      try {
        const t0 = performance.now();
        const r = spawnSync('gdb', ['-nx', '-batch', '-ex', `target remote 127.0.0.1:${port}`, ...ex, env.elfO0], { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
        const ms = performance.now() - t0;
        // gdbsx closes the connection at the detach: gdb exits with 1 after "Remote connection closed".
        if (!/Breakpoint 1, /.test(r.stdout) || !/Remote connection closed/.test(r.stdout + r.stderr)) throw new Error(`gdb failed:\n${r.stdout}${r.stderr}`);
        return ms;
      } finally {
        gdbsx.stop();
      }
    }
    const strategy = tool.includes('spin') ? 'spin' : 'trap';
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, '--domain', GUEST, '--path', env.elfO0, '--breakpoints', strategy, '--batch', ...ex], { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
    const ms = performance.now() - t0;
    if (r.status !== 0 || !/Breakpoint 1, /.test(r.stdout)) throw new Error(`duster-tui failed:\n${r.stdout}${r.stderr}`);
    return ms;
  } finally {
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cases = [
  { name: `next (per line, ${N} lines of demo's loop)`, setup: ['break demo', 'continue'], op: 'next' },
  { name: `print *pointer_tester (per answer, x${N})`, setup: ['break kernel.c:73', 'continue'], op: 'print *pointer_tester' },
];
console.log(`duster-tui vs gdb + gdbsx in dom0 (Xen ${env.hypervisor} hypervisor under TCG), ${RUNS} paired runs, ${new Date().toISOString()}`);
console.log('| operation | tool | ms per op, median (min-max) | ratio to gdb + gdbsx |');
console.log('|---|---|---|---|');
for (const c of cases) {
  const perOp = new Map<Tool, number[]>();
  for (let run = 0; run < RUNS; run++) {
    // Alternate the order so that a slow spell of the emulated machine does not favour one tool.
    const order = run % 2 ? [...TOOLS].reverse() : TOOLS;
    for (const tool of order) {
      const full = await timedRun(tool, [...c.setup, ...Array.from({ length: N }, () => c.op)]);
      const empty = await timedRun(tool, c.setup);
      perOp.set(tool, [...(perOp.get(tool) ?? []), (full - empty) / N]);
      process.stderr.write(`${c.op} ${tool} run ${run + 1}: ${((full - empty) / N).toFixed(1)} ms/op (${full.toFixed(0)} - ${empty.toFixed(0)} ms)\n`);
    }
  }
  const base = median(perOp.get('gdb + gdbsx')!);
  for (const tool of TOOLS) {
    const xs = perOp.get(tool)!;
    console.log(`| ${c.name} | ${tool} | ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}) | ${(median(xs) / base).toFixed(2)} |`);
  }
}
