// The talk's demo session on the user-space demo under gdbserver, for both breakpoint strategies; gdb is the oracle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture, gdbBatch } from '../helpers/build.js';
import { normaliseFrames, runDuster, runGdbRemote, sourceLines } from '../helpers/duster.js';

const DEMO = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
const NORMAL_OUTPUT = /We are on the 0 iteration of the loop\n[^]*sum_to\(4\) = 30, factorial\(5\) = 120\n$/;

/** gdb running the same program natively with the same commands (it prints what our batch run should print). */
function oracle(commands: string[]): string {
  const first = commands.indexOf('continue');
  return gdbBatch(DEMO, commands.map((c, i) => (i === first ? 'run' : c)));
}

for (const strategy of ['trap', 'spin'] as const) {
  test(`[${strategy}] break kernel.c:73 + continue stops at line 73 as in the talk, and the program then ends normally`, async () => {
    const r = await runDuster(DEMO, ['break kernel.c:73', 'continue', 'bt'], { strategy });
    assert.equal(r.code, 0, r.stderr);
    const bpAnswer = /^Breakpoint 1 at 0x([0-9a-f]+): file kernel\.c, line 73\.$/m.exec(r.stdout);
    assert.ok(bpAnswer, r.stdout);
    const gdbAnswer = /Breakpoint 1 at 0x([0-9a-f]+): file kernel\.c, line 73\./.exec(oracle(['break kernel.c:73']));
    assert.equal(bpAnswer[1], gdbAnswer?.[1], 'same address as gdb');
    assert.match(r.stdout, /\nBreakpoint 1, demo \(\) at kernel\.c:73\n73\t    printf\("%d\\n", pointer_tester->val\);\n/);
    assert.match(r.stdout, /#0  demo \(\) at kernel\.c:73\n#1  0x[0-9a-f]{16} in main \(.*\) at kernel\.c:81\n/);
    assert.match(r.programOut, NORMAL_OUTPUT, 'detaching at the end lets the program finish');
    assert.equal(r.gdbserverCode, 0);
  });

  test(`[${strategy}] next and step through demo() visit the lines in gdb's order`, async () => {
    // No step into libc: whether gdb enters printf depends on libc6-dbg being installed.
    const cmds = ['break demo', 'continue', ...Array(21).fill('next'), 'step', 'step', 'step', 'step', 'step', 'step', 'step'];
    const r = await runDuster(DEMO, cmds, { strategy });
    assert.equal(r.code, 0, r.stderr);
    const g = oracle(cmds);
    assert.deepEqual(sourceLines(r.stdout), sourceLines(g));
    assert.deepEqual(normaliseFrames(r.stdout).map(stripArgs), normaliseFrames(g).map(stripArgs));
    assert.match(r.programOut, NORMAL_OUTPUT);
  });

  test(`[${strategy}] stepi, nexti, finish, until and advance end where gdb's do`, async () => {
    const cmds = ['break factorial', 'continue', 'continue', 'bt', 'finish', 'delete', 'break sum_to', 'continue', 'stepi', 'stepi', 'nexti', 'until', 'advance 33', 'finish', 'next'];
    const r = await runDuster(DEMO, cmds, { strategy });
    assert.equal(r.code, 0, r.stderr);
    const g = oracle(cmds);
    assert.deepEqual(sourceLines(r.stdout), sourceLines(g));
    assert.deepEqual(normaliseFrames(r.stdout).map(stripArgs), normaliseFrames(g).map(stripArgs));
    assert.match(r.programOut, NORMAL_OUTPUT);
  });
}

/** Argument values are compared by the eval tests; here only the frame shape matters. */
function stripArgs(l: string): string {
  return l.replace(/\(.*\)/, '()');
}

test('the talk\'s values (read/der), display after every stop and info display match gdb', async () => {
  const cmds = ['break kernel.c:73', 'continue', 'read my_integer', 'read my_float', 'read my_boolean', 'der pointer_tester', 'print pointer_tester', 'info locals',
    'delete', 'break demo', 'continue', 'display my_integer', 'display/x my_integer', 'next', 'next', 'info display', 'undisplay 1', 'next', 'finish'];
  const r = await runDuster(DEMO, cmds);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\$1 = 300\n\$2 = 1\.5\n\$3 = true\n\$4 = \{val = 20, no = 0\.109999999, my_pointer = 0x0\}\n\$5 = \(struct test \*\) 0x[0-9a-f]+\n/);
  // gdb has no read/der: it is asked the equivalent prints.
  const g = await runGdbRemote(DEMO, cmds.map((c) => c.replace(/^read /, 'print ').replace(/^der (.*)$/, 'print *$1')));
  const keep = (t: string) => t.split('\n').filter((l) => l && !/^(\[|Using host|Run till exit|Reading |0x[0-9a-f]+ in _start)/.test(l));
  assert.deepEqual(keep(r.stdout), keep(g));
});
