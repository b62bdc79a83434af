// Batch mode through the real binary: -ex and -x run in order, echo, exit status 0, and one clean line with status 1 for bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';

const DIR = mkdtempSync(join(tmpdir(), 'duster-cli-'));
const EXE = compileFixture(['demo/kernel.c'], ['-g', '-gdwarf-5', '-O0']);

function run(args: string[]): { stdout: string; stderr: string; status: number | null; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: join(FIXTURES, 'demo'), timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, ms: Date.now() - t0 };
}

test('-ex and -x commands run in the order given, echo prints its text with escapes, exit status 0', () => {
  const file = join(DIR, 'cmds.gdb');
  writeFileSync(file, 'echo from-file\\n\n# a comment\ninfo line demo\n');
  const r = run(['--path', EXE, '--batch', '-ex', 'echo one\\n', '-x', file, '-ex', 'echo two\\tthree\\n', '-ex', 'info line kernel.c:73']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    'one',
    'from-file',
    'Line 59 of "kernel.c" starts at address 0x11fd <demo> and ends at 0x1205 <demo+8>.',
    'two\tthree',
    'Line 73 of "kernel.c" starts at address 0x1294 <demo+151> and ends at 0x12b0 <demo+179>.',
    '',
  ].join('\n'));
});

test('a failing command prints its one-line error and the batch goes on (status 0, as gdb for a non-final error)', () => {
  const r = run(['--path', EXE, '--batch', '-ex', 'info line nosuch', '-ex', 'echo after\\n']);
  assert.equal(r.stderr, 'Function "nosuch" not defined.\n');
  assert.equal(r.stdout, 'after\n');
  assert.equal(r.status, 0);
});

/** A copy of the demo with `edit` applied to its bytes. */
function damaged(name: string, edit: (b: Buffer, sections: Map<string, { offset: number; size: number }>) => Buffer): string {
  const b = Buffer.from(readFileSync(EXE));
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shnum = b.readUInt16LE(0x3c);
  const strOff = Number(b.readBigUInt64LE(shoff + b.readUInt16LE(0x3e) * 64 + 24));
  const sections = new Map<string, { offset: number; size: number }>();
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const n = strOff + b.readUInt32LE(h);
    sections.set(b.toString('latin1', n, b.indexOf(0, n)), { offset: Number(b.readBigUInt64LE(h + 24)), size: Number(b.readBigUInt64LE(h + 32)) });
  }
  const path = join(DIR, name);
  writeFileSync(path, edit(b, sections));
  return path;
}

const BAD: { name: string; make: () => string; expect: RegExp }[] = [
  { name: 'an empty file', make: () => damaged('empty', () => Buffer.alloc(0)), expect: /empty: not an ELF file \(only 0 bytes\)/ },
  { name: 'a text file', make: () => damaged('text', () => Buffer.from('hello\n')), expect: /text: not an ELF file/ },
  { name: 'a 32-bit ELF', make: () => damaged('elf32', (b) => { b[4] = 1; return b; }), expect: /elf32: 32-bit ELF files are not supported.*ELF header at offset 0x4/ },
  { name: 'a big-endian ELF', make: () => damaged('bigend', (b) => { b[5] = 2; return b; }), expect: /bigend: big-endian ELF files are not supported.*offset 0x5/ },
  { name: 'a truncated file', make: () => damaged('trunc', (b) => b.subarray(0, 5000)), expect: /trunc: .*extends past the end of the file \(in section headers at offset 0x[0-9a-f]+\)/ },
  { name: 'a huge section size', make: () => damaged('shsize', (b) => { b.writeBigUInt64LE(1n << 40n, Number(b.readBigUInt64LE(0x28)) + 5 * 64 + 32); return b; }), expect: /shsize: section 5 .* extends past the end of the file/ },
  { name: 'an absurd .debug_info unit length', make: () => damaged('infolen', (b, s) => { b.writeUInt32LE(0x7fffffff, s.get('.debug_info')!.offset); return b; }), expect: /infolen: truncated: need 2147483647 bytes.*\.debug_info at offset 0x4/ },
];

for (const bad of BAD) {
  test(`${bad.name}: one line on stderr naming the file, the problem and where; status 1; no stack`, () => {
    const path = bad.make();
    const r = run(['--path', path, '--batch', '-ex', 'info line kernel.c:73', '-ex', 'info functions demo', '-ex', 'ptype struct test']);
    assert.equal(r.status, 1, `status ${r.status}; stderr: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, bad.expect);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  });
}

// Damage inside one unit's debug info: gdb reports it ("Dwarf Error: ... [in module FILE]") and answers each
// command from what is sound; so do we — the problem named once, on stderr, with where it is.
const UNIT_DAMAGE: { name: string; make: () => string; where: RegExp }[] = [
  { name: 'garbage DIEs in .debug_info', make: () => damaged('infoff', (b, s) => { const i = s.get('.debug_info')!; b.fill(0xff, i.offset + 12, i.offset + i.size); return b; }), where: /\(in \.debug_info at offset 0x[0-9a-f]+\)/ },
  { name: 'garbage in .debug_abbrev', make: () => damaged('abbrev', (b, s) => { const a = s.get('.debug_abbrev')!; b.fill(0x80, a.offset, a.offset + a.size); return b; }), where: /\(in \.debug_abbrev at offset 0x0\)/ },
  { name: 'an absurd .debug_line length', make: () => damaged('linelen', (b, s) => { b.writeUInt32LE(0xffffffef, s.get('.debug_line')!.offset); return b; }), where: /\(in \.debug_line at offset 0x[0-9a-f]+\)/ },
];
const UNIT_QUERIES = ['info line kernel.c:73', 'info functions demo', 'ptype struct test'];

for (const bad of UNIT_DAMAGE) {
  test(`${bad.name}: "Dwarf Error: ... [in module FILE]" once, the sound parts answer, status as gdb's`, () => {
    const path = bad.make();
    const r = run(['--path', path, '--batch', ...UNIT_QUERIES.flatMap((q) => ['-ex', q])]);
    const gdb = spawnSync('gdb', ['-nx', '-batch', ...UNIT_QUERIES.flatMap((q) => ['-ex', q]), path], { encoding: 'utf8', cwd: join(FIXTURES, 'demo'), timeout: 60_000 });
    assert.equal(r.status, gdb.status, `ours ${r.status}, gdb ${gdb.status}; stderr: ${r.stderr}`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Dwarf Error: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.ok(errors[0]!.endsWith(` [in module ${path}]`), errors[0]);
    assert.match(errors[0]!, bad.where);
    assert.doesNotMatch(r.stderr, /internal error|\bat .*\.js:\d+/);
    // What gdb still answers from the sound parts (the functions and types of a unit whose line table broke), we answer too.
    for (const answer of ['All functions matching regular expression "demo":', '59:\tvoid demo();', 'type = struct test {']) {
      if (gdb.stdout.includes(answer)) assert.ok(r.stdout.includes(answer), `gdb answers ${JSON.stringify(answer)}; ours:\n${r.stdout}`);
    }
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  });
}

test('a missing file and a directory are one-line errors with status 1', () => {
  for (const [path, msg] of [[join(DIR, 'nosuch'), 'No such file or directory.'], [DIR, 'Is a directory.']] as const) {
    const r = run(['--path', path, '--batch', '-ex', 'info line x.c:1']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `duster-tui: ${path}: ${msg}\n`);
  }
});
