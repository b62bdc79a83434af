// Fuzz worker (a child process of bench/fuzz/main.ts): mutates corpus files and runs each through the static queries
// and, over a captured stop, the frame/value code; reports every case's outcome to the driver over IPC.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SourceFiles } from '../../src/commands/source-files.js';
import { makeTemplate, mutateWide, type Mutation, type Template } from '../../test/fuzz/mutate.js';
import { runCase, type CaseFailure } from '../../test/fuzz/run-case.js';
import { SOURCE_DIRS, type CorpusEntry } from './corpus.js';
import { loadImage, snapshotTarget, type Image } from './snapshot-target.js';

export interface Fixture {
  name: string;
  t: Template;
  statics: string[];
  frames: string[];
  images: Image[];
}

/** Static queries run per case (a rotating window over the fixture's list). */
const STATIC_PER_CASE = 6;
const FRAME_PER_CASE = 7;

/** Names the pristine file answers with in `info functions` / `info variables` (gdb's "LINE:\tDECL;" lines). */
async function names(bytes: Uint8Array, cmd: string): Promise<string[]> {
  const out: string[] = [];
  const { buildCommandTable } = await import('../../src/commands/index.js');
  const { openElfBytes } = await import('../../src/elf/elf.js');
  const { Program } = await import('../../src/symbols/program.js');
  const table = buildCommandTable();
  const { command, args } = table.resolve(cmd);
  let text = '';
  await command.run!(args, { program: new Program(openElfBytes(bytes, 'x')), session: undefined, sources: new SourceFiles([]), list: {}, out: { print: (t) => (text += t), error: () => undefined } });
  for (const l of text.split('\n')) {
    if (/^Non-debugging/.test(l)) break;
    const m = /^\d+:\s+(.*);$/.exec(l);
    if (!m) continue;
    const decl = m[1]!.replace(/\(.*$/, '').replace(/\[.*$/, '').replace(/\s*=.*$/, '');
    const id = /([A-Za-z_]\w*)\s*$/.exec(decl);
    if (id && !out.includes(id[1]!)) out.push(id[1]!);
  }
  return out;
}

export async function loadFixture(e: CorpusEntry): Promise<Fixture> {
  const bytes = new Uint8Array(readFileSync(e.path));
  const t = makeTemplate(e.name, bytes);
  const fns = (await names(bytes, 'info functions')).slice(0, 12);
  const vars = (await names(bytes, 'info variables')).slice(0, 12);
  const statics = ['info functions', 'info variables', 'info types', 'info types .', 'info source', 'info line *0x401000', 'info symbol 0x401000'];
  for (const f of fns) statics.push(`info line ${f}`, `list ${f}`, `break ${f}`, `info scope ${f}`, `info address ${f}`, `info symbol ${f}`, `ptype ${f}`, `whatis ${f}`, `disassemble ${f}`);
  for (const v of vars) statics.push(`print ${v}`, `print &${v}`, `ptype ${v}`, `whatis ${v}`, `info address ${v}`, `print/x ${v}`, `output ${v}`);
  for (const l of [1, 20, 30, 45, 70]) statics.push(`info line ${l}`, `list ${l}`, `break ${l}`);
  const frames = ['bt', 'info locals', 'info args', 'info frame', 'up', 'info locals', 'info args', 'frame 2', 'info locals', 'bt full', 'print $pc', 'x/4gx $sp',
    'info registers rip', 'down', 'x/3i $pc', 'print/x $sp', 'info registers', ...vars.slice(0, 6).map((v) => `print ${v}`)];
  return { name: e.name, t, statics, frames, images: e.snapshots.map(loadImage) };
}

export interface CaseReport {
  index: number;
  fixture: string;
  mutation: Omit<Mutation, 'bytes'>;
  failure?: CaseFailure;
  cpuMs: number;
}

/** The `index`-th case: which fixture, which mutation, which commands. Deterministic in (seed, index). */
export async function runOne(fixtures: Fixture[], sources: SourceFiles, seed: number, index: number, onStart?: (c: Omit<CaseReport, 'cpuMs' | 'failure'>) => void): Promise<CaseReport> {
  const f = fixtures[index % fixtures.length]!;
  const m = mutateWide(f.t, seed, index);
  onStart?.({ index, fixture: f.name, mutation: { what: m.what, strategy: m.strategy, section: m.section, offset: m.offset } });
  const start = (Math.floor(index / fixtures.length) * STATIC_PER_CASE) % f.statics.length;
  const cmds = [...f.statics, ...f.statics].slice(start, start + STATIC_PER_CASE);
  const image = f.images.length && index % 2 === 1 ? f.images[Math.floor(index / fixtures.length) % f.images.length] : undefined;
  const fstart = (Math.floor(index / fixtures.length) * FRAME_PER_CASE) % f.frames.length;
  const frameCmds = image ? [...f.frames, ...f.frames].slice(fstart, fstart + FRAME_PER_CASE) : [];
  if (image && frameCmds[0] !== 'bt') frameCmds.unshift('bt');
  const cpu0 = process.cpuUsage();
  const r = await runCase(m.bytes, `/tmp/fuzz/${basename(f.name)}`, cmds, { scanOutput: true, sources, target: image ? () => snapshotTarget(image) : undefined, frameCommands: frameCmds });
  const cpu = process.cpuUsage(cpu0);
  const { bytes: _b, ...mutation } = m;
  return { index, fixture: f.name, mutation, failure: r.ok ? undefined : r.failure, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export function sourceFiles(): SourceFiles {
  return new SourceFiles(SOURCE_DIRS);
}

interface Init { type: 'init'; corpus: CorpusEntry[]; seed: number }
interface Run { type: 'run'; from: number; to: number }

if (process.send && process.env.DUSTER_FUZZ_WORKER) {
  let fixtures: Fixture[] = [];
  let seed = 1;
  const sources = sourceFiles();
  const queue: Run[] = [];
  let busy = false;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const job = queue.shift()!;
      for (let i = job.from; i < job.to; i++) {
        const rep = await runOne(fixtures, sources, seed, i, (c) => process.send!({ type: 'start', index: i, case: c }));
        process.send!({ type: 'done', report: rep, rss: process.memoryUsage().rss });
      }
      process.send!({ type: 'idle' });
    }
    busy = false;
  };
  process.on('message', (m: Init | Run) => {
    if (m.type === 'init') {
      seed = m.seed;
      void Promise.all(m.corpus.map(loadFixture)).then((fx) => {
        fixtures = fx;
        process.send!({ type: 'ready' });
      });
    } else {
      queue.push(m);
      void pump();
    }
  });
}
