// Fuzz worker: opens mutated ELF files the way the CLI does and runs static queries, reporting any error that is not a UserError.
import { parentPort, workerData } from 'node:worker_threads';
import { runCase, type CaseResult } from './run-case.js';
import { makeTemplate, mutate, type Template } from './mutate.js';

export interface FuzzJob {
  fixtures: { name: string; bytes: Uint8Array; commands: string[] }[];
  seed: number;
  from: number;
  to: number;
}

export type { CaseResult };

/** Commands run per mutated file. */
const PER_CASE = 5;

async function work(job: FuzzJob): Promise<void> {
  const port = parentPort!;
  const templates: { t: Template; commands: string[] }[] = job.fixtures.map((f) => ({ t: makeTemplate(f.name, f.bytes), commands: f.commands }));
  for (let i = job.from; i < job.to; i++) {
    const f = templates[i % templates.length]!;
    const m = mutate(f.t, job.seed, i);
    port.postMessage({ type: 'start', index: i, what: `${f.t.name}: ${m.what}` });
    // Each case runs a rotating window of the fixture's commands: every command is exercised, each case stays cheap.
    const start = (i * PER_CASE) % f.commands.length;
    const cmds = [...f.commands, ...f.commands].slice(start, start + Math.min(PER_CASE, f.commands.length));
    const cpu0 = process.cpuUsage();
    const r = await runCase(m.bytes, f.t.name, cmds);
    const cpu = process.cpuUsage(cpu0);
    port.postMessage({ type: 'done', index: i, result: r, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  port.postMessage({ type: 'finished' });
}

if (parentPort && (workerData as { fuzz?: FuzzJob } | undefined)?.fuzz) {
  void work((workerData as { fuzz: FuzzJob }).fuzz);
}
