// `run` again (gdbserver's extended mode) with watchpoints: global ones are planted in the new process from its initial values, local ones go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { debugRegistersSkipReason } from '../helpers/debug-registers.js';
import { runDuster } from '../helpers/duster.js';

// The default build (PIE, libc.so), as users build it: the new process may load at another address. gdb cannot be the
// oracle here: its `run` over a plain `target remote` is refused, so the expectations are gdb's rules.
const FLAGS = ['-g'];

test('run again: a global watchpoint starts over from the initial value and its hit count; a watchpoint on a local is gone', { timeout: 120_000, skip: debugRegistersSkipReason() }, async () => {
  const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
  const r = await runDuster(exe, ['break bump', 'continue', 'watch total', 'watch counter', 'continue', 'delete 1', 'run', 'info watchpoints', 'continue', 'info watchpoints']);
  assert.equal(r.code, 0, r.stderr);
  // The first process: total changes first (counter was written before bump ran).
  assert.match(r.stdout, /Hardware watchpoint 2: total\n\nOld value = \d+\nNew value = 3\n/);
  // run = start again + continue: the global sees the new process's first write, from its initial value.
  assert.match(r.stdout, /18\t {2}total \+= counter;\n(.*\n)?\nHardware watchpoint 3: counter\n\nOld value = 1\nNew value = 2\n/);
  // Only the global is left, and its hit count started over.
  const table = 'Num     Type           Disp Enb Address            What\n3       hw watchpoint  keep y                      counter\n';
  assert.ok(r.stdout.includes(`${table}\tbreakpoint already hit 1 time\n`), r.stdout);
  assert.ok(r.stdout.includes(`${table}\tbreakpoint already hit 2 times\n`), r.stdout);
  assert.equal(r.programOut.split('\n').filter(Boolean).length, 1, 'the second process ran to its end once detached');
});
