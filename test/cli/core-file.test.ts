// duster-tui --core against gdb on the same kernel cores of the crash fixtures: load messages, bt, frames, data, registers, threads; refusals; bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, compileFixture } from '../helpers/build.js';
import { crashCore } from '../target/core-file/crash-core.js';
import { marked, split } from '../helpers/sections.js';

interface Run {
  /** Output of each command, by its index in the list (index -1: what was printed on loading the core). */
  sections: Map<number, string>;
  stderr: string;
}

function ours(exe: string, core: string, commands: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, '--path', exe, '--core', core, '--batch', ...marked(commands).flatMap((c) => ['-ex', c])],
    { encoding: 'utf8', cwd: dirname(exe), timeout: 60_000 });
  assert.equal(r.status, 0, `duster-tui exit status (stderr: ${r.stderr})`);
  return { sections: split(r.stdout), stderr: r.stderr };
}

/** gdb's lines that come from libthread_db and the host's xstate layout, which we do not have. */
const GDB_ONLY = /^(\[Thread debugging using libthread_db|Using host libthread_db|warning: Section `\.reg-xstate|warning: Unexpected size of section|warning: Can't open file)/;

function gdb(exe: string, core: string, commands: string[]): Run {
  const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `core-file ${core}`];
  for (const c of marked(commands)) args.push('-ex', c);
  const r = spawnSync('gdb', [...args, exe], { encoding: 'utf8', cwd: dirname(exe), timeout: 120_000 });
  const stdout = r.stdout.split('\n').filter((l) => !GDB_ONLY.test(l)).join('\n');
  return { sections: split(stdout), stderr: r.stderr };
}

/** `info threads` rows without the frame's arguments (we print them for no thread yet). */
function threadRows(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/ \([^()]*\) at /, ' () at ').trimEnd());
}

/** `info registers` lines that carry a value (k0-k7 appear when the host has AVX-512, read from NT_X86_XSTATE). */
function registerLines(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((l) => /^[a-z]/.test(l) && !/<unavailable>/.test(l)).map((l) => [l.split(/\s+/)[0]!, l]));
}

function compare(label: string, a: Run, b: Run, commands: string[], exact: string[]): void {
  for (const c of exact) {
    const i = commands.indexOf(c);
    assert.equal(a.sections.get(i), b.sections.get(i), `${label}: "${c}"`);
  }
}

const NO_PIE = ['-g', '-no-pie'];

const SEGV_COMMANDS = [
  'bt', 'x/8xw $sp', 'info registers rip', 'print local', 'print local.label', 'print *p', 'print sink', 'print heap_block',
  'info threads', 'frame 1', 'info locals', 'print *pt', 'print pt->label', 'x/8xw $sp', 'info registers rip', 'up', 'down',
  'ptype struct point', 'ptype pt', 'list write_through', 'frame 0', 'info registers',
];
const SEGV_EXACT = ['bt', 'x/8xw $sp', 'info registers rip', 'print local', 'print local.label', 'print sink', 'print heap_block',
  'frame 1', 'info locals', 'print *pt', 'print pt->label', 'up', 'down', 'ptype struct point', 'ptype pt', 'list write_through'];

for (const opt of ['-O0', '-O2']) {
  test(`--core, segv -no-pie ${opt}: load messages, bt, frames, locals, a struct, x, registers, threads, list, ptype equal gdb's`, () => {
    const exe = compileFixture(['crash/segv.c'], [...NO_PIE, opt], 'segv');
    const { core } = crashCore(exe);
    const us = ours(exe, core, SEGV_COMMANDS);
    const them = gdb(exe, core, SEGV_COMMANDS);
    // At -O2 gdb shows entry values (p=p@entry=0x0) and the tail-call frames of middle and outer (they jump to their
    // callees), from the call-site DWARF: so do we, in a core file too.
    assert.equal(us.sections.get(-1), them.sections.get(-1), 'what is printed on loading the core');
    assert.match(us.sections.get(-1)!, /^Program terminated with signal SIGSEGV, Segmentation fault\.$/m);
    compare(opt, us, them, SEGV_COMMANDS, SEGV_EXACT);
    // The second `x/8xw $sp` and `info registers rip` run in frame 1: the unwound registers.
    const second = (c: string): number => SEGV_COMMANDS.lastIndexOf(c);
    assert.equal(us.sections.get(second('x/8xw $sp')), them.sections.get(second('x/8xw $sp')), 'x/8xw $sp in frame 1');
    assert.equal(us.sections.get(second('info registers rip')), them.sections.get(second('info registers rip')), 'rip of frame 1');
    const threads = SEGV_COMMANDS.indexOf('info threads');
    assert.deepEqual(threadRows(us.sections.get(threads)!), threadRows(them.sections.get(threads)!), 'info threads');
    const regs = SEGV_COMMANDS.indexOf('info registers');
    const theirs = registerLines(them.sections.get(regs)!);
    const mine = registerLines(us.sections.get(regs)!);
    assert.ok(theirs.size >= 24, 'gdb listed the general registers');
    for (const [name, line] of theirs) assert.equal(mine.get(name), line, `info registers: ${name}`);
    const errors = (t: string): string[] => t.split('\n').filter((l) => l && !GDB_ONLY.test(l));
    assert.deepEqual(errors(us.stderr), errors(them.stderr), 'errors (print *p: p is NULL)');
  });
}

test('--core: every execution command and every write is refused with gdb\'s words', () => {
  const exe = compileFixture(['crash/segv.c'], [...NO_PIE, '-O0'], 'segv');
  const { core } = crashCore(exe);
  const refused = ['continue', 'next', 'step', 'stepi', 'nexti', 'finish', 'until', 'advance 34', 'jump 34', 'signal SIGINT', 'kill', 'set var sink = 1', 'set var $rax = 1'];
  const us = ours(exe, core, [...refused, 'bt 1']);
  const them = gdb(exe, core, refused);
  const theirs = them.stderr.split('\n').filter((l) => l && !GDB_ONLY.test(l) && !/^Kill the program/.test(l));
  const mine = us.stderr.split('\n').filter(Boolean);
  assert.equal(mine.length, theirs.length, `one line each:\n${us.stderr}`);
  for (const [i, line] of theirs.entries()) {
    if (/^(jump|signal)/.test(refused[i]!) && !mine[i]!.startsWith('The program')) continue; // commands we do not have
    assert.equal(mine[i], line, refused[i]);
  }
  assert.match(us.sections.get(refused.length)!, /^#0  0x[0-9a-f]+ in write_through /, 'the core is still there');
});

/** Values without gdb's <symbol+offset>: for addresses in libc (or a PIE), whose symbols we do not have. */
function raw(text: string | undefined): string | undefined {
  return text?.replace(/ <[^>]*>/g, '');
}

test('--core, four threads (-no-pie): threads, the faulting thread\'s frames and thread N equal gdb\'s', () => {
  const exe = compileFixture(['crash/threads.c'], [...NO_PIE, '-pthread'], 'threads');
  const { core } = crashCore(exe);
  const commands = ['info threads', 'bt 2', 'print id', 'thread 2', 'info registers rip', 'x/4xg $sp', 'thread 1', 'info registers rip'];
  const us = ours(exe, core, commands);
  const them = gdb(exe, core, commands);
  // gdb names libc frames with libc's symbols; we know only the program's: compare the program's lines.
  const load = (r: Run): string[] => r.sections.get(-1)!.split('\n').filter((l) => !/^(#0|\d+\t)/.test(l) || /crash_now/.test(l) || /\*p = id/.test(l));
  assert.deepEqual(load(us), load(them), 'load messages');
  assert.equal(us.sections.get(-1)!.match(/^\[New LWP/gm)?.length, 4);
  const rows = (r: Run): string[] => threadRows(r.sections.get(0)!).map((l) => l.replace(/ in .*$/, ''));
  assert.deepEqual(rows(us), rows(them), 'info threads: ids, target ids, pcs');
  // Thread 2 sits in libc, whose symbols gdb has and we do not: raw values.
  for (const c of ['print id', 'info registers rip', 'x/4xg $sp']) {
    const i = commands.indexOf(c);
    assert.equal(raw(us.sections.get(i)), raw(them.sections.get(i)), c);
  }
  assert.equal(us.sections.get(commands.lastIndexOf('info registers rip')), them.sections.get(commands.lastIndexOf('info registers rip')), 'thread 1 again');
  assert.match(us.sections.get(1)!, /^#0  0x[0-9a-f]+ in crash_now \(id=2\) at threads\.c:12\n#1 /);
});

test('--core, abort and a PIE build: the signal, registers and stack memory equal gdb\'s', () => {
  for (const [src, flags, signal] of [['abort.c', NO_PIE, 'SIGABRT, Aborted'], ['segv.c', ['-g'], 'SIGSEGV, Segmentation fault']] as const) {
    const exe = compileFixture([`crash/${src}`], [...flags], src.replace('.c', ''));
    const { core } = crashCore(exe);
    const commands = ['info registers rip', 'x/8xw $sp', 'print $sp'];
    const us = ours(exe, core, commands);
    const them = gdb(exe, core, commands);
    assert.match(us.sections.get(-1)!, new RegExp(`^Program terminated with signal ${signal}\\.$`, 'm'));
    const head = (r: Run): string[] => r.sections.get(-1)!.split('\n').filter((l) => /^(\[New LWP|Core was|Program terminated)/.test(l));
    assert.deepEqual(head(us), head(them), `${src}: load messages`);
    // Raw values only: symbols of a PIE are not relocated yet, libc's are not loaded.
    for (const [i, c] of commands.entries()) assert.equal(raw(us.sections.get(i)), raw(them.sections.get(i)), `${src}: ${c}`);
  }
});

test('--core with a bad file: one line, exit status 1; a core of another program: gdb\'s warning', () => {
  const exe = compileFixture(['crash/segv.c'], [...NO_PIE, '-O0'], 'segv');
  const { core } = crashCore(exe);
  const dir = mkdtempSync(join(tmpdir(), 'duster-badcore-'));
  const bytes = readFileSync(core);
  const bad: [string, Uint8Array | string][] = [
    ['truncated', bytes.subarray(0, 3000)], ['header only', bytes.subarray(0, 100)], ['text', 'hello\n'],
  ];
  for (const [name, content] of bad) {
    const file = join(dir, name.replace(' ', '-'));
    writeFileSync(file, content);
    const r = spawnSync(process.execPath, [CLI, '--path', exe, '--core', file, '--batch', '-ex', 'bt'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, `${name}: exit status`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${name}: one line: ${r.stderr}`);
    assert.match(r.stderr, /^duster-tui: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const missing = spawnSync(process.execPath, [CLI, '--path', exe, '--core', join(dir, 'nothing'), '--batch'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(missing.stderr, `duster-tui: ${join(dir, 'nothing')}: No such file or directory.\n`);
  const other = compileFixture(['crash/abort.c'], [...NO_PIE], 'abort');
  const r = spawnSync(process.execPath, [CLI, '--path', other, '--core', core, '--batch'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.split('\n')[0], 'warning: core file may not match specified executable file.');
  const g = spawnSync('gdb', ['-nx', '-batch', '-ex', `core-file ${core}`, other], { encoding: 'utf8', timeout: 60_000 });
  assert.match(g.stderr + g.stdout, /warning: core file may not match specified executable file\./, 'gdb warns too');
});

test('core FILE at the prompt opens the core; core-file replaces it', () => {
  const exe = compileFixture(['crash/segv.c'], [...NO_PIE, '-O0'], 'segv');
  const { core } = crashCore(exe);
  const r = spawnSync(process.execPath, [CLI, '--path', exe, '--batch', '-ex', 'bt', '-ex', `core ${core}`, '-ex', 'bt 1', '-ex', `core-file ${core}`, '-ex', 'info registers rip'],
    { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stderr, 'No stack.\n', 'bt before the core (gdb\'s words)');
  assert.equal(r.stdout.match(/^Core was generated by/gm)?.length, 2);
  assert.match(r.stdout, /^#0  0x[0-9a-f]+ in write_through \(p=0x0, value=9\) at segv\.c:15$/m);
  assert.match(r.stdout, /^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <write_through\+\d+>$/m);
  // gdb's `gdb PROG CORE` spelling.
  const positional = spawnSync(process.execPath, [CLI, exe, core, '--batch', '-ex', 'bt 1'], { encoding: 'utf8', timeout: 60_000 });
  assert.match(positional.stdout, /^#0  0x[0-9a-f]+ in write_through \(p=0x0, value=9\) at segv\.c:15$/m);
  // "(More stack frames follow...)" is gdb's from_tty line: gdb -batch leaves it out, and so do we.
  const g = spawnSync('gdb', ['-nx', '-batch', '-ex', 'bt 1', exe, core], { encoding: 'utf8', timeout: 60_000 });
  assert.match(g.stdout, /^#0 .* at segv\.c:15$/m, 'gdb printed the frame');
  assert.equal(/More stack frames follow/.test(positional.stdout), /More stack frames follow/.test(g.stdout));
});
