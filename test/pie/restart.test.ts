// `run` again on a PIE: the new process is asked for its load bias and libraries; program and library breakpoints hit again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';

test('a PIE restarted with run: breakpoints in the program and in libc (puts, pending at first) hit in the new process', { timeout: 300_000 }, async () => {
  const exe = compileFixture(['pie/sleeper.c'], ['-g'], 'sleeper');
  const r = await runDuster(exe, ['break puts', 'break nap', 'continue', 'bt 1', 'continue', 'run', 'bt 1', 'continue', 'info breakpoints', 'info sharedlibrary'], { args: ['2'] });
  assert.equal(r.code, 0, r.stderr);
  const puts = r.stdout.match(/\nBreakpoint 1, __GI__IO_puts \(str=0x[0-9a-f]+ "sleeper started"\) at \.\/libio\/ioputs\.c:35\n/g) ?? [];
  assert.equal(puts.length, 2, r.stdout);
  const nap = r.stdout.match(/\nBreakpoint 2, nap \(round=0\) at sleeper\.c:11\n/g) ?? [];
  assert.equal(nap.length, 2, r.stdout);
  assert.match(r.stdout, /\n1 +breakpoint +keep y +0x00007f[0-9a-f]+ in __GI__IO_puts at \.\/libio\/ioputs\.c:35\n\tbreakpoint already hit 1 time\n/);
  assert.match(r.stdout, /0x00007f[0-9a-f]+ +0x00007f[0-9a-f]+ +Yes +\/lib\/x86_64-linux-gnu\/libc\.so\.6\n/);
});
