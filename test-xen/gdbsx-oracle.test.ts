// gdb + Xen's gdbsx as the oracle on a real Xen (GDBSX hypervisor): the talk's session on two fresh copies of the demo guest, one
// under gdb + gdbsx and one under duster-tui, answer for answer from the first breakpoint hit on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, createGuestCopy, labEnv, startGdbsx, xl } from './lab.js';

const env = labEnv();
const gdbFound = spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = env.hypervisor !== 'gdbsx' ? 'gdbsx needs the GDBSX hypervisor (its domctls)'
  : !existsSync(join(env.guestDir, 'gdbsx')) ? `no ${join(env.guestDir, 'gdbsx')} (test/xen-lab/build-gdbsx-tool.sh)`
  : !gdbFound ? 'no gdb in dom0 (the lab image installs it)' : undefined;

/** The talk's session and more: stop, frames, values, memory, registers, stepping in and out. */
const SESSION = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'print my_integer', 'print my_float', 'print my_boolean',
  'print *pointer_tester', 'print pointer_tester->no * 2', 'ptype pointer_tester', 'x/4xw pointer_tester', 'info registers rip',
  'up', 'info locals', 'down', 'info breakpoints', 'next', 'next', 'step', 'bt', 'finish', 'next', 'info frame', 'delete', 'detach',
];

/** gdb's and our answers from the first breakpoint hit to the detach: what attaching prints differs by design. */
function fromFirstHit(text: string): string[] {
  const at = text.indexOf('\nBreakpoint 1, ');
  assert.ok(at >= 0, `no breakpoint hit in:\n${text}`);
  return text.slice(at + 1).split('\n')
    .filter((l) => !/^(\[Inferior 1 \(.*\) detached\]|Detaching from program.*|Run till exit from .*|Remote connection closed)$/.test(l))
    .map((l) => l.replace(/\s+$/, ''));
}

test('gdb + gdbsx and duster-tui answer the talk\'s session alike on the same guest image (two fresh copies, each at its first round)', { skip, timeout: 900_000 }, async () => {
  const port = 9100 + Math.floor(Math.random() * 800);
  const gdbGuest = 'duster-oracle-gdb';
  const ourGuest = 'duster-oracle-ours';
  try {
    const domid = createGuestCopy(gdbGuest);
    const gdbsx = await startGdbsx(domid, port);
    let gdbOut: string;
    try {
      const ex = SESSION.flatMap((c) => ['-ex', c]);
      const r = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off',
        '-ex', `target remote 127.0.0.1:${port}`, ...ex, env.elfO0], { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
      gdbOut = r.stdout + r.stderr;
      // gdbsx closes the connection at the detach: gdb then says "Remote connection closed" and exits with 1.
      assert.match(gdbOut, /Breakpoint 1, [^]*Stack level 0, frame at/, `gdb did not get through the session:\n${gdbOut}\ngdbsx:\n${gdbsx.log()}`);
    } finally {
      gdbsx.stop();
    }
    createGuestCopy(ourGuest);
    const ours = spawnSync(process.execPath, [CLI, '--domain', ourGuest, '--path', env.elfO0, '--batch', ...SESSION.flatMap((c) => ['-ex', c])],
      { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
    const ourOut = ours.stdout + ours.stderr;
    assert.equal(ours.status, 0, ourOut);
    console.log(`# gdb + gdbsx:\n# ${gdbOut.split('\n').join('\n# ')}`);
    assert.deepEqual(fromFirstHit(ourOut), fromFirstHit(gdbOut));
  } finally {
    for (const g of [gdbGuest, ourGuest]) {
      try { xl('destroy', g); } catch { /* already gone */ }
    }
  }
});
