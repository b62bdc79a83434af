// info locals / bt full list a block's symbols as gdb does: a lexical block in its hash dictionary's order, with enumerators and labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemoteOutputs } from '../helpers/duster.js';

const BUILDS = [
  { label: '-O0', flags: ['-g', '-O0'] },
  { label: '-O0 dwarf4 -no-pie', flags: ['-g', '-gdwarf-4', '-O0', '-no-pie'] },
  { label: '-O2', flags: ['-g', '-O2'] },
  { label: '-O2 dwarf4', flags: ['-g', '-gdwarf-4', '-O2'] },
];

/** The answers after the stop (what gdb and we print while connecting differs and is compared elsewhere). */
function afterStop(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(lines.findIndex((l) => l.startsWith('@@'))).filter((l) => !/^\[Inferior|^Reading /.test(l));
}

for (const b of BUILDS) {
  test(`[${b.label}] info locals, info args and bt full in a block with enumerators, type names, a label and an extern declaration: gdb's order`, async () => {
    const exe = compileFixture(['core/block-dict.c'], b.flags, 'block-dict');
    const cmds = ['break block-dict.c:23', 'continue', 'echo @@\\n', 'info locals', 'info args', 'bt full', 'up', 'info locals'];
    const ours = await runDuster(exe, cmds);
    const gdb = await runGdbRemoteOutputs(exe, cmds);
    const want = afterStop(gdb.stdout);
    assert.ok(want.some((l) => /^(RED|GREEN) = /.test(l)), `gdb lists the enumerators:\n${gdb.stdout}`);
    assert.deepEqual(afterStop(ours.stdout), want);
  });
}

test('break on a function that is not defined, in batch mode: gdb\'s query answered N, no breakpoint; with pending on, a pending one', async () => {
  const exe = compileFixture(['core/block-dict.c'], ['-g', '-O0'], 'block-dict');
  const cmds = ['break crunch', 'continue', 'break no_such_function', 'info breakpoints', 'set breakpoint pending on', 'break no_such_function', 'info breakpoints'];
  const ours = await runDuster(exe, cmds);
  const gdb = await runGdbRemoteOutputs(exe, cmds);
  const tail = (t: string) => t.slice(t.indexOf('Make breakpoint')).split('\n').filter((l) => !/^\[Inferior|^Reading /.test(l));
  assert.match(gdb.stdout, /\[answered N; input not from terminal\]/);
  assert.deepEqual(tail(ours.stdout), tail(gdb.stdout));
  const refusal = (t: string) => t.split('\n').filter((l) => l.startsWith('Function '));
  assert.deepEqual(refusal(ours.stderr), refusal(gdb.stderr));
});

test('info scope walks the same dictionaries: typedefs, enumerator constants, labels, an extern declaration, in gdb\'s order and words', async () => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('../helpers/build.js');
  for (const b of BUILDS) {
    const exe = compileFixture(['core/block-dict.c'], b.flags, 'block-dict');
    const cmds = ['info scope block-dict.c:23', 'info scope crunch', 'info scope block-dict.c:17', 'info scope main'].flatMap((c) => ['-ex', c]);
    const gdb = spawnSync('gdb', ['-nx', '-batch', ...cmds, exe], { encoding: 'utf8' });
    const ours = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', ...cmds], { encoding: 'utf8' });
    assert.match(gdb.stdout, /is a typedef\./, `${b.label}: gdb lists the type names`);
    assert.equal(ours.stdout, gdb.stdout, b.label);
    assert.equal(ours.stderr, gdb.stderr, b.label);
  }
});
