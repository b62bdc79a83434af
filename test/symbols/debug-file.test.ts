// Separate debug files found as gdb finds them (build-id, debuglink in three places), mismatches refused once in gdb's words; libc6-dbg's libc.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openElf } from '../../src/elf/elf.js';
import { DebugFileFinder } from '../../src/symbols/debug-file.js';
import { resolveTargetPath } from '../../src/symbols/sysroot.js';
import { Program } from '../../src/symbols/program.js';
import { FIXTURES, compileFixture } from '../helpers/build.js';

const SRC = join(FIXTURES, 'demo', 'kernel.c');
const LIBS = ['/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/libc.so.6'];

/** gdb -batch with `set verbose on` (and a debug-file-directory), as the oracle for which file it reads. */
function gdbVerbose(file: string, commands: string[], debugDir?: string): string {
  const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set style enabled off', '-iex', 'set verbose on'];
  if (debugDir) args.push('-iex', `set debug-file-directory ${debugDir}`);
  for (const c of commands) args.push('-ex', c);
  args.push(file);
  const r = spawnSync('gdb', args, { encoding: 'utf8', timeout: 120_000 });
  return `${r.stdout}${r.stderr}`;
}

/** The debug file gdb read right after `Reading symbols from <objfile>...`, if any. */
function gdbDebugFileFor(out: string, objfile: string): string | undefined {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l === `Reading symbols from ${objfile}...`);
  const next = /^Reading symbols from (.+\.debug)\.\.\.$/.exec(lines[i + 1] ?? '');
  return i >= 0 ? next?.[1] : undefined;
}

function sh(cmd: string, args: string[], cwd?: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

test('ld.so and libc: the debug file found is the one gdb reads (libc6-dbg, by build-id)', { timeout: 120_000 }, () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel');
  const out = gdbVerbose(exe, ['break main', 'run', 'kill']);
  const finder = new DebugFileFinder();
  for (const lib of LIBS) {
    const expected = gdbDebugFileFor(out, lib);
    assert.ok(expected, `gdb reads a debug file for ${lib} (is libc6-dbg installed?):\n${out}`);
    const found = finder.find(openElf(lib));
    assert.equal(found.path, expected, lib);
    assert.equal(found.how, 'build-id');
    assert.deepEqual(found.warnings, []);
  }
});

test('libc6-dbg\'s libc debug file is DWARF 5 and the DWARF reader answers on it as gdb does', { timeout: 300_000 }, () => {
  const found = new DebugFileFinder().find(openElf('/lib/x86_64-linux-gnu/libc.so.6'));
  assert.ok(found.elf && found.path);
  const program = new Program(found.elf);
  const warnings: string[] = [];
  program.dwarf.onWarning((m) => warnings.push(m));
  const units = program.dwarf.compileUnits;
  assert.ok(units.length > 1000, `${units.length} units`);
  assert.ok(units.every((u) => u.version === 5), 'every unit is DWARF 5');
  const names = ['__libc_start_call_main', 'usleep', '__nanosleep', '__libc_malloc', '_IO_puts', '__libc_free'];
  const gdb = gdbVerbose(found.path, names.flatMap((n) => [`echo @@${n}\\n`, `info line ${n}`]));
  for (const name of names) {
    const gdbLine = gdb.split(`@@${name}\n`)[1]?.split('\n')[0] ?? '';
    const m = /^Line (\d+) of "([^"]+)" starts at address (0x[0-9a-f]+) <[^>]+> and ends at (0x[0-9a-f]+)/.exec(gdbLine);
    assert.ok(m, `gdb's info line ${name}: ${gdbLine}`);
    const bp = program.functionBreakpoints(name);
    assert.ok(bp.length > 0, `${name} found in the debug file`);
    const ours = program.infoLineAt(BigInt(m[3]!));
    // Addresses and line numbers; the file name is not compared (ours drops gdb's leading "../": see the report).
    assert.equal(ours.kind, 'range', `${name}: ${program.formatInfoLine(ours)}`);
    if (ours.kind !== 'range') continue;
    assert.deepEqual({ line: ours.line, start: ours.start, end: ours.end }, { line: Number(m[1]), start: BigInt(m[3]!), end: BigInt(m[4]!) }, name);
  }
  assert.deepEqual(warnings, []);
});

test('debuglink: next to the file, in .debug/, under the debug directory; CRC and build-id mismatches refused once in gdb\'s words', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-debugfile-'));
  const build = (out: string, flags: string[]): void => sh('gcc', ['-g', '-Wl,--build-id=none', ...flags, '-o', out, SRC]);
  build(join(dir, 'prog'), []);
  build(join(dir, 'other'), ['-O2']);
  sh('objcopy', ['--only-keep-debug', 'prog', 'prog.debug'], dir);
  sh('objcopy', ['--only-keep-debug', 'other', 'other.debug'], dir);
  sh('objcopy', ['--strip-debug', '--add-gnu-debuglink=prog.debug', 'prog', 'prog.s'], dir);
  const place = (name: string, debugFile: string, sub: string): string => {
    const d = join(dir, name);
    mkdirSync(join(d, sub), { recursive: true });
    copyFileSync(join(dir, 'prog.s'), join(d, 'prog.s'));
    copyFileSync(join(dir, debugFile), join(d, sub, 'prog.debug'));
    return join(d, 'prog.s');
  };
  const debugDir = join(dir, 'usr-lib-debug');
  const cases = [
    { label: 'same directory', objfile: place('a', 'prog.debug', '.') },
    { label: '.debug/', objfile: place('b', 'prog.debug', '.debug') },
  ];
  const c = join(dir, 'c');
  mkdirSync(join(debugDir, c), { recursive: true });
  mkdirSync(c);
  copyFileSync(join(dir, 'prog.s'), join(c, 'prog.s'));
  copyFileSync(join(dir, 'prog.debug'), join(debugDir, c, 'prog.debug'));
  cases.push({ label: '<debug dir>/<file dir>/', objfile: join(c, 'prog.s') });
  for (const k of cases) {
    const expected = gdbDebugFileFor(gdbVerbose(k.objfile, ['info line main'], debugDir), k.objfile);
    assert.ok(expected, `gdb finds the debug file (${k.label})`);
    const found = new DebugFileFinder({ debugDirectories: [debugDir] }).find(openElf(k.objfile));
    assert.equal(found.path, expected, k.label);
    assert.equal(found.how, 'debuglink');
  }

  // CRC mismatch: another build's debug file under the linked name.
  const bad = place('bad', 'other.debug', '.');
  const gdbOut = gdbVerbose(bad, ['info line main'], debugDir);
  const gdbWarning = /^warning: the debug information found in .*\(CRC mismatch\)\.$/m.exec(gdbOut)?.[0];
  assert.ok(gdbWarning, gdbOut);
  const finder = new DebugFileFinder({ debugDirectories: [debugDir] });
  const first = finder.find(openElf(bad));
  assert.equal(first.path, undefined, 'a CRC mismatch is not trusted');
  assert.deepEqual(first.warnings, [gdbWarning]);
  assert.deepEqual(finder.find(openElf(bad)).warnings, [], 'reported once');

  // Build-id mismatch: another build's debug file under this build's id.
  const bid = join(dir, 'bid');
  sh('gcc', ['-g', '-o', bid, SRC]);
  sh('gcc', ['-g', '-O2', '-o', `${bid}2`, SRC]);
  sh('objcopy', ['--strip-debug', bid, `${bid}.s`]);
  const id = Buffer.from(openElf(bid).buildId()!).toString('hex');
  const idDir = join(debugDir, '.build-id', id.slice(0, 2));
  mkdirSync(idDir, { recursive: true });
  sh('objcopy', ['--only-keep-debug', `${bid}2`, join(idDir, `${id.slice(2)}.debug`)]);
  const gdbBid = /^warning: File ".*" has a different build-id, file skipped$/m.exec(gdbVerbose(`${bid}.s`, ['info line main'], debugDir))?.[0];
  assert.ok(gdbBid);
  const r = finder.find(openElf(`${bid}.s`));
  assert.equal(r.path, undefined);
  assert.deepEqual(r.warnings, [gdbBid]);
  assert.deepEqual(finder.find(openElf(`${bid}.s`)).warnings, [], 'reported once');
  // The right one under the id is found; a corrupt one is one warning line.
  sh('objcopy', ['--only-keep-debug', bid, join(idDir, `${id.slice(2)}.debug`)]);
  assert.equal(new DebugFileFinder({ debugDirectories: [debugDir] }).find(openElf(`${bid}.s`)).how, 'build-id');
  writeFileSync(join(idDir, `${id.slice(2)}.debug`), 'not an ELF file');
  const corrupt = new DebugFileFinder({ debugDirectories: [debugDir] }).find(openElf(`${bid}.s`));
  assert.equal(corrupt.path, undefined);
  assert.equal(corrupt.warnings.length, 1);
  assert.match(corrupt.warnings[0]!, /^warning: .*\.debug: .*not an ELF file/);
  assert.ok(!corrupt.warnings[0]!.includes('\n'));
});

test('sysroot: "/", "" and "target:" keep the path, another root prefixes it; a missing file gives one line', () => {
  const libc = '/lib/x86_64-linux-gnu/libc.so.6';
  for (const root of ['/', '', 'target:', undefined]) assert.deepEqual(resolveTargetPath(libc, root), { path: libc }, String(root));
  const root = mkdtempSync(join(tmpdir(), 'duster-sysroot-'));
  mkdirSync(join(root, 'lib'), { recursive: true });
  symlinkSync(libc, join(root, 'lib', 'libc.so.6'));
  assert.deepEqual(resolveTargetPath('/lib/libc.so.6', root), { path: join(root, 'lib', 'libc.so.6') });
  assert.deepEqual(resolveTargetPath('/lib/libc.so.6', `target:${root}`), { path: join(root, 'lib', 'libc.so.6') });
  assert.deepEqual(resolveTargetPath('/lib/libm.so.6', root), { reason: `${join(root, 'lib', 'libm.so.6')} (/lib/libm.so.6 under sysroot ${root}): No such file or directory` });
  assert.deepEqual(resolveTargetPath('/no/such/lib.so'), { reason: '/no/such/lib.so: No such file or directory' });
  assert.deepEqual(resolveTargetPath('/lib', '/'), { reason: '/lib: Is a directory' });
  assert.deepEqual(resolveTargetPath('/dev/null'), { reason: '/dev/null: not a regular file' });
  assert.match(resolveTargetPath('libfoo.so').reason!, /^libfoo\.so: not an absolute path/);
});

test('build-id under the sysroot: <sysroot>/usr/lib/debug/.build-id/..., as gdb finds it with `set sysroot`', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-debugfile-sysroot-'));
  const exe = join(dir, 'prog');
  sh('gcc', ['-g', '-o', exe, SRC]);
  sh('objcopy', ['--strip-debug', exe, `${exe}.s`]);
  const id = Buffer.from(openElf(exe).buildId()!).toString('hex');
  const root = join(dir, 'root');
  const idDir = join(root, 'usr', 'lib', 'debug', '.build-id', id.slice(0, 2));
  mkdirSync(idDir, { recursive: true });
  sh('objcopy', ['--only-keep-debug', exe, join(idDir, `${id.slice(2)}.debug`)]);
  const args = ['-nx', '-batch', '-iex', `set sysroot ${root}`, '-iex', 'set verbose on', '-ex', 'info line main', `${exe}.s`];
  const out = spawnSync('gdb', args, { encoding: 'utf8', timeout: 120_000 }).stdout;
  const expected = gdbDebugFileFor(out, `${exe}.s`);
  assert.ok(expected, out);
  const found = new DebugFileFinder({ sysroot: root }).find(openElf(`${exe}.s`));
  assert.equal(found.path, expected);
  assert.equal(found.how, 'build-id');
  assert.equal(new DebugFileFinder().find(openElf(`${exe}.s`)).path, undefined, 'not found without the sysroot');
});
