// C expressions (arithmetic, pointers, casts, members, history, convenience variables, errors) evaluate as in gdb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO, gdbAnswers, staticScope, ourAnswers, differences } from './oracle.js';
import { EXPRESSIONS } from './expression-cases.js';

for (const build of [MATRIX[0]!, MATRIX[3]!]) {
  test(`expressions match gdb on the unstarted zoo (${build.label})`, async () => {
    const exe = compileFixture(ZOO, build.flags, 'zoo');
    const gdb = gdbAnswers(exe, EXPRESSIONS);
    const ours = await ourAnswers(staticScope(exe), EXPRESSIONS);
    assert.deepEqual(differences(EXPRESSIONS, gdb, ours), []);
  });
}
