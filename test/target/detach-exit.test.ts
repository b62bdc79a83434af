// Detach right after a spin-strategy stop: the program may run to its end while gdbserver's pending SIGINT is drained.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';

test('[spin] detach when the program ends during the drain: detached, not "Cannot detach (... E01)"', async () => {
  const exe = compileFixture(['run/short-loop.c'], ['-g', '-O0'], 'short-loop');
  for (let round = 0; round < 3; round++) {
    const r = await runDuster(exe, ['break hit', 'continue', 'continue', 'delete', 'detach'], { strategy: 'spin' });
    assert.doesNotMatch(r.stderr, /Cannot detach|internal error/, r.stderr);
    assert.match(r.stdout, /\[Inferior 1 \(process \d+\) detached\]/, r.stdout);
    assert.equal(r.code, 0, r.stderr);
  }
});
