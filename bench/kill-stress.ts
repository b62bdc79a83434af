// Stress: kill duster-tui with SIGINT/SIGTERM/SIGHUP at N random points of a session (running, stepping, stopped, printing a big struct; TUI and line mode; trap and spin) over gdbserver. Usage: node dist/bench/kill-stress.js [N=20] [seed].
import { killAt, killProblems, random, type KillPoint, type KillResult } from '../test/ui/hangup-harness.js';


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function killPoints(n: number, seed: number): KillPoint[] {
  const r = random(seed);
  return Array.from({ length: n }, (_, i) => ({
    mode: i % 4 === 3 ? 'line' : 'tui',
    strategy: pick(r, ['trap', 'spin'] as const),
    activity: pick(r, ['running', 'stepping', 'stopped', 'printing'] as const),
    signal: pick(r, ['SIGINT', 'SIGTERM', 'SIGHUP'] as const),
    delayMs: Math.floor(r() * 400),
  }));
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20);
  const seed = Number(process.argv[3] ?? Date.now() % 100000);
  const results: KillResult[] = [];
  let failed = 0;
  console.log(`kill-stress: ${n} points, seed ${seed}`);
  for (const p of killPoints(n, seed)) {
    const res = await killAt(p);
    results.push(res);
    const problems = killProblems(res);
    if (problems.length) failed++;
    console.log(`${p.mode.padEnd(4)} ${p.strategy.padEnd(4)} ${p.activity.padEnd(8)} ${p.signal.padEnd(7)} +${String(p.delayMs).padStart(3)} ms: exit ${res.exitCode} in ${res.exitMs} ms, ${res.patched} patched, runs on: ${res.runsOn}${problems.length ? `  FAIL: ${problems.join('; ')}` : ''}`);
  }
  const exits = results.map((r) => r.exitMs).sort((a, b) => a - b);
  console.log(`\n${n - failed}/${n} clean; bytes left patched: ${results.reduce((s, r) => s + r.patched, 0)}; exit ms median ${exits[Math.floor(exits.length / 2)]}, max ${exits[exits.length - 1]}`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1]?.endsWith('kill-stress.js')) void main();
