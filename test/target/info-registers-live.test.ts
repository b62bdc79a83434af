// `info registers` on a live process under gdbserver: the same registers, in gdb's order, with gdb's formatting (k0-k7 on AVX-512 hosts, no fs_base).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

/** Register rows: the name and the two value columns as printed. */
function rows(text: string): string[] {
  return text.split('\n').filter((l) => /^[a-z][a-z0-9_]*\s+0x[0-9a-f]+\s/.test(l)).map((l) => l.trimEnd());
}

test('info registers at a breakpoint equals gdb over the same gdbserver (names, order, values, format)', async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'demo-regs');
  const commands = ['break demo', 'continue', 'info registers'];
  const ours = rows((await runDuster(exe, [...commands, 'kill'])).stdout);
  const theirs = rows(await runGdbRemote(exe, [...commands, 'kill']));
  assert.ok(theirs.length >= 24, `gdb printed the general registers:\n${theirs.join('\n')}`);
  // Registers that hold run-specific values (the kernel's r11/rcx after a syscall, the stack) are compared by name and position only.
  const shape = (l: string): string => l.split(/\s+/)[0]!;
  assert.deepEqual(ours.map(shape), theirs.map(shape), 'the same registers in the same order');
  for (const name of ['rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs']) {
    assert.equal(ours.find((l) => shape(l) === name), theirs.find((l) => shape(l) === name), `info registers: ${name}`);
  }
});

test('info registers with parts of general registers (eax ax al ah r8d r9w r10l edi) in frame 0 and after up: equal to gdb', async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'demo-regs');
  const parts = 'info registers eax ax al ah r8d r9w r10l edi esp';
  const commands = ['break demo', 'continue', parts, 'up', 'info registers ebp ebx esp', 'info registers nosuch'];
  const run = await runDuster(exe, [...commands, 'kill']);
  const gdb = await runGdbRemote(exe, [...commands, 'kill']);
  const theirs = rows(gdb);
  assert.equal(theirs.length, 12, `gdb printed every part:\n${gdb}`);
  assert.deepEqual(rows(run.stdout), theirs, run.stdout + run.stderr);
  assert.match(run.stderr + run.stdout, /^Invalid register `nosuch'$/m);
});
