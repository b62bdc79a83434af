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

/** The talk's session and more at -O0: frames, values, memory, registers, disassembly, stepping in and out, until/advance, tbreak, display. */
const SESSION_O0 = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'print my_integer', 'print my_float', 'print my_boolean',
  'print *pointer_tester', 'print pointer_tester->no * 2', 'ptype pointer_tester', 'x/4xw pointer_tester', 'info registers rip',
  'p $sp', 'info registers rsp rbp rip', 'x/3i $pc', 'p sleep_ms', 'ptype struct test', 'whatis my_float', 'p &my_integer',
  'info line', 'list 70,72', 'info symbol $pc', 'p demo', 'p &pointer_tester->no', 'p/x my_integer', 'info args', 'info frame',
  'up', 'info locals', 'down', 'up 2', 'info frame', 'frame 1', 'p round', 'info breakpoints', 'next', 'next', 'step', 'bt',
  'finish', 'p $rax', 'until', 'advance 84', 'info registers eflags', 'tbreak kernel.c:64', 'continue', 'stepi', 'nexti', 'x/i $pc',
  'display my_integer', 'next', 'next', 'undisplay 1', 'next', 'info frame', 'delete', 'detach',
];
/** At -O2: demo inlined into kernel_main (a breakpoint with two locations), optimized-out values, msleep's frame, stepping through inlined code. */
const SESSION_O2 = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'p *pointer_tester', 'p my_integer', 'break msleep', 'continue', 'bt',
  'info frame', 'up', 'info frame', 'p round', 'finish', 'next', 'next', 'step', 'bt', 'info frame', 'x/4i $pc', 'delete', 'detach',
];
// Not compared: `watch` (gdbsx has no Z2, so gdb fails "Could not insert hardware watchpoint"; ours are software watchpoints).

/** gdb's and our answers from the first breakpoint hit to the detach: what attaching prints differs by design. */
function fromFirstHit(text: string): string[] {
  const at = text.search(/\nBreakpoint 1(\.\d+)?, /);
  assert.ok(at >= 0, `no breakpoint hit in:\n${text}`);
  return text.slice(at + 1).split('\n')
    .filter((l) => !/^(\[Inferior 1 \(.*\) detached\]|Detaching from program.*|Run till exit from .*|Remote connection closed)$/.test(l))
    .map((l) => l.replace(/\s+$/, ''));
}

for (const [opt, session] of [['-O0', SESSION_O0], ['-O2', SESSION_O2]] as const) {
  test(`gdb + gdbsx and duster-tui answer alike on the demo guest built ${opt} (two fresh copies, each from its first round)`, { skip, timeout: 900_000 }, async () => {
    const elf = opt === '-O0' ? env.elfO0 : env.elfO2;
    const port = 9100 + Math.floor(Math.random() * 800);
    const gdbGuest = 'duster-oracle-gdb';
    const ourGuest = 'duster-oracle-ours';
    try {
      const domid = createGuestCopy(gdbGuest, true, elf);
      const gdbsx = await startGdbsx(domid, port);
      let gdbOut: string;
      try {
        const r = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off',
          '-ex', `target remote 127.0.0.1:${port}`, ...session.flatMap((c) => ['-ex', c]), elf], { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
        gdbOut = r.stdout + r.stderr;
        // gdbsx closes the connection at the detach: gdb then says "Remote connection closed" and exits with 1.
        assert.match(gdbOut, /Breakpoint 1(\.\d+)?, [^]*Stack level 0, frame at/, `gdb did not get through the session:\n${gdbOut}\ngdbsx:\n${gdbsx.log()}`);
      } finally {
        gdbsx.stop();
      }
      createGuestCopy(ourGuest, true, elf);
      const ours = spawnSync(process.execPath, [CLI, '--domain', ourGuest, '--path', elf, '--batch', ...session.flatMap((c) => ['-ex', c])],
        { encoding: 'utf8', cwd: env.sourceDir, timeout: 600_000 });
      const ourOut = ours.stdout + ours.stderr;
      assert.equal(ours.status, 0, ourOut);
      assert.deepEqual(fromFirstHit(ourOut), fromFirstHit(gdbOut));
    } finally {
      for (const g of [gdbGuest, ourGuest]) {
        try { xl('destroy', g); } catch { /* already gone */ }
      }
    }
  });
}
