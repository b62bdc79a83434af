// The demo built as users build it (gcc -g: a PIE linked against libc.so), live under gdbserver: every answer equals gdb's over the same gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { compareWithGdb, describeDifferences } from './compare.js';

/** A session through the demo: breakpoints by line and function, stepping in and out, data, code, the library list. */
const SESSION = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'print *pointer_tester', 'print pointer_tester->val + 1', 'print banner',
  'print &iterations_done', 'print demo', 'info line', 'info line demo', 'x/i $pc', 'x/2i $pc', 'disassemble', 'info symbol $pc', 'print $pc',
  'next', 'step', 'bt', 'info sharedlibrary', 'break tick', 'continue', 'info args', 'bt', 'finish', 'next', 'step', 'info locals', 'finish',
  'until', 'advance 84', 'info breakpoints', 'step', 'bt', 'info line', 'finish',
];

/** Frames in the program and in libc: info frame's caller, arguments, frame base and saved registers. */
const FRAMES = ['break factorial if n == 3', 'continue', 'info frame', 'up', 'info frame', 'up 9', 'info frame', 'down 2', 'info frame', 'bt', 'finish', 'finish',
  'info address iterations_done', 'info address demo', 'info scope demo', 'info symbol &iterations_done', 'x/2xw &iterations_done', 'info line *$pc'];

/** gdb answers we do not give yet, by "INDEX: command", each with the reason (counted in the report, not asserted). */
const KNOWN: Record<string, string> = {
  // libc's frames (libc6-dbg): gdb adds entry values from the caller's call-site parameters, which we do not read yet.
  '30: advance 84': 'entry values (main=main@entry=...)',
  '33: bt': 'entry values (main=main@entry=...)',
};

test('demo as a PIE (gcc -g): break, continue, bt, locals, print, next, step, finish, until, advance, info line, x/i, disassemble equal gdb', { timeout: 300_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel');
  const c = await compareWithGdb(exe, SESSION, { args: ['1'] });
  console.log(`demo PIE -O0: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.ok(c.total >= SESSION.length - 1, `gdb answered only ${c.total} commands`);
  const unexpected = c.differences.filter((d) => !(d.command in KNOWN));
  assert.equal(unexpected.length, 0, describeDifferences({ ...c, differences: unexpected }));
});

test('demo as a PIE: info frame, up/down, finish in recursive frames, info address/scope/symbol equal gdb', { timeout: 300_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel');
  const c = await compareWithGdb(exe, FRAMES, { args: ['1'] });
  console.log(`demo PIE frames: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.ok(c.total >= FRAMES.length - 1, `gdb answered only ${c.total} commands`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});
