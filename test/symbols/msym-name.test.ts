// ELF symbol names as gdb prints them: print names (its Ada decoding: "counter" for gcc's "counter.2") in pointer values and
// `info symbol`, linkage names in /a and x; the program's output compared with gdb's on the same binary, static and live.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture, gdbBatch } from '../helpers/build.js';
import { msymPrintName } from '../../src/symbols/msym-name.js';
import { compareWithGdb, describeDifferences } from '../pie/compare.js';

const COMMANDS = [
  'print ptrs', ...Array.from({ length: 17 }, (_, i) => `info symbol ptrs[${i}]`), 'print/a ptrs[0]', 'print/a *ptrs@4', 'x/4a ptrs', 'output ptrs[1]',
];

test('pointer values, info symbol, /a and x name odd ELF symbols as gdb does (static)', () => {
  const exe = compileFixture(['symbols/msym-names.c'], ['-g'], 'msym-names');
  const r = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', ...COMMANDS.flatMap((c) => ['-ex', c])], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /<foo\.part>.*<foo\[cold\]>/);
  assert.equal(r.stdout, gdbBatch(exe, COMMANDS));
});

test('function-static variables (name.N) in a live PIE process: pointer values by print name, x/a by linkage name', { timeout: 300_000 }, async () => {
  const exe = compileFixture(['symbols/msym-names.c'], ['-g'], 'msym-names');
  const c = await compareWithGdb(exe, ['break statics', 'continue', 'next', 'next', 'print p', 'print *p@3', 'print/a p[0]', 'x/2a p', 'info symbol p[2]', 'finish']);
  assert.ok(c.total >= 9, `gdb answered only ${c.total} commands`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});

test('msymPrintName: the decodings gdb 13 prints for these names', () => {
  const cases: [string, string][] = [
    ['counter.2', 'counter'], ['foo.part.0', 'foo.part'], ['foo.cold', 'foo[cold]'], ['abc$12', 'abc'], ['lo__12', 'lo'],
    ['xTKB', 'x'], ['ab___X1', 'ab'], ['a__b__c', 'a.b.c'], ['ab___y', 'ab___y'], ['m9', 'm9'], ['_lead.3', '_lead.3'],
    ['Upper.4', 'Upper.4'], ['main', 'main'], ['sqlite3Config', 'sqlite3Config'], ['puts@plt', 'puts@plt'],
  ];
  for (const [name, want] of cases) assert.equal(msymPrintName(name), want, name);
});
