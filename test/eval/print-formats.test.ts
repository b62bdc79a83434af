// print/FMT (x d u o t c a f s z) of every zoo global equals gdb's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO, zooGlobals, gdbAnswers, staticScope, ourAnswers, differences } from './oracle.js';

const FORMATS = ['x', 'd', 'u', 'o', 't', 'c', 'a', 'f', 's', 'z'];

for (const build of [MATRIX[0]!, MATRIX[3]!]) {
  test(`print/FMT of every zoo global matches gdb (${build.label})`, async () => {
    const exe = compileFixture(ZOO, build.flags, 'zoo');
    const cmds = FORMATS.flatMap((f) => zooGlobals().map((g) => `print/${f} ${g}`));
    const gdb = gdbAnswers(exe, cmds);
    const ours = await ourAnswers(staticScope(exe), cmds);
    assert.deepEqual(differences(cmds, gdb, ours), []);
  });
}
