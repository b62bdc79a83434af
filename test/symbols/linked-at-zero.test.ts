// An image linked at address 0 (Mini-OS and other unikernels): its code is a loaded section, so addresses there are named,
// disassembled and described from the file as gdb does; a data section at 0 (vmlinux's per-CPU template) stays unnamed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';

const QUERIES = [
  'info symbol helper', 'info symbol thread_starter', 'info symbol (char *)thread_starter + 2', 'p/a (char *)helper + 3', 'p/a (char *)thread_starter + 2',
  'x/3i thread_starter', 'x/2i helper', 'info line *(char *)thread_starter + 2', 'p/a &counter', 'p &banner', 'p banner', 'info symbol 0', 'p/a 4',
  'disassemble thread_starter', 'info line *0', 'info line thread_starter', 'list thread_starter', 'info scope *0x100000', 'list helper,thread_starter', 'info address shared_page', 'p shared_page', 'p &shared_page.words[2]', 'ptype shared_page',
];

test('linked at 0 with local symbols: info symbol, p/a, x/i, info line and print answer as gdb', { timeout: 120_000 }, () => {
  const exe = compileFixture(['symbols/at-zero.c'], ['-g', '-O0', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0', '-Wl,-e,_start', '-Wl,--build-id=none'], 'at-zero');
  const ex = QUERIES.flatMap((q) => ['-ex', q]);
  const gdb = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set style enabled off', ...ex, exe], { encoding: 'utf8' });
  const ours = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', ...ex], { encoding: 'utf8' });
  assert.match(gdb.stdout, /thread_starter \+ 2 in section \.text/, `the oracle: ${gdb.stdout}${gdb.stderr}`);
  assert.equal(ours.stdout + ours.stderr, gdb.stdout + gdb.stderr);
});

test('a program without main: list, info source and break LINE start from the last unit\'s file, as gdb', { timeout: 120_000 }, () => {
  const exe = compileFixture(['symbols/at-zero.c'], ['-g', '-O0', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0', '-Wl,-e,_start', '-Wl,--build-id=none'], 'at-zero');
  const ex = ['list', 'info source', 'break 20'].flatMap((q) => ['-ex', q]);
  const gdb = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set style enabled off', ...ex, exe], { encoding: 'utf8' });
  const ours = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', ...ex], { encoding: 'utf8' });
  assert.match(gdb.stdout, /^1\t\/\* at-zero\.c/, `the oracle: ${gdb.stdout}${gdb.stderr}`);
  assert.equal(ours.stdout + ours.stderr, gdb.stdout + gdb.stderr);
});
