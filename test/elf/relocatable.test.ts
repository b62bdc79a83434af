// A relocatable object (`gcc -g -c`) read as gdb reads it: sections placed one after the other, symbols made
// absolute, RELA relocations applied to the debug sections. Compared with gdb on the same .o.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, compileFixture, gdbBatch } from '../helpers/build.js';

const COMMANDS = ['ptype main', 'whatis bump', 'info functions', 'info line main', 'info scope main', 'print main', 'print &calls',
  'info address calls', 'info types .', 'ptype struct point', 'info symbol main', 'list bump'];

function ours(exe: string, commands: string[]): string {
  const args = [CLI, '--path', exe, '--batch'];
  for (const c of commands) args.push('-ex', c);
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 }).stdout;
}

for (const dwarf of ['-gdwarf-4', '-gdwarf-5']) {
  test(`gcc -g ${dwarf} -c main.c: static queries match gdb`, () => {
    const obj = compileFixture(['symbols/main.c'], ['-g', dwarf, '-O0', '-c'], 'main.o');
    const expected = gdbBatch(obj, COMMANDS);
    assert.match(expected, /^Line 17 of "main\.c" starts at address 0x5b <main>/m); // the oracle answered them all
    assert.equal(ours(obj, COMMANDS), expected);
  });
}
