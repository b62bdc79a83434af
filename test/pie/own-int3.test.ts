// A program's own int3 under gdbserver with swbreak negotiated (gdbserver then reports every int3 with pc already
// back on it): duster-tui, like gdb, stops with SIGTRAP and pc AFTER the int3, and the program carries on from there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

for (const flags of [['-g'], ['-g', '-O2']]) {
  test(`[${flags.join(' ')}] a program's own int3: SIGTRAP, pc after it, then next and continue as gdb`, async () => {
    const exe = compileFixture(['pie/own-int3.c'], flags, 'own-int3');
    const cmds = ['break main', 'continue', 'continue', 'print $pc', 'x/i $pc - 1', 'next', 'print after', 'continue'];
    const ours = await runDuster(exe, cmds);
    const gdb = await runGdbRemote(exe, cmds);
    const norm = (t: string) =>
      t.split('\n')
        .filter((l) => /^(Program received|Program terminated|\$\d+ = |\s*0x[0-9a-f]+ <main\+\d+>:|\[Inferior 1 .* exited)/.test(l) || /^\d+\t/.test(l))
        .map((l) => l.replace(/^(\$\d+ = \(void \(\*\)\(\)\) )0x[0-9a-f]+/, '$1ADDR').replace(/^(\s*=?>?\s*)0x[0-9a-f]+/, '$1ADDR').replace(/process \d+/, 'process N'));
    assert.ok(norm(gdb).some((l) => l.startsWith('Program received signal SIGTRAP')), `gdb stopped on the int3:\n${gdb}`);
    assert.deepEqual(norm(ours.stdout), norm(gdb), `ours:\n${ours.stdout}\n${ours.stderr}\ngdb:\n${gdb}`);
    assert.equal(ours.programOut.trim(), '2', 'the program went on past its int3');
  });
}
