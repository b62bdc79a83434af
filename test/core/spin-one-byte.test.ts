// Spin breakpoints on one-byte instructions (most -O2 functions start with a push): planted when nothing else can enter the
// next instruction, stepped off without the guest ever running half a `jmp .`, refused with the reason otherwise; gdb as the oracle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

const SOURCES = ['spin/one-byte.c', 'spin/one-byte-entry.s'];
/** What both debuggers say at the stops: hits, values, finish. */
const answers = (text: string): string[] =>
  text.split('\n').filter((l) => /^(Breakpoint \d+, |\$\d+ = |Run till exit|Value returned)/.test(l)).map((l) => l.replace(/\s+$/, ''));

for (const flags of [['-g', '-O2'], ['-g', '-O2', '-no-pie']]) {
  test(`break on a function whose first instruction is a one-byte push (gcc ${flags.join(' ')}): hits, values and finish as gdb's`, { timeout: 180_000 }, async () => {
    const exe = compileFixture(SOURCES, flags, `one-byte${flags.join('')}`);
    const session = ['break square', 'continue', 'x/2i $pc', 'p x', 'continue', 'p x', 'finish', 'continue', 'p x', 'stepi', 'p $pc == square + 1', 'continue', 'p x', 'delete', 'continue'];
    const gdb = await runGdbRemote(exe, session);
    assert.ok(/push/.test(gdb.split('\n').find((l) => l.startsWith('=> ')) ?? ''), `square must start with a one-byte push:\n${gdb}`);
    const ours = await runDuster(exe, session, { strategy: 'spin', timeoutMs: 120_000 });
    assert.equal(ours.stderr, '');
    assert.deepEqual(answers(ours.stdout), answers(gdb));
    assert.ok(answers(gdb).filter((l) => l.startsWith('Breakpoint 1, square')).length >= 4, gdb);
    // The program ran as it does alone: no instruction half-patched, no hit lost.
    assert.equal(ours.programOut, 'round 1: 1\nround 2: 14\nround 3: 64\nloopy 1\n');
  });
}

test('a one-byte instruction whose next one is a jump target is refused, with the jump named; the session goes on', { timeout: 120_000 }, async () => {
  const exe = compileFixture(SOURCES, ['-g', '-O2'], 'one-byte-g-O2');
  const ours = await runDuster(exe, ['break loopy', 'break twice', 'continue', 'info breakpoints', 'delete', 'continue'], { strategy: 'spin', timeoutMs: 120_000 });
  assert.match(ours.stderr, /^Cannot insert a spin breakpoint at 0x[0-9a-f]+: the instruction there is one byte long and the jne at 0x[0-9a-f]+ goes to the next one\.$/m);
  assert.match(ours.stdout, /^Breakpoint 1, twice \(\) at one-byte-entry\.s:\d+$/m);
  assert.equal(ours.programOut, 'round 1: 1\nround 2: 14\nround 3: 64\nloopy 1\n');
});
