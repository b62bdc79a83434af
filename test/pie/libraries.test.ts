// Shared libraries of a default-flags program under gdbserver, against gdb over the same gdbserver: the library list, a stop inside
// libc (an interrupt while the program sleeps), break malloc, a pending breakpoint, next over a PLT call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { answersByCommand, compareWithGdb, describeDifferences, interruptedRun } from './compare.js';

const exe = (): string => compileFixture(['pie/sleeper.c'], ['-g'], 'sleeper');

test('info sharedlibrary at the first instruction and at main, break malloc, finish out of libc, next over PLT calls equal gdb', { timeout: 300_000 }, async () => {
  const cmds = [
    'info sharedlibrary', 'break main', 'continue', 'info sharedlibrary', 'info sharedlibrary libc', 'next', 'break malloc', 'continue', 'bt', 'finish',
    'delete', 'next', 'next', 'next', 'print &rounds_done', 'print $pc', 'x/i $pc',
  ];
  const c = await compareWithGdb(exe(), cmds, { args: ['3'] });
  console.log(`libraries: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.ok(c.total >= cmds.length - 1, `gdb answered only ${c.total} commands`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});

test('symbols only a library defines, in expressions: its globals (an ELF alias typed by a declaration), functions known by an alias, types, x/s of its strings', { timeout: 300_000 }, async () => {
  const cmds = [
    'break main', 'continue', 'print environ', 'print *environ', 'x/s *environ', 'whatis environ', 'print program_invocation_name',
    'print malloc', 'print &malloc', 'ptype malloc', 'print printf', 'info symbol malloc', 'x/2i malloc', 'print stdout', 'print *stdout',
    'print sizeof(*stdout)', 'print stdout->_fileno', 'print optind', 'print &optind', 'print/x optind', 'ptype struct _IO_FILE', 'print nosuchsym',
  ];
  const c = await compareWithGdb(exe(), cmds, { args: ['3'] });
  console.log(`library symbols: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.ok(c.total >= cmds.length - 1, `gdb answered only ${c.total} commands`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});

test('a breakpoint on a function of a library not loaded yet is pending, then resolves when the library is loaded', { timeout: 300_000 }, async () => {
  // puts is only in libc: at the first instruction only ld.so is there (gdb's `set breakpoint pending on` answer).
  const cmds = ['break puts', 'info breakpoints', 'continue', 'bt', 'info breakpoints'];
  const c = await compareWithGdb(exe(), ['set breakpoint pending on', ...cmds], { args: ['3'] });
  console.log(`pending: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});

test('an interrupt while the program sleeps in libc stops there; bt walks back through libc into the program as gdb prints it', { timeout: 300_000 }, async () => {
  const after = ['bt', 'info sharedlibrary', 'up 3', 'info locals', 'finish'];
  const cmds = ['continue', ...after];
  const gdb = answersByCommand(await interruptedRun('gdb', exe(), after, { readyText: 'sleeper started' }), cmds);
  const ours = answersByCommand(await interruptedRun('duster', exe(), after, { readyText: 'sleeper started' }), cmds);
  // Frame lines without argument values: gdb shows libc's entry values (clock_id=clock_id@entry=0), which we do not read yet.
  const shape = (t: string | undefined): string => (t ?? '<missing>').split('\n').map((l) => l.replace(/\(.*\) (at|from) /, '(...) $1 ')).join('\n');
  const bt = (m: Map<string, string>): string => shape(m.get('1: bt'));
  console.log(`interrupt in libc: gdb\n${gdb.get('1: bt')}\nours\n${ours.get('1: bt')}`);
  assert.match(bt(ours), /nanosleep/);
  assert.equal(bt(ours), bt(gdb));
  for (const k of ['2: info sharedlibrary', '4: info locals']) assert.equal(ours.get(k), gdb.get(k), k);
});
