// Corrupted program files never crash or hang: thousands of mutated fixtures end in an answer or a clean error, fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { compileFixture } from '../helpers/build.js';
import type { CaseResult, FuzzJob } from './fuzz-worker.js';

const CASES = Number(process.env.DUSTER_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.DUSTER_FUZZ_SEED ?? 1);
/** A case using more CPU than this fails (CPU time: the test machine may be shared and loaded). */
const CASE_LIMIT_MS = 2000;
/** A case without an answer after this much wall time is a hang: the worker is killed. */
const HANG_MS = 15_000;

const DEMO_COMMANDS = [
  'info line kernel.c:73', 'info line demo', 'list demo', 'info source', 'info functions s', 'info variables',
  'info types t', 'info scope demo', 'info scope kernel.c:65', 'info symbol main', 'ptype struct test', 'whatis banner',
  'info line *0x1200', 'info address rounds',
];
const TYPES_COMMANDS = ['info types .', 'info functions', 'ptype struct nested', 'ptype union number', 'whatis g_fp', 'info scope main', 'list zoo2.c:1,5'];

interface Failure {
  index: number;
  what: string;
  error: string;
}

function runJob(job: FuzzJob): Promise<{ failures: Failure[]; slowest: number }> {
  return new Promise((resolvePromise) => {
    const failures: Failure[] = [];
    let slowest = 0;
    let from = job.from;
    const spawn = (): void => {
      if (from >= job.to) {
        resolvePromise({ failures, slowest });
        return;
      }
      const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
        workerData: { fuzz: { ...job, from } },
        resourceLimits: { maxOldGenerationSizeMb: 384 },
      });
      let current = { index: from, what: '', started: Date.now() };
      let finished = false;
      const watchdog = setInterval(() => {
        if (Date.now() - current.started > HANG_MS) {
          failures.push({ index: current.index, what: current.what, error: `no answer within ${HANG_MS} ms` });
          finished = true;
          clearInterval(watchdog);
          from = current.index + 1;
          void worker.terminate().then(spawn);
        }
      }, 100);
      worker.on('message', (m: { type: string; index: number; what?: string; result?: CaseResult; cpuMs?: number }) => {
        if (m.type === 'start') current = { index: m.index, what: m.what ?? '', started: Date.now() };
        else if (m.type === 'done') {
          const cpu = m.cpuMs ?? 0;
          slowest = Math.max(slowest, cpu);
          if (m.result && !m.result.ok) failures.push({ index: m.index, what: current.what, error: m.result.error });
          else if (cpu > CASE_LIMIT_MS) failures.push({ index: m.index, what: current.what, error: `took ${cpu.toFixed(0)} ms of CPU` });
        } else if (m.type === 'finished') {
          finished = true;
          clearInterval(watchdog);
          from = job.to;
          void worker.terminate().then(spawn);
        }
      });
      worker.on('error', (e) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        failures.push({ index: current.index, what: current.what, error: `worker died: ${e.message}` });
        from = current.index + 1;
        spawn();
      });
    };
    spawn();
  });
}

test(`${CASES} mutated ELF files (seed ${SEED}) each end in an answer or a clean error within ${CASE_LIMIT_MS} ms of CPU`, { timeout: 30 * 60_000 }, async () => {
  const fixtures = [
    { name: 'demo-O0-dwarf5', bytes: readFileSync(compileFixture(['demo/kernel.c'], ['-g', '-gdwarf-5', '-O0'])), commands: DEMO_COMMANDS },
    { name: 'demo-O2-dwarf5', bytes: readFileSync(compileFixture(['demo/kernel.c'], ['-g', '-gdwarf-5', '-O2'])), commands: DEMO_COMMANDS },
    { name: 'demo-O2-dwarf4', bytes: readFileSync(compileFixture(['demo/kernel.c'], ['-g', '-gdwarf-4', '-O2'])), commands: DEMO_COMMANDS },
    { name: 'demo-O0-gz', bytes: readFileSync(compileFixture(['demo/kernel.c'], ['-g', '-gdwarf-5', '-O0', '-gz'])), commands: DEMO_COMMANDS },
    { name: 'types-O0', bytes: readFileSync(compileFixture(['types/zoo.c', 'types/zoo2.c'], ['-g', '-gdwarf-5', '-O0'])), commands: TYPES_COMMANDS },
  ].map((f) => ({ ...f, bytes: new Uint8Array(f.bytes) }));
  const { failures, slowest } = await runJob({ fixtures, seed: SEED, from: 0, to: CASES });
  const report = failures.slice(0, 10).map((f) => `case ${f.index} (${f.what}): ${f.error}`).join('\n\n');
  assert.equal(failures.length, 0, `${failures.length} of ${CASES} cases failed (reproduce with DUSTER_FUZZ_SEED=${SEED}):\n${report}`);
  assert.ok(slowest < CASE_LIMIT_MS, `slowest case took ${slowest.toFixed(0)} ms of CPU`);
});
