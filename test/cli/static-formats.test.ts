// Before `run`, x and disassemble read the executable's sections as gdb does: same text on the default (PIE) build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, MATRIX } from '../helpers/build.js';
import { buildFormats } from './gdb-compare.js';

const COMMANDS = [
  'x/2i sub_file_func', 'disassemble /s sub_file_func', 'x/4xb g_array', 'x/s g_text', 'x/2wx &g_array', 'disassemble',
  'x/s g_ptr', 'disassemble /r lookup_rate,+5', 'x/2i $pc', 'x/3dw g_array', 'x', 'x/2s g_text', 'disassemble /m lookup_rate',
  'x/i main', 'disassemble /s main', 'x/2g g_v4si', 'x/-2xw &g_array[2]', 'print g_v4c + g_v4c', 'ptype g_v4si',
];

for (const build of [MATRIX[0]!, MATRIX[3]!]) {
  test(`x and disassemble on the executable equal gdb's (${build.label}, PIE)`, () => {
    const exe = buildFormats(build.flags);
    const args = COMMANDS.flatMap((c) => ['-ex', c]);
    const ours = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', ...args], { encoding: 'utf8', timeout: 120_000 });
    const gdb = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', ...args, exe],
      { encoding: 'utf8', timeout: 120_000 });
    assert.match(gdb.stdout, /^sub\/dir\/file\.c:$/m, 'gdb answered');
    assert.equal(ours.stdout, gdb.stdout);
    assert.equal(ours.stderr, gdb.stderr);
  });
}
