// The static queries through the real CLI binary print exactly what gdb -batch prints for the same -ex list, over the build matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, FIXTURES, MATRIX, compileFixture } from '../helpers/build.js';

function gdb(exe: string, cmds: string[], cwd: string): { stdout: string; stderr: string } {
  const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off'];
  for (const c of cmds) args.push('-ex', c);
  args.push(exe);
  const r = spawnSync('gdb', args, { encoding: 'utf8', cwd, timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr };
}

function ours(exe: string, cmds: string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const args = [CLI, '--path', exe, '--batch'];
  for (const c of cmds) args.push('-ex', c);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Each command's output framed by an echo marker, so a mismatch names the command. */
function framed(cmds: string[]): string[] {
  return cmds.flatMap((c) => [`echo @@ ${c.replace(/\\/g, '\\\\')}\\n`, c]);
}

function compare(label: string, exe: string, cmds: string[], cwd: string): void {
  const want = gdb(exe, framed(cmds), cwd);
  const got = ours(exe, framed(cmds), cwd);
  assert.equal(got.status, 0, `${label}: exit status ${got.status}, stderr: ${got.stderr}`);
  const split = (s: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const part of s.split(/^@@ /m).slice(1)) {
      const nl = part.indexOf('\n');
      m.set(part.slice(0, nl), part.slice(nl + 1));
    }
    return m;
  };
  const w = split(want.stdout);
  const g = split(got.stdout);
  for (const c of cmds) {
    // Several answers for one linespec (an inlined copy at -O2): gdb orders them by its symbols'
    // memory addresses, which move with the build path, so only the set of lines is compared.
    const sorted = (t: string | undefined) => (t ?? '').split('\n').sort().join('\n');
    if (UNORDERED.has(c)) assert.equal(sorted(g.get(c)), sorted(w.get(c)), `${label}: "${c}" differs from gdb`);
    else assert.equal(g.get(c), w.get(c), `${label}: "${c}" differs from gdb`);
  }
  assert.equal(got.stderr, want.stderr, `${label}: error messages differ from gdb`);
}

const UNORDERED = new Set(['info line demo', 'info line square', 'info line main']);

const DEMO = [
  'info source', 'info line kernel.c:73', 'info line demo', 'info line square', 'info line main', 'info line kernel.c:1',
  'info line kernel.c:75', 'info line kernel.c:86', 'info line kernel.c:300', 'info line foo.c:3', 'info line nosuch', 'info line puts',
  'info line *0x1030', 'info line *0x401136', 'list demo', 'list', 'list -', 'info source', 'info line', 'list 10,12', 'list', 'list 3',
  'list 1,3', 'list -', 'list kernel.c:85', 'list', 'list 80,', 'list ,20', 'list square', 'list kernel.c:square', 'list sum_to',
  'list nosuch', 'list 300', 'info functions', 'info functions sum', 'info functions ^s', 'info functions put', 'info variables',
  'info variables ^[bi]', 'info types', 'info types t', 'info scope main', 'info scope sum_to',
  'info scope kernel.c:65', 'info scope kernel.c:31', 'info scope square', 'info address demo', 'info address banner',
  'info address iterations_done', 'info address nosuch', 'info address puts', 'info symbol main', 'info symbol sum_to+3',
  'info symbol 0x401136', 'ptype struct test', 'whatis banner', 'ptype demo', 'ptype int*', 'whatis struct test',
  // Without a process: gdb's words for frames and registers, and displays of names it cannot find refused.
  'bt', 'info locals', 'info args', 'frame', 'up', 'info frame', 'info registers', 'display nosuch', 'display banner', 'info display',
  'show args', 'show breakpoint pending', 'set breakpoint pending off', 'show breakpoint pending', 'show can-use-hw-watchpoints',
  'show exec-file-mismatch', 'show confirm', 'show nosuch', 'show listsize',
];

const TYPES = [
  'info functions', 'info functions ret', 'info variables ^g_[a-f]', 'info types', 'info types ^u', 'info types enum',
  'info line square', 'info line zoo2.c:5', 'list zoo2.c:1,5', 'info source', 'info scope main', 'info address g_fp',
  'info symbol g_fp', 'info symbol square', 'ptype struct nested', 'whatis binop_t', 'ptype binop_t', 'ptype union number',
  'ptype enum sparse', 'whatis test_t', 'ptype test_ptr',
];

for (const m of MATRIX) {
  test(`demo (${m.label}): static queries match gdb`, () => {
    const exe = compileFixture(['demo/kernel.c'], m.flags);
    compare(m.label, exe, DEMO, join(FIXTURES, 'demo'));
  });
  test(`type zoo (${m.label}): static queries match gdb`, () => {
    const exe = compileFixture(['types/zoo.c', 'types/zoo2.c'], m.flags);
    compare(m.label, exe, TYPES, join(FIXTURES, 'types'));
  });
}
