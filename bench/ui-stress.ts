// Stress: 1,000 resizes while stopped and while running, then a minute of random keys (F-keys, escape sequences, paste bursts) in tmux, then q y: exit 0, program intact. Usage: node dist/bench/ui-stress.js [resizes=1000] [keys-seconds=60] [seed].
import { HangupRun, patchedBytes, quitTui, random, randomKeys, randomResizes } from '../test/ui/hangup-harness.js';

export interface UiStressResult {
  resizeStoppedMs: number;
  resizeRunningMs: number;
  keysSent: number;
  exitCode: number;
  patched: number;
  runsOn: boolean;
  stderr: string;
}

/** One session: resizes stopped, resizes running, random keys, q y. */
export async function uiStress(resizes: number, keysMs: number, seed: number): Promise<UiStressResult> {
  const rand = random(seed);
  const run = await HangupRun.start('tui', seed % 2 ? 'spin' : 'trap');
  try {
    await run.stopAtBreakpoint();
    let t0 = Date.now();
    randomResizes(run.tmux, resizes, rand);
    const resizeStoppedMs = Date.now() - t0;
    run.tmux.resize(120, 40);
    await run.command('delete 2', /delete 2/);
    await run.command('continue', /RUNNING/);
    t0 = Date.now();
    randomResizes(run.tmux, resizes, rand);
    const resizeRunningMs = Date.now() - t0;
    const keysSent = await randomKeys(run.tmux, keysMs, rand);
    const exitCode = await quitTui(run);
    const runsOn = await run.programRunsOn().then(() => true, () => false);
    // A program that is gone cannot be compared: counted as not running on.
    const patched = runsOn ? patchedBytes(run.exe, run.programPid).length : 0;
    return { resizeStoppedMs, resizeRunningMs, keysSent, exitCode, patched, runsOn, stderr: run.stderr };
  } finally {
    await run.cleanup();
  }
}

async function main(): Promise<void> {
  const resizes = Number(process.argv[2] ?? 1000);
  const keysMs = Number(process.argv[3] ?? 60) * 1000;
  const seed = Number(process.argv[4] ?? Date.now() % 100000);
  const r = await uiStress(resizes, keysMs, seed);
  console.log(`ui-stress (seed ${seed}): ${resizes} resizes stopped in ${r.resizeStoppedMs} ms, ${resizes} running in ${r.resizeRunningMs} ms; ${r.keysSent} keys in ${keysMs / 1000} s; q y -> exit ${r.exitCode}; ${r.patched} bytes patched; program runs on: ${r.runsOn}; stderr: ${JSON.stringify(r.stderr)}`);
  process.exitCode = r.exitCode === 0 && r.patched === 0 && r.runsOn && !r.stderr ? 0 : 1;
}

if (process.argv[1]?.endsWith('ui-stress.js')) void main();
