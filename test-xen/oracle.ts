// gdb + Xen's gdbsx as the oracle (GDBSX hypervisor): one session on two fresh copies of a guest, one under gdb + gdbsx and one
// under duster-tui, compared answer for answer from the first breakpoint hit on; duster-tui's answers on the stock hypervisor
// (recorded by the lab run's stock half) are held against the same gdb transcript.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLI, createGuestCopy, labEnv, startGdbsx, xl } from './lab.js';

const gdbFound = spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;

/** Why the oracle cannot run here, or undefined. On the stock hypervisor our answers are recorded for the GDBSX half to compare. */
export function gdbsxSkip(): string | undefined {
  const env = labEnv();
  return env.hypervisor !== 'gdbsx' ? undefined
    : !existsSync(join(env.guestDir, 'gdbsx')) ? `no ${join(env.guestDir, 'gdbsx')} (test/xen-lab/build-gdbsx-tool.sh)`
    : !gdbFound ? 'no gdb in dom0 (the lab image installs it)' : undefined;
}

/** gdb's and our answers from the first breakpoint hit to the detach: what attaching prints differs by design. */
function fromFirstHit(text: string): string[] {
  const at = text.search(/\nBreakpoint 1(\.\d+)?, /);
  assert.ok(at >= 0, `no breakpoint hit in:\n${text}`);
  return text.slice(at + 1).split('\n')
    .filter((l) => !/^(\[Inferior 1 \(.*\) detached\]|Detaching from program.*|Run till exit from .*|Remote connection closed)$/.test(l))
    .map((l) => l.replace(/\s+$/, ''));
}

export interface OracleRun {
  /** The image both guests boot (and both debuggers read). */
  elf: string;
  /** The xl config the copies are made from (default: the demo guest's). */
  config?: string;
  session: readonly string[];
  /** Where both debuggers run (relative source paths resolve from there). */
  cwd: string;
}

/** Our transcript of `run.session` on a fresh paused copy of the guest, with the hypervisor's default strategy. */
function ourTranscript(run: OracleRun): string {
  const guest = 'duster-oracle-ours';
  try {
    createGuestCopy(guest, true, run.elf, run.config);
    // A session that never reaches its breakpoint would run the guest forever: bounded (a session takes 20-40 s under TCG).
    const ours = spawnSync(process.execPath, [CLI, '--domain', guest, '--path', run.elf, '--batch', ...run.session.flatMap((c) => ['-ex', c])],
      { encoding: 'utf8', cwd: run.cwd, timeout: 240_000, killSignal: 'SIGINT' });
    const out = ours.stdout + ours.stderr;
    assert.equal(ours.status, 0, out);
    return out;
  } finally {
    try { xl('destroy', guest); } catch { /* already gone */ }
  }
}

/** Where the stock hypervisor's half leaves our transcript (the guest folder is emptied at the start of each lab run). */
function stockTranscriptPath(run: OracleRun): string {
  return join(labEnv().guestDir, `oracle-${basename(run.elf)}.stock.txt`);
}

/** Equal answers from the first hit on, or a failure quoting both around the first difference (whole texts kept in files). */
function assertSameAnswers(ours: string, gdb: string, label: string, elf: string): void {
  const [mine, theirs] = [fromFirstHit(ours), fromFirstHit(gdb)];
  const at = mine.findIndex((l, i) => l !== theirs[i]);
  if (at < 0 && mine.length === theirs.length) return;
  // Both transcripts whole, next to the guest images (the host sees them under the lab's share/guest).
  const base = join(labEnv().guestDir, `oracle-${basename(elf)}-${label}`);
  writeFileSync(`${base}.gdb.txt`, gdb);
  writeFileSync(`${base}.ours.txt`, ours);
  const from = Math.max(0, (at >= 0 ? at : Math.min(mine.length, theirs.length)) - 3);
  assert.fail(`${label}: answers differ from line ${at} (whole transcripts in ${base}.{gdb,ours}.txt)\n--- gdb + gdbsx:\n${theirs.slice(from, from + 12).join('\n')}\n--- duster-tui:\n${mine.slice(from, from + 12).join('\n')}`);
}

/**
 * On the GDBSX hypervisor: `session` under gdb + gdbsx and under duster-tui, each on a fresh paused copy of the guest,
 * answer for answer; returns gdb's transcript. On the stock hypervisor: our answers, recorded for stockAnswersAlike.
 */
export async function answerAlike(run: OracleRun): Promise<string | undefined> {
  if (labEnv().hypervisor !== 'gdbsx') {
    const ours = ourTranscript(run);
    fromFirstHit(ours); // got as far as the first hit
    writeFileSync(stockTranscriptPath(run), ours);
    return undefined;
  }
  const port = 9100 + Math.floor(Math.random() * 800);
  const gdbGuest = 'duster-oracle-gdb';
  let gdbOut: string;
  try {
    const domid = createGuestCopy(gdbGuest, true, run.elf, run.config);
    const gdbsx = await startGdbsx(domid, port);
    try {
      const r = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off',
        '-ex', `target remote 127.0.0.1:${port}`, ...run.session.flatMap((c) => ['-ex', c]), run.elf], { encoding: 'utf8', cwd: run.cwd, timeout: 600_000 });
      gdbOut = r.stdout + r.stderr;
      // gdbsx closes the connection at the detach: gdb then says "Remote connection closed" and exits with 1.
      assert.match(gdbOut, /Breakpoint 1(\.\d+)?, [^]*Stack level 0, frame at/, `gdb did not get through the session:\n${gdbOut}\ngdbsx:\n${gdbsx.log()}`);
    } finally {
      gdbsx.stop();
    }
  } finally {
    try { xl('destroy', gdbGuest); } catch { /* already gone */ }
  }
  assertSameAnswers(ourTranscript(run), gdbOut, 'gdbsx', run.elf);
  return gdbOut;
}

/** On the GDBSX hypervisor, after answerAlike: our answers from the stock half of the lab run against gdb's (none recorded: skipped). */
export function stockAnswersAlike(run: OracleRun, gdbOut: string | undefined, t: { skip(reason: string): void }): void {
  const stock = stockTranscriptPath(run);
  if (gdbOut === undefined || !existsSync(stock)) return t.skip('no transcripts of both hypervisors in this lab run');
  assertSameAnswers(readFileSync(stock, 'utf8'), gdbOut, 'stock', run.elf);
}
