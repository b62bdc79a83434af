// duster-tui PROG [ARGS] / --args PROG ARGS / gdb PROG CORE, and `run ARGS` split as a shell would (no expansion).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';
import { splitProgramArgs } from '../../src/commands/program-args.js';

test('positional words after the program are its arguments; options stay ours; --args takes everything after the program', () => {
  assert.deepEqual(parseArgs(['./prog', 'a', 'b c', '--batch', '-ex', 'run']), { ...parseArgs(['--batch', '-ex', 'run']), path: './prog', programArgs: ['a', 'b c'] });
  const a = parseArgs(['--batch', '--args', './prog', '-x', '--batch', 'y']);
  assert.equal(a.path, './prog');
  assert.deepEqual(a.programArgs, ['-x', '--batch', 'y']);
  assert.equal(a.batch, true);
  assert.throws(() => parseArgs(['--args']), /--args needs a program/);
  assert.throws(() => parseArgs(['./prog', '-v']), /unknown option "-v"/, 'a word starting with "-" needs --args');
});

test('gdb PROG CORE: a second word naming an ELF core file is the core, any other word an argument', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-args-'));
  const core = join(dir, 'core');
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2;
  header[5] = 1;
  header.writeUInt16LE(4, 16); // ET_CORE
  writeFileSync(core, header);
  assert.equal(parseArgs(['./prog', core]).core, core);
  assert.deepEqual(parseArgs(['./prog', core]).programArgs, []);
  const exe = join(dir, 'exe');
  header.writeUInt16LE(3, 16); // ET_DYN: not a core
  writeFileSync(exe, header);
  assert.deepEqual(parseArgs(['./prog', exe]).programArgs, [exe]);
  assert.equal(parseArgs(['./prog', exe]).core, undefined);
  assert.deepEqual(parseArgs(['./prog', 'a', core]).programArgs, ['a', core], 'after an argument, a core file is an argument too');
});

test('run ARGS: words, quotes and backslashes as a shell splits them, nothing expanded', () => {
  assert.deepEqual(splitProgramArgs(`one  'two words' "three \\"q\\" $X" four\\ five *`), ['one', 'two words', 'three "q" $X', 'four five', '*']);
  assert.deepEqual(splitProgramArgs(`''`), ['']);
  assert.throws(() => splitProgramArgs(`'open`), /Unterminated single quote/);
});

test('set args / show args / run ARGS / a bare run: the argument list gdb keeps, equal to gdb\'s output', async () => {
  const { compileFixture } = await import('../helpers/build.js');
  const { duster, gdbNative, normalise } = await import('./run-start-helpers.js');
  const greet = compileFixture(['run/greet.c'], ['-g'], 'greet-args');
  const sessions = [
    ['set args x "y z"', 'show args', 'run', 'show args'],
    ['run a b', 'show args', 'run'],
    ['set args q', 'run', 'set args', 'show args', 'run'],
  ];
  for (const commands of sessions) {
    const ours = duster([greet, 'first', '--batch', ...commands.flatMap((c) => ['-ex', c])]);
    const gdb = gdbNative(greet, commands, ['first']);
    const lines = (t: string) => normalise(t).filter((l) => !/^a line on stderr$/.test(l));
    assert.deepEqual(lines(ours.stdout), lines(gdb.stdout), commands.join(' ; '));
  }
});
