// A source file that cannot be found: gdb names the error when the printed line comes from another file than the last one, else "LINE\tin FILE".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';

/** main.c calls g() in lib.c; lib.c is deleted after the build, main.c stays. */
function build(): { dir: string; exe: string } {
  const dir = mkdtempSync(join(tmpdir(), 'duster-missing-'));
  writeFileSync(join(dir, 'lib.c'), 'int g(int x)\n{\n  return x + 1;\n}\n');
  writeFileSync(join(dir, 'main.c'), 'int g(int);\nint main(void)\n{\n  int a = g(1);\n  a = g(a);\n  return a;\n}\n');
  execFileSync('gcc', ['-g', '-O0', '-o', 'prog', 'main.c', 'lib.c'], { cwd: dir });
  rmSync(join(dir, 'lib.c'));
  return { dir, exe: join(dir, 'prog') };
}

/** One debugger's stdout and stderr through one pipe, against its own gdbserver, so the order of the messages is compared too. */
async function merged(debugger_: 'gdb' | 'ours', exe: string, cmds: string[], cwd: string): Promise<string> {
  const gs = await startGdbserver(exe, [], { cwd });
  try {
    const ex = cmds.flatMap((c) => ['-ex', c]);
    const argv = debugger_ === 'gdb'
      ? ['gdb', '-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `target remote ${gs.host}:${gs.port}`, ...ex, exe]
      : [process.execPath, CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--batch', ...ex];
    const child = spawn('sh', ['-c', '"$@" 2>&1', 'sh', ...argv], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    await new Promise((r) => child.once('exit', r));
    return out;
  } finally {
    await gs.stop();
  }
}

/** The answers after connecting: gdb's own connection lines (and ours) differ and are not the subject. */
function answers(text: string): string[] {
  return text.split('\n').filter((l) => !/^(Reading|warning: (Error disabling|could not find|File transfers)|Remote debugging|Download failed|0x[0-9a-f]+ in _start|\[Inferior|Detaching|Kill the program|\[Thread|Using host)/.test(l));
}

test('a missing source file: the error once per run of lines from it, "LINE\\tin FILE" after, at stops, frames and list, as gdb', async () => {
  const { dir, exe } = build();
  try {
    const cmds = ['list g', 'list g', 'break g', 'continue', 'up', 'down', 'list 1,2', 'list main', 'frame 0', 'continue', 'finish', 'next', 'step', 'list'];
    const gdb = answers(await merged('gdb', exe, cmds, dir));
    const ours = answers(await merged('ours', exe, cmds, dir));
    const errors = gdb.filter((l) => l.includes('lib.c: No such file or directory.')).length;
    assert.ok(errors >= 3, `the oracle named the missing file ${errors} times:\n${gdb.join('\n')}`);
    assert.ok(gdb.some((l) => /^\d+\tin lib\.c$/.test(l)), `the oracle never said "in lib.c":\n${gdb.join('\n')}`);
    assert.deepEqual(ours, gdb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
