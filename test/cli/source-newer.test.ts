// "Source file is more recent than executable.": said where gdb says it, again after gdb's 5-file source cache forgets a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/build.js';

const FILES = 7;

/** main.c calling f1..f7, each in its own file; returns the directory and the executable. */
function build(): { dir: string; exe: string } {
  const dir = mkdtempSync(join(tmpdir(), 'duster-newer-'));
  const calls: string[] = [];
  for (let i = 1; i <= FILES; i++) {
    writeFileSync(join(dir, `f${i}.c`), `int f${i}(int x)\n{\n  return x + ${i};\n}\n`);
    calls.push(`  s = f${i}(s);`);
  }
  const decls = Array.from({ length: FILES }, (_, i) => `int f${i + 1}(int);`).join('\n');
  writeFileSync(join(dir, 'main.c'), `${decls}\nint main(void)\n{\n  int s = 0;\n${calls.join('\n')}\n  return s;\n}\n`);
  const sources = ['main.c', ...Array.from({ length: FILES }, (_, i) => `f${i + 1}.c`)];
  execFileSync('gcc', ['-g', '-O0', '-o', 'prog', ...sources], { cwd: dir });
  return { dir, exe: join(dir, 'prog') };
}

/** stdout and stderr through one pipe, so the warning's place among the answers is compared too. */
function merged(argv: string[], cwd: string): string {
  const r = spawnSync('sh', ['-c', '"$@" 2>&1', 'sh', ...argv], { encoding: 'utf8', cwd, timeout: 120_000 });
  return r.stdout;
}

function bothSay(exe: string, cmds: string[], cwd: string): { gdb: string; ours: string } {
  const ex = cmds.flatMap((c) => ['-ex', c]);
  return {
    gdb: merged(['gdb', '-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', ...ex, exe], cwd),
    ours: merged([process.execPath, CLI, '--path', exe, '--batch', ...ex], cwd),
  };
}

test('a source newer than the executable: gdb\'s warning, once per file until its source cache forgets it', () => {
  const { dir, exe } = build();
  try {
    const later = Date.now() / 1000 + 3600;
    for (const f of ['main.c', 'f1.c', 'f2.c', 'f3.c', 'f4.c', 'f5.c', 'f6.c']) utimesSync(join(dir, f), later, later);
    const cmds = ['list main', 'list f1', 'list main', 'info line f1', ...Array.from({ length: FILES }, (_, i) => `list f${i + 1}.c:1,2`), 'list f1.c:3,3', 'list main.c:1,1'];
    const { gdb, ours } = bothSay(exe, cmds, dir);
    const warnings = (s: string) => s.split('\n').filter((l) => l.includes('more recent')).length;
    // f7.c is older than the program: f1..f6 and main warn once, then f1 and main again after eviction.
    assert.ok(warnings(gdb) >= 8, `the oracle warned ${warnings(gdb)} times:\n${gdb}`);
    assert.equal(ours, gdb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sources older than the executable: no warning, as gdb', () => {
  const { dir, exe } = build();
  try {
    const { gdb, ours } = bothSay(exe, ['list main', 'list f1', 'info line f2'], dir);
    assert.doesNotMatch(ours, /more recent/);
    assert.equal(ours, gdb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
