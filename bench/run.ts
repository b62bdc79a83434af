// Static-query benchmark (npm run bench): load + index + answer, duster-tui vs gdb -batch on the same binaries, with peak RSS.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { CLI } from '../test/helpers/build.js';
import { demo, sqlite, vmlinux, type Input } from './inputs.js';
import { measure, type Measured } from './measure.js';

/** DUSTER_BENCH_SIZES=demo,sqlite,vmlinux (default all); DUSTER_BENCH_RUNS runs per side (best kept). */
const SIZES = (process.env.DUSTER_BENCH_SIZES ?? 'demo,sqlite,vmlinux').split(',');
const RUNS = Number(process.env.DUSTER_BENCH_RUNS ?? 3);
/** DUSTER_BENCH_BASELINE=PATH/dist/cli/main.js: another build (e.g. main's) measured in the same runs, for before/after. */
const BASELINE = process.env.DUSTER_BENCH_BASELINE;
/** gdb needs minutes for some vmlinux queries: one run each there unless told otherwise. */
const BIG_RUNS = Number(process.env.DUSTER_BENCH_BIG_RUNS ?? 1);

const GDB_ARGS = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off'];

interface Row {
  input: string;
  query: string;
  ours: Measured;
  baseline?: Measured;
  gdb: Measured;
  same: boolean;
}

/** Best (lowest) wall and CPU time over the runs, each taken on its own; the highest peak RSS. */
function keepBest(b: Measured | undefined, m: Measured): Measured {
  if (!b) return { ...m };
  const out = m.seconds < b.seconds ? { ...m } : { ...b };
  if (m.cpuSeconds !== undefined && b.cpuSeconds !== undefined) out.cpuSeconds = Math.min(m.cpuSeconds, b.cpuSeconds);
  out.rssMb = Math.max(m.rssMb, b.rssMb);
  return out;
}

function debugSectionsMb(path: string): number {
  const out = execFileSync('readelf', ['-SW', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let total = 0;
  for (const m of out.matchAll(/\]\s+(\.debug_\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/g)) total += parseInt(m[2]!, 16);
  return total / (1 << 20);
}

async function benchInput(input: Input, rows: Row[]): Promise<void> {
  const runs = input.name === 'vmlinux' ? BIG_RUNS : RUNS;
  for (const q of input.queries) {
    process.stderr.write(`bench: ${input.name}: ${q}\n`);
    // Interleaved (ours, baseline, gdb in each round): a burst of load from other work hits all sides alike.
    let ours: Measured | undefined;
    let baseline: Measured | undefined;
    let gdb: Measured | undefined;
    for (let i = 0; i < runs; i++) {
      ours = keepBest(ours, await measure(process.execPath, [CLI, '--path', input.path, '--batch', '-ex', q], input.cwd));
      if (BASELINE) baseline = keepBest(baseline, await measure(process.execPath, [BASELINE, '--path', input.path, '--batch', '-ex', q], input.cwd));
      gdb = keepBest(gdb, await measure('gdb', [...GDB_ARGS, '-ex', q, input.path], input.cwd));
    }
    if (!ours || !gdb) throw new Error('DUSTER_BENCH_RUNS must be at least 1');
    rows.push({ input: input.name, query: q, ours, ...(baseline ? { baseline } : {}), gdb, same: ours.stdout === gdb.stdout && ours.status === 0 });
  }
}

const cpu = (m: Measured): string => (m.cpuSeconds !== undefined ? m.cpuSeconds.toFixed(2) : '?');
const cpuRatio = (a: Measured, b: Measured): string => (a.cpuSeconds !== undefined && b.cpuSeconds ? (a.cpuSeconds / b.cpuSeconds).toFixed(2) : '?');

function table(rows: Row[], sizes: Map<string, number>): string {
  const base = rows.some((r) => r.baseline);
  const lines = [
    `| binary (debug MB) | query | duster-tui s | gdb s | time ratio | duster-tui CPU s | gdb CPU s | CPU ratio | duster-tui peak RSS MB | gdb peak RSS MB | same output |${base ? ' baseline s | baseline time ratio | baseline CPU ratio | baseline RSS MB |' : ''}`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|${base ? '---:|---:|---:|---:|' : ''}`,
  ];
  for (const r of rows) {
    const b = r.baseline ? ` ${r.baseline.seconds.toFixed(2)} | ${(r.baseline.seconds / r.gdb.seconds).toFixed(2)} | ${cpuRatio(r.baseline, r.gdb)} | ${r.baseline.rssMb.toFixed(0)} |` : '';
    lines.push(`| ${r.input} (${sizes.get(r.input)?.toFixed(2)}) | \`${r.query}\` | ${r.ours.seconds.toFixed(2)} | ${r.gdb.seconds.toFixed(2)} | ${(r.ours.seconds / r.gdb.seconds).toFixed(2)} | ${cpu(r.ours)} | ${cpu(r.gdb)} | ${cpuRatio(r.ours, r.gdb)} | ${r.ours.rssMb.toFixed(0)} | ${r.gdb.rssMb.toFixed(0)} | ${r.same ? 'yes' : 'NO'} |${b}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const makers: Record<string, () => Input> = { demo, sqlite, vmlinux };
  const rows: Row[] = [];
  const sizes = new Map<string, number>();
  for (const s of SIZES) {
    const make = makers[s];
    if (!make) throw new Error(`unknown size "${s}" (demo, sqlite, vmlinux)`);
    const input = make();
    sizes.set(input.name, debugSectionsMb(input.path));
    await benchInput(input, rows);
  }
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim();
  process.stdout.write(`${new Date().toISOString()} — ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, load ${load}\n`);
  process.stdout.write(`best of ${RUNS} interleaved runs (vmlinux: ${BIG_RUNS}) per side; wall and CPU (user + system) of the whole process (start, load, index, answer)${BASELINE ? `; baseline: ${BASELINE}` : ''}\n\n`);
  process.stdout.write(table(rows, sizes) + '\n');
  for (const r of rows) {
    if (!r.same) process.stdout.write(`\n${r.input} ${r.query}: outputs differ\n--- duster-tui (status ${r.ours.status})\n${r.ours.stdout}${r.ours.stderr}\n--- gdb\n${r.gdb.stdout}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
