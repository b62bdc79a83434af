// The fuzz corpus: the project's C fixtures built with the machine's gcc (-O0/-O2, DWARF 4/5, -gz, -no-pie), and for
// each a few stops captured once from a real run under gdb (registers and the program's own memory and stack).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FIXTURES, ROOT, compileFixture } from '../../test/helpers/build.js';

export interface Program {
  name: string;
  sources: string[];
  /** Breakpoint locations (gdb syntax) where a stop is captured. */
  stops: string[];
}

export const PROGRAMS: Program[] = [
  { name: 'demo', sources: ['demo/kernel.c'], stops: ['tick', 'square', 'factorial'] },
  { name: 'frames', sources: ['core/frames.c'], stops: ['depth', 'frames.c:70', 'mix'] },
  { name: 'zoo', sources: ['types/zoo.c', 'types/zoo2.c'], stops: ['vla_sum', 'zoo2_value'] },
  { name: 'shapes', sources: ['symbols/main.c', 'symbols/shapes.c'], stops: ['twice', 'walk'] },
  { name: 'optvars', sources: ['cfi/optvars.c'], stops: ['deref', 'pair_sum'] },
];

export const BUILDS: { label: string; flags: string[] }[] = [
  { label: 'O0-dwarf5', flags: ['-g', '-gdwarf-5', '-O0', '-no-pie'] },
  { label: 'O2-dwarf5', flags: ['-g', '-gdwarf-5', '-O2', '-no-pie'] },
  { label: 'O0-dwarf4', flags: ['-g', '-gdwarf-4', '-O0', '-no-pie'] },
  { label: 'O2-dwarf4', flags: ['-g', '-gdwarf-4', '-O2', '-no-pie'] },
  { label: 'O0-dwarf5-gz', flags: ['-g', '-gdwarf-5', '-O0', '-no-pie', '-gz'] },
  { label: 'O2-dwarf4-gz', flags: ['-g', '-gdwarf-4', '-O2', '-no-pie', '-gz'] },
];

export interface Snapshot {
  stop: string;
  regs: Record<string, string>;
  regions: { start: string; data: string }[];
}

export interface CorpusEntry {
  name: string;
  path: string;
  /** Captured stops (file paths of JSON snapshots). */
  snapshots: string[];
}

const CAPTURE = join(ROOT, 'bench', 'fuzz', 'capture.py');

/** Runs the program under gdb to `stop` and writes the snapshot next to the executable; undefined when never reached. */
function capture(exe: string, stop: string): string | undefined {
  const out = `${exe}.snap-${stop.replace(/[^A-Za-z0-9]/g, '_')}.json`;
  if (existsSync(out)) return out;
  if (existsSync(`${out}.none`)) return undefined; // not reached on an earlier run
  const r = spawnSync('gdb', ['-nx', '-batch', '-ex', `source ${CAPTURE}`, '-ex', `break ${stop}`, '-ex', 'run', '-ex', `python capture(${JSON.stringify(out)}, ${JSON.stringify(exe)})`, exe],
    { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 && !existsSync(out)) process.stderr.write(`fuzz: ${stop} not reached in ${exe} (inlined or optimised out): no stop captured\n`);
  if (!existsSync(out)) {
    writeFileSync(`${out}.none`, '');
    return undefined;
  }
  const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
  return snap.regions.length && snap.regs.rip ? out : undefined;
}

export function buildCorpus(log: (m: string) => void): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const p of PROGRAMS) {
    for (const b of BUILDS) {
      const path = compileFixture(p.sources, b.flags, p.name);
      const snapshots = p.stops.map((s) => capture(path, s)).filter((s): s is string => !!s);
      entries.push({ name: `${p.name}-${b.label}`, path, snapshots });
    }
  }
  log(`corpus: ${entries.length} binaries, ${entries.reduce((n, e) => n + e.snapshots.length, 0)} captured stops`);
  return entries;
}

/** Directories `list` searches for the fixtures' sources. */
export const SOURCE_DIRS = [...new Set(PROGRAMS.flatMap((p) => p.sources.map((s) => dirname(join(FIXTURES, s)))))];
