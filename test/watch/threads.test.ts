// A watchpoint in a threaded program: the writing worker's hits, named as gdb names them, with a condition, equal to gdb's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { debugRegistersSkipReason } from '../helpers/debug-registers.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

// The default build (PIE, libc.so), as users build it.
const FLAGS = ['-g', '-pthread'];

/**
 * Which threads gdb and we have seen start by the time main stops, and so their numbers, depend on
 * scheduling: thread announcements and numbers are left out, names and everything else compared.
 */
function answers(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^(Reading |warning: |\[New Thread |\[Switching to |\[Thread .* exited\])/.test(l) && !/ in _start \(\) from /.test(l))
    .map((l) => l.replace(/^Thread \d+ /, 'Thread N ').replace(/\(process \d+\)/, '(process N)'));
}

test('watch total[2] if total[2] > 500 in a four-worker program: only worker-2 writes it; its hits equal gdb\'s', { timeout: 180_000, skip: debugRegistersSkipReason() }, async () => {
  const exe = compileFixture(['threads/workers.c'], FLAGS, 'workers');
  // Line 42: main about to set go = 1, every worker named and spinning in its own code.
  const cmds = ['break 42', 'continue', 'delete', 'watch total[2] if total[2] > 500', ...Array<string>(4).fill('continue'), 'info watchpoints', 'delete', 'continue'];
  const ours = await runDuster(exe, cmds, { timeoutMs: 120_000 });
  const gdb = await runGdbRemote(exe, cmds);
  const mine = answers(ours.stdout);
  assert.ok(mine.includes('Thread N "worker-2" hit Hardware watchpoint 2: total[2]'), ours.stdout);
  assert.deepEqual(mine, answers(gdb));
});
