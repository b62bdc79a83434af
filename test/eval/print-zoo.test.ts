// `print` of every global in the type zoo equals gdb's output on the unstarted binary, over the build matrix and strict DWARF 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO, ZOO_BUILDS, zooGlobals, gdbAnswers, staticScope, ourAnswers, differences } from './oracle.js';

for (const build of ZOO_BUILDS) {
  test(`print of every zoo global matches gdb (${build.label})`, async () => {
    const exe = compileFixture(ZOO, build.flags, 'zoo');
    const cmds = zooGlobals().map((g) => `print ${g}`);
    const gdb = gdbAnswers(exe, cmds);
    const ours = await ourAnswers(staticScope(exe), cmds);
    assert.deepEqual(differences(cmds, gdb, ours), []);
  });
}

test('output prints the value alone and does not touch the history', async () => {
  const exe = compileFixture(ZOO, MATRIX[0]!.flags, 'zoo');
  const cmds = ['output g_test', 'output/x g_arr', 'print g_int', 'output g_str', 'print $'];
  const gdb = gdbAnswers(exe, cmds);
  const ours = await ourAnswers(staticScope(exe), cmds);
  assert.deepEqual(differences(cmds, gdb, ours), []);
});
