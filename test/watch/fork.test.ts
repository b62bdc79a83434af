// A watched global written by forked children: the children are let go without our debug registers, as under gdb.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

// The default build (PIE, libc.so), as users build it.
const FLAGS = ['-g'];

function answers(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^(Reading |warning: )/.test(l) && !/ in _start \(\) from /.test(l))
    .map((l) => l.replace(/process \d+/, 'process N'));
}

test('watch a global the children write: the parent\'s hits equal gdb\'s and every child exits with its own code', { timeout: 180_000 }, async () => {
  const exe = compileFixture(['watch/fork.c'], FLAGS, 'fork');
  const cmds = ['break main', 'continue', 'watch shared', ...Array<string>(4).fill('continue')];
  const ours = await runDuster(exe, cmds, { timeoutMs: 120_000 });
  const gdb = await runGdbRemote(exe, cmds);
  assert.deepEqual(answers(ours.stdout), answers(gdb));
  // gdbserver copies the parent's debug registers into a child: left there, the child's write kills it.
  assert.equal(ours.programOut, execFileSync(exe, { encoding: 'utf8' }));
});
