// `handle` and `info signals` print what gdb 13 prints, byte for byte, for the same commands typed at a terminal:
// the whole default table, single rows, flag words and their abbreviations, numbers and ranges, `all`, and every error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { CommandContext } from '../../src/commands/context.js';
import { buildCommandTable } from '../../src/commands/index.js';
import { Interpreter } from '../../src/commands/interpreter.js';
import { SourceFiles } from '../../src/commands/source-files.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { compileFixture } from '../helpers/build.js';

const EXE = compileFixture(['signals/usr1.c'], ['-g', '-O0'], 'signals-usr1');

/**
 * gdb reading the commands from a pipe, as if typed (from_tty: `handle` shows the rows it changed),
 * stdout and stderr in one stream: the answer to each command, split at the prompts.
 */
function gdbAnswers(commands: string[]): string[] {
  const args = ['-q', '-nx', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', EXE];
  const r = spawnSync('sh', ['-c', 'exec gdb "$@" 2>&1', 'gdb', ...args], { input: commands.join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
  const parts = r.stdout.split('(gdb) ');
  assert.equal(parts.length, commands.length + 2, `gdb answered ${parts.length - 2} of ${commands.length} commands:\n${r.stdout}`);
  return parts.slice(1, -1);
}

async function ourAnswers(commands: string[]): Promise<string[]> {
  let text = '';
  const out = { print: (t: string) => void (text += t), error: (t: string) => void (text += t + '\n') };
  const ctx: CommandContext = { program: new Program(openElf(EXE)), session: undefined, sources: new SourceFiles([]), out, list: {} };
  const interpreter = new Interpreter(buildCommandTable(), ctx);
  const answers: string[] = [];
  for (const c of commands) {
    text = '';
    await interpreter.execute(c, { fromTerminal: true });
    answers.push(text);
  }
  return answers;
}

const CASES: { what: string; commands: string[] }[] = [
  { what: 'the whole default table', commands: ['info signals'] },
  { what: 'one signal by name, by number, by expression; info handle', commands: ['info signals SIGALRM', 'info signals 14', 'info signals 2+3', 'info handle SIGCHLD', 'info signals SIGLIBRT', 'info signals EXC_BAD_ACCESS'] },
  { what: 'bad signals for info signals', commands: ['info signals 200', 'info signals 0', 'info signals SIGFOO'] },
  {
    what: 'flag words and the rows they change',
    commands: ['handle SIGUSR1 nostop', 'handle SIGUSR1', 'handle SIGUSR1 stop', 'handle SIGUSR2 SIGUSR1 noprint', 'handle SIGUSR1 print', 'handle SIGUSR2 ignore', 'handle SIGUSR2 noignore nopass', 'info signals SIGUSR1'],
  },
  { what: 'abbreviated flag words', commands: ['handle SIGHUP nos', 'handle SIGHUP nopr', 'handle SIGHUP s', 'handle SIGHUP pa', 'handle SIGHUP i', 'handle SIGHUP noi', 'handle SIGHUP nopa', 'handle SIGHUP pr'] },
  { what: 'actions apply to the signals named before them', commands: ['handle nostop SIGHUP', 'handle SIGQUIT nostop SIGILL noprint', 'info signals SIGQUIT'] },
  { what: 'numbers and ranges (gdb numbering, 1-15, reversed ranges)', commands: ['handle 14-11 print', 'handle 10 nostop', 'handle 15 13 nopass', 'handle 5-3 nostop'] },
  { what: "the debugger's own signals ask first; all leaves them out", commands: ['handle SIGINT pass', 'handle SIGTRAP nopass', 'handle SIGINT SIGINT stop', 'handle all nopass', 'info signals'] },
  { what: 'all, abbreviated, and the signals at the end of the table', commands: ['handle a nostop noprint', 'handle SIG33 SIG64 SIGLIBRT EXC_BAD_ACCESS stop', 'info signals SIGLIBRT'] },
  { what: 'errors', commands: ['handle', 'handle SIGFOO stop', 'handle sigusr1 stop', 'handle SIGUSR1 bogus', 'handle 16 stop', 'handle 0 stop', 'handle 14- stop', 'handle SIGUSR1 p'] },
];

for (const c of CASES) {
  test(`handle / info signals as gdb: ${c.what}`, async () => {
    const gdb = gdbAnswers(c.commands);
    const ours = await ourAnswers(c.commands);
    for (let i = 0; i < c.commands.length; i++) assert.equal(ours[i], gdb[i], `"${c.commands[i]}"`);
  });
}

test('handle typed in batch mode (-ex) changes the table silently, as gdb -batch does', async () => {
  let text = '';
  const out = { print: (t: string) => void (text += t), error: (t: string) => void (text += t + '\n') };
  const ctx: CommandContext = { program: undefined, session: undefined, sources: new SourceFiles([]), out, list: {} };
  const interpreter = new Interpreter(buildCommandTable(), ctx);
  await interpreter.execute('handle SIGUSR1 nostop noprint');
  assert.equal(text, '');
  await interpreter.execute('info signals SIGUSR1');
  assert.match(text, /^SIGUSR1 +No\tNo\tYes\t\tUser defined signal 1$/m);
});
