// Fuzz worker: opens mutated ELF files the way the CLI does and runs static queries, reporting any error that is not a UserError.
import { parentPort, workerData } from 'node:worker_threads';
import { buildCommandTable } from '../../src/commands/index.js';
import type { CommandContext } from '../../src/commands/context.js';
import { SourceFiles } from '../../src/commands/source-files.js';
import { openElfBytes } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { UserError } from '../../src/util/errors.js';
import { makeTemplate, mutate, type Template } from './mutate.js';

export interface FuzzJob {
  fixtures: { name: string; bytes: Uint8Array; commands: string[] }[];
  seed: number;
  from: number;
  to: number;
}

/** A case's outcome: the commands ran (answers or UserErrors), or something else was thrown. */
export type CaseResult = { ok: true } | { ok: false; error: string };

const MAX_OUTPUT = 4 * 1024 * 1024;
/** Commands run per mutated file. */
const PER_CASE = 5;

/** The CLI's path: bytes -> ElfFile -> Program, then each command through the command table. */
export async function runCase(bytes: Uint8Array, path: string, commands: string[]): Promise<CaseResult> {
  let printed = 0;
  const bad = (e: unknown): CaseResult | undefined => {
    if (e instanceof UserError) return undefined;
    const err = e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(e);
    return { ok: false, error: err };
  };
  let program: Program;
  try {
    program = new Program(openElfBytes(bytes, path));
  } catch (e) {
    return bad(e) ?? { ok: true };
  }
  const ctx: CommandContext = {
    program, session: undefined, sources: new SourceFiles([]), list: {},
    out: {
      print: (t) => {
        printed += t.length;
        if (printed > MAX_OUTPUT) throw new Error(`more than ${MAX_OUTPUT} characters of output`);
      },
      error: () => undefined,
    },
  };
  const table = buildCommandTable();
  for (const c of commands) {
    try {
      const { command, args } = table.resolve(c);
      await command.run!(args, ctx);
    } catch (e) {
      const r = bad(e);
      if (r) return { ok: false, error: `${c}: ${r.ok ? '' : r.error}` };
    }
  }
  return { ok: true };
}

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
