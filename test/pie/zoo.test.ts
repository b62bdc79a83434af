// The type zoo as a PIE under gdbserver: every global printed in the live process (relocated pointers, data read at run-time addresses) equals gdb.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { ZOO, zooGlobals } from '../eval/oracle.js';
import { compareWithGdb, describeDifferences } from './compare.js';

/** gdb answers we do not give yet, by "INDEX: command", each with the reason. */
const KNOWN: Record<string, string> = {
  // Before the VLAs are allocated gdb reports their (garbage) bounds' memory as unreadable; we print the pointer.
  '3: info locals': 'VLA before its allocation',
};

for (const flags of [['-g'], ['-g', '-O2']]) {
  test(`type zoo as a PIE (gcc ${flags.join(' ')}): globals, pointers to functions and data, locals, finish equal gdb`, { timeout: 300_000 }, async () => {
    const exe = compileFixture(ZOO, flags, 'zoo');
    const globals = zooGlobals().map((g) => `print ${g}`);
    const cmds = ['break vla_sum', 'continue', 'bt', 'info locals', 'info args', 'finish', ...globals,
      'print &g_int', 'print g_fp', 'print *g_fpp', 'print g_binops', 'print *g_tptrs[0]', 'info symbol g_fp', 'info symbol &g_int', 'output g_test', 'x/2i $pc'];
    const c = await compareWithGdb(exe, cmds);
    console.log(`zoo PIE ${flags.join(' ')}: ${c.equal} of ${c.total} answers equal gdb's`);
    assert.ok(c.total >= cmds.length - 1, `gdb answered only ${c.total} commands`);
    const unexpected = c.differences.filter((d) => !(d.command in KNOWN));
    assert.equal(unexpected.length, 0, describeDifferences({ ...c, differences: unexpected }));
  });
}
