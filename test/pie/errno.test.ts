// `print errno` in a program built the default way: libc's thread-local errno through qGetTLSAddr (gdbserver finds
// it with libthread_db once our qSymbol answers let it load), equal to gdb on the same gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

test('print errno, its address, its type, and an assignment to it: equal to gdb', async () => {
  const exe = compileFixture(['pie/errno.c'], ['-g'], 'errno');
  const cmds = ['break errno.c:9', 'continue', 'print errno', 'print &errno', 'ptype errno', 'whatis errno', 'set var errno = 7', 'print errno', 'print errno == ENOENT'];
  const ours = await runDuster(exe, cmds);
  const gdb = await runGdbRemote(exe, cmds);
  const values = (t: string) => t.split('\n').filter((l) => /^(\$\d+ = |type = )/.test(l));
  assert.deepEqual(values(ours.stdout), values(gdb), ours.stderr);
  assert.ok(values(gdb).includes('$1 = 2'), `gdb saw ENOENT:\n${gdb}`);
});
