// A caller whose return address is 0 (an assembler thread starter that pushed 0): gdb shows it as `0x0000000000000000 in ?? ()`
// and unwinds no further; so do we. Inside libc's puts, the argument's entry value comes from the program's call site, whose
// callee is a declaration resolved by its ELF symbol in libc (gdb's physname lookup). Live, over gdbserver, against gdb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFixture } from '../helpers/build.js';
import { compareLive } from '../cli/gdb-compare.js';

for (const flags of [['-g'], ['-g', '-O2', '-no-pie']]) {
  test(`bt through a zero return address, and from libc's puts (its str@entry from the program's call site), equals gdb's (${flags.join(' ')})`, async () => {
    const exe = compileFixture(['unwind/zero-return.c'], flags, 'zero-return');
    const r = await compareLive(exe, ['break zero-return.c:16', 'break puts', 'continue', 'bt', 'up', 'info frame', 'up', 'down', 'bt 1', 'continue', 'bt', 'p str@entry', 'up', 'info frame']);
    assert.ok(r.gdb.some((l) => /^#\d+ +0x0000000000000000 in \?\? \(\)$/.test(l)), `gdb shows the 0 frame:\n${r.gdb.join('\n')}`);
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('Breakpoint 1 at')));
    assert.deepEqual(from(r.ours), from(r.gdb), r.stderr);
  });
}
