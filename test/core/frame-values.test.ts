// Values of every local, argument and global at breakpoints, under gdbserver, equal gdb's on the same gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

// -O2 is left out: inline frames exist (test/core/inline-frames.test.ts), but besides entry values
// (a=a@entry=1) gdb lists a lexical block's locals in its hashed dictionary's order, and leaves out
// `ld` (a long double constant) at -O2; we list them in DIE order and show ld.
const BUILDS = [
  { label: '-O0 dwarf5', flags: ['-g', '-O0', '-no-pie'] },
  { label: '-O0 dwarf4', flags: ['-g', '-gdwarf-4', '-O0', '-no-pie'] },
];

const STOPS = ['frames.c:24', 'frames.c:32', 'frames.c:38', 'frames.c:44', 'frames.c:70'];
const QUERIES = ['info args', 'info locals', 'bt', 'print counter', 'print ratio', 'print greeting', 'print $rip', 'print/x $sp'];
const PRINTS: Record<string, string[]> = {
  'frames.c:70': ['print numbers', 'print name', 'print origin', 'print fl', 'print num', 'print shape', 'print cursor->next->value', 'print *cursor', 'print head.next->value + 1',
    'print/x numbers', 'print &origin', 'print fn', 'print text', 'print sizeof(numbers)', 'print numbers[1] * 2', 'print name[0]', 'whatis fl', 'ptype head', 'print ld', 'print big', 'print/x s', 'print -s', 'output origin'],
};

/** Lines that differ only because gdb and we print stopping chatter differently are compared by the other tests. */
function answers(text: string): string[] {
  return text.split('\n').filter((l) => l && !/^(Breakpoint \d+ at|\[|Using host|Reading |0x[0-9a-f]+ in _start|warning: )/.test(l));
}

for (const b of BUILDS) {
  test(`[${b.label}] locals, arguments, globals, registers and backtraces at breakpoints equal gdb's`, async () => {
    const exe = compileFixture(['core/frames.c'], b.flags, 'frames');
    const cmds: string[] = [];
    for (const s of STOPS) cmds.push(`break ${s}`);
    for (const s of STOPS) cmds.push('continue', ...QUERIES, ...(PRINTS[s] ?? []));
    const ours = await runDuster(exe, cmds);
    assert.equal(ours.code, 0, ours.stderr);
    const gdb = await runGdbRemote(exe, cmds);
    assert.deepEqual(answers(ours.stdout), answers(gdb));
  });
}
