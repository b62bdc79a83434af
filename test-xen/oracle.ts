// gdb + Xen's gdbsx as the oracle (GDBSX hypervisor): one session on two fresh copies of a guest, one under gdb + gdbsx and one
// under duster-tui, compared answer for answer from the first breakpoint hit on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLI, createGuestCopy, labEnv, startGdbsx, xl } from './lab.js';

const gdbFound = spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;

/** Why the oracle cannot run here, or undefined. */
export function gdbsxSkip(): string | undefined {
  const env = labEnv();
  return env.hypervisor !== 'gdbsx' ? 'gdbsx needs the GDBSX hypervisor (its domctls)'
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

/** Runs `session` under gdb + gdbsx and under duster-tui, each on a fresh paused copy of the guest; asserts equal answers. */
export async function answerAlike(run: OracleRun): Promise<void> {
  const port = 9100 + Math.floor(Math.random() * 800);
  const gdbGuest = 'duster-oracle-gdb';
  const ourGuest = 'duster-oracle-ours';
  try {
    const domid = createGuestCopy(gdbGuest, true, run.elf, run.config);
    const gdbsx = await startGdbsx(domid, port);
    let gdbOut: string;
    try {
      const r = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off',
        '-ex', `target remote 127.0.0.1:${port}`, ...run.session.flatMap((c) => ['-ex', c]), run.elf], { encoding: 'utf8', cwd: run.cwd, timeout: 600_000 });
      gdbOut = r.stdout + r.stderr;
      // gdbsx closes the connection at the detach: gdb then says "Remote connection closed" and exits with 1.
      assert.match(gdbOut, /Breakpoint 1(\.\d+)?, [^]*Stack level 0, frame at/, `gdb did not get through the session:\n${gdbOut}\ngdbsx:\n${gdbsx.log()}`);
    } finally {
      gdbsx.stop();
    }
    createGuestCopy(ourGuest, true, run.elf, run.config);
    const ours = spawnSync(process.execPath, [CLI, '--domain', ourGuest, '--path', run.elf, '--batch', ...run.session.flatMap((c) => ['-ex', c])],
      { encoding: 'utf8', cwd: run.cwd, timeout: 600_000 });
    const ourOut = ours.stdout + ours.stderr;
    assert.equal(ours.status, 0, ourOut);
    const [mine, theirs] = [fromFirstHit(ourOut), fromFirstHit(gdbOut)];
    const at = mine.findIndex((l, i) => l !== theirs[i]);
    if (at >= 0 || mine.length !== theirs.length) {
      // Both transcripts whole, next to the guest images (the host sees them under the lab's share/guest).
      const base = join(labEnv().guestDir, `oracle-${basename(run.elf)}`);
      writeFileSync(`${base}.gdb.txt`, gdbOut);
      writeFileSync(`${base}.ours.txt`, ourOut);
      const from = Math.max(0, (at >= 0 ? at : Math.min(mine.length, theirs.length)) - 3);
      assert.fail(`answers differ from line ${at} (whole transcripts in ${base}.{gdb,ours}.txt)\n--- gdb + gdbsx:\n${theirs.slice(from, from + 12).join('\n')}\n--- duster-tui:\n${mine.slice(from, from + 12).join('\n')}`);
    }
  } finally {
    for (const g of [gdbGuest, ourGuest]) {
      try { xl('destroy', g); } catch { /* already gone */ }
    }
  }
}
