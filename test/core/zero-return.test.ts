// A caller whose return address is 0 (an assembler thread starter that pushed 0): gdb shows it as `0x0000000000000000 in ?? ()`
// and unwinds no further; so do we. Live, over gdbserver, against gdb; PIE and -no-pie, -O0 and -O2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFixture } from '../helpers/build.js';
import { compareLive } from '../cli/gdb-compare.js';

for (const flags of [['-g'], ['-g', '-O2', '-no-pie']]) {
  test(`bt through a zero return address equals gdb's (${flags.join(' ')})`, async () => {
    const exe = compileFixture(['unwind/zero-return.c'], flags, 'zero-return');
    const r = await compareLive(exe, ['break zero-return.c:16', 'continue', 'bt', 'up', 'info frame', 'up', 'down', 'bt 1', 'finish']);
    assert.ok(r.gdb.some((l) => /^#\d+ +0x0000000000000000 in \?\? \(\)$/.test(l)), `gdb shows the 0 frame:\n${r.gdb.join('\n')}`);
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('Breakpoint 1 at')));
    assert.deepEqual(from(r.ours), from(r.gdb), r.stderr);
  });
}
