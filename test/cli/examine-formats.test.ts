// x/NFU as gdb 13 does it: remembered format, size and count (a size after x/i means hex), arrays and
// functions as addresses, strings, backward reads; p/a, p/s, p/c next to it. Live, over gdbserver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_BUILDS, buildFormats, compareLive } from './gdb-compare.js';

const COMMANDS = [
  'break two_args', 'continue',
  'x/4i $pc', 'x/2g $sp', 'x/8xw g_array', 'x/s g_ptr', 'x/2s g_text', 'x/3dw g_array', 'x', 'x/c g_text', 'x/2',
  'x/3xb g_text', 'x/2xh g_text', 'x/i $pc', 'x/2x', 'x/a $sp', 'x/2', 'x/f &g_v4sf', 'x/2', 'x/s g_text', 'x',
  'x/2i two_args', 'x/2wx lookup_rate', 'x/2f g_array', 'x/3c g_text', 'x/2d', 'x/2zw g_array', 'x/2tb g_array',
  'x/2ob g_array', 'x/2ub g_array', 'x/2dg g_array', 'x/2a', 'x/-2x g_array+2', 'x', 'x/-3xw &g_array[4]', 'x/2xw',
  'p/a &main', 'p/a g_long', 'p/a &g_array[1]', 'p/a $pc', 'output/a g_long', 'p/s g_text', 'p/c g_array', 'p/s g_ptr',
  'p/c g_text', 'p/x g_text', 'p/x main', 'p/d two_args', 'p/a two_args', 'p/a main', 'output/a main', 'p 1',
];

for (const build of LIVE_BUILDS) {
  test(`x, p/a, p/s and p/c print what gdb prints (${build.label})`, async () => {
    const r = await compareLive(buildFormats(build.flags), COMMANDS);
    assert.ok(r.gdb.some((l) => l.includes('"pointed-to text"')), `gdb answered:\n${r.gdb.join('\n')}`);
    // From the first x on (the stop line's frame arguments are compared elsewhere).
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('=> ')));
    assert.deepEqual(from(r.ours), from(r.gdb), r.stderr);
  });
}
