// duster-tui PROG with a program that cannot be started (or no gdbserver): one line in gdb's words, the session goes on, nothing left running.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES, compileFixture } from '../helpers/build.js';
import { duster, gdbNative, leftovers } from './run-start-helpers.js';

const GREET = compileFixture(['run/greet.c'], ['-g', '-no-pie'], 'greet-errors');
const DIR = mkdtempSync(join(tmpdir(), 'duster-run-errors-'));

/** The shells gdb may start the program with: bash, and /bin/sh (dash on Debian) when SHELL is unset; their words differ. */
const SHELLS: [string, NodeJS.ProcessEnv][] = [
  ['SHELL=/bin/bash', { ...process.env, SHELL: '/bin/bash' }],
  ['SHELL unset', Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SHELL'))],
];

/** gdb's messages for running `exe` natively (what its shell said), without the shell's "/bin/bash: line 1: [exec: ]" or "/bin/sh: 1: exec: " prefix. */
function gdbRunMessages(exe: string, env: NodeJS.ProcessEnv): string[] {
  return gdbNative(exe, ['run'], [], '', env).stderr.split('\n').map((l) => l.replace(/^\S+: (line )?\d+: (exec: )?/, ''));
}

for (const [shell, env] of SHELLS) {
  test(`a program file that is not executable (${shell}): gdb's words at run, static queries still answer, nothing runs`, async () => {
    const exe = join(DIR, 'noexec');
    copyFileSync(GREET, exe);
    chmodSync(exe, 0o644);
    const queries = ['info line twice', 'run', 'info line main', 'start'];
    const r = duster([exe, '--batch', ...queries.flatMap((c) => ['-ex', c])], { env });
    const said = gdbRunMessages(exe, env);
    const line = r.stderr.split('\n')[0]!;
    assert.ok(said.includes(line) && line.endsWith('Permission denied'), `gdb says: ${said.join(' | ')}; we say: ${line}`);
    assert.equal(r.stderr, `${line}\n${line}\n`);
    const g = gdbNative(exe, ['info line twice', 'info line main'], [], '', env);
    assert.equal(r.stdout, g.stdout);
    assert.equal(r.status, 1, 'the last command failed (gdb -batch: status 1)');
    assert.deepEqual(await leftovers(exe), []);
  });

  test(`an object file made executable (${shell}): the shell's "Exec format error", as gdb`, () => {
    const obj = join(DIR, 'greet.o');
    execFileSync('gcc', ['-g', '-c', '-o', obj, 'greet.c'], { cwd: join(FIXTURES, 'run') });
    chmodSync(obj, 0o755);
    const r = duster([obj, '--batch', '-ex', 'run', '-ex', 'info line twice'], { env });
    const said = gdbRunMessages(obj, env);
    const line = r.stderr.split('\n')[0]!;
    assert.ok(said.includes(line) && line.endsWith('Exec format error'), `gdb says: ${said.join(' | ')}; we say: ${line}`);
    assert.equal(r.stderr, `${line}\n`);
    assert.match(r.stdout, /^Line 4 of "greet\.c" starts at address/);
  });
}

test('no gdbserver on PATH: one line saying so; static queries go on', () => {
  const r = duster([GREET, '--batch', '-ex', 'run', '-ex', 'info line twice'], { env: { ...process.env, PATH: join(DIR, 'empty-path') } });
  assert.match(r.stderr, /^gdbserver not found on PATH: install it .*--gdb HOST:PORT\.\n$/);
  assert.match(r.stdout, /^Line 4 of "greet\.c" starts at address 0x[0-9a-f]+ <twice> and ends at/);
  assert.equal(r.status, 0);
});

test('a missing program, a text file, another architecture: gdb\'s first line; at a prompt the session goes on without a program', () => {
  const text = join(DIR, 'text');
  writeFileSync(text, 'hello\n');
  const arm = join(DIR, 'arm');
  const elf = readFileSync(GREET);
  elf.writeUInt16LE(183, 18); // EM_AARCH64
  writeFileSync(arm, elf, { mode: 0o755 });
  const cases: [string, RegExp][] = [
    [join(DIR, 'nosuch'), /^duster-tui: \S+nosuch: No such file or directory\.$/m],
    [text, /^duster-tui: \S+text: not an ELF file/],
    [arm, /^duster-tui: \S+arm: machine 183 is not x86-64/],
  ];
  for (const [path, first] of cases) {
    const batch = duster([path, '--batch', '-ex', 'run']);
    assert.equal(batch.status, 1);
    assert.equal(batch.stderr.split('\n').filter(Boolean).length, 1, batch.stderr);
    assert.match(batch.stderr, first);
    // Not batch: like gdb, a prompt without a program ("No executable file specified." at run).
    const prompt = duster([path, '--no-tui'], { input: 'info line main\nrun\n' });
    assert.equal(prompt.status, 0, prompt.stderr);
    const lines = prompt.stderr.split('\n');
    assert.match(lines[0]!, first);
    assert.deepEqual(lines.slice(1), ['No symbol table is loaded.  Use the "file" command.', 'No executable file specified.', 'Use the "file" or "exec-file" command.', '']);
  }
  assert.equal(gdbNative(join(DIR, 'nosuch'), []).stderr.split('\n')[0], `${join(DIR, 'nosuch')}: No such file or directory.`);
});
