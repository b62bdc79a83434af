// --version/--help exit at once; help COMMAND, apropos and "did you mean" at the prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from '../helpers/build.js';
import { buildCommandTable } from '../../src/commands/index.js';
import { HELP_DOCS } from '../../src/commands/help-docs.js';
import { editDistance } from '../../src/commands/registry.js';

function cli(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: '', timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('--version prints the version from package.json and exits 0 without a prompt; --help prints the usage', () => {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const v = cli(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, new RegExp(`^duster-tui ${version.replace(/\./g, '\\.')}\n`));
  assert.doesNotMatch(v.stdout, /\(duster\) $/, 'no prompt');
  const h = cli(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^Usage: duster-tui/);
  assert.doesNotMatch(h.stdout, /\(duster\) $/, 'no prompt');
});

test('help COMMAND: names with aliases, the summary and the usage; help of a prefix lists its subcommands', () => {
  const r = cli(['--batch', '-ex', 'help next', '-ex', 'help info', '-ex', 'help info line', '-ex', 'help nosuch']);
  assert.match(r.stdout, /^next, n\n.*\nUsage: next \[N\]\n/);
  assert.match(r.stdout, /\ninfo, i, inf\n[^]*List of info subcommands:\n\ninfo line -- /);
  assert.match(r.stdout, /\ninfo line\nWhere the code of a source line is/);
  assert.equal(r.stderr, 'Undefined command: "nosuch".  Try "help".\n');
});

test('every long help names a real command, so the docs cannot drift from the table', () => {
  const table = buildCommandTable();
  for (const path of Object.keys(HELP_DOCS)) {
    const words = path.split(' ');
    let t: typeof table | undefined = table;
    for (const w of words) {
      const c: ReturnType<typeof table.lookup> = t?.lookup(w);
      assert.ok(c && (c.name === w), `help-docs.ts documents "${path}", which is not a command name`);
      t = c.sub;
    }
    assert.match(HELP_DOCS[path]!, /^Usage: /, `${path}: the long help starts with its usage`);
  }
});

test('apropos searches names and help (regular expressions, case-insensitive); a bad pattern is one line', () => {
  const r = cli(['--batch', '-ex', 'apropos STACK', '-ex', 'apropos ^x$', '-ex', 'apropos (', '-ex', 'apropos zzzqqq']);
  assert.match(r.stdout, /^backtrace, bt, where -- /m);
  assert.match(r.stdout, /^x -- Examine memory/m);
  assert.deepEqual(r.stderr.split('\n').filter(Boolean), ['Invalid regexp: /(/i: Unterminated group', 'No command matches "zzzqqq".']);
});

test('a mistyped command or subcommand suggests the closest names', () => {
  const r = cli(['--batch', '-ex', 'brek main', '-ex', 'nxet', '-ex', 'info regsters', '-ex', 'zzzzzz']);
  assert.deepEqual(r.stderr.split('\n').filter(Boolean), [
    'Undefined command: "brek".  Try "help". Did you mean "break"?',
    'Undefined command: "nxet".  Try "help". Did you mean "next"?',
    'Undefined info command: "regsters".  Try "help info". Did you mean "info registers"?',
    'Undefined command: "zzzzzz".  Try "help".',
  ]);
  assert.equal(editDistance('nxet', 'next'), 1, 'a swap of two neighbours is one edit');
  assert.equal(editDistance('', 'abc'), 3);
});

test('file PROG loads a program for the static commands, like gdb; a missing or non-ELF file is one line', async () => {
  const { compileFixture, gdbBatch } = await import('../helpers/build.js');
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0'], 'demo-file');
  const commands = [`file ${exe}`, 'info line demo', 'list 70,71', 'ptype struct test'];
  const r = cli(['--batch', ...commands.flatMap((c) => ['-ex', c]), '-ex', 'file /nonexistent/prog', '-ex', 'file /etc/passwd']);
  assert.equal(r.stdout, gdbBatch(exe, commands.slice(1)).replace(/^Reading symbols.*\n/m, ''));
  const errors = r.stderr.split('\n').filter(Boolean);
  assert.deepEqual(errors.length, 2, r.stderr);
  assert.equal(errors[0], '/nonexistent/prog: No such file or directory.');
  assert.match(errors[1]!, /^\/etc\/passwd: /);
});
