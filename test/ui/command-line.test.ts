// The command line: history persisted under $XDG_STATE_HOME, tab completion of commands, subcommands, symbols, files, file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, LineEditor, complete, historyPath, type CompletionSources } from '../../src/ui/command-line.js';
import { CommandTable } from '../../src/commands/registry.js';

test('history lives in $XDG_STATE_HOME/duster-tui/history (default ~/.local/state) and survives a restart', () => {
  assert.equal(historyPath({ XDG_STATE_HOME: '/s' }), '/s/duster-tui/history');
  assert.equal(historyPath({ HOME: '/home/u' }), '/home/u/.local/state/duster-tui/history');
  const path = historyPath({ XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'duster-hist-')) });
  const h = new History(path);
  h.add('break kernel.c:73');
  h.add('continue');
  h.add('continue');
  assert.equal(readFileSync(path, 'utf8'), 'break kernel.c:73\ncontinue\n');
  const again = new History(path);
  assert.equal(again.prev('typing'), 'continue');
  assert.equal(again.prev(''), 'break kernel.c:73');
  assert.equal(again.prev(''), undefined);
  assert.equal(again.next(), 'continue');
  assert.equal(again.next(), 'typing', 'back to the draft');
});

test('an unwritable history path is one message, not a crash', () => {
  const h = new History('/proc/version/history');
  h.add('next');
  assert.match(h.error ?? '', /cannot save history/);
});

test('line editing keys', () => {
  const e = new LineEditor();
  e.insert('print x');
  e.edit('C-w');
  assert.equal(e.text, 'print ');
  e.edit('home');
  e.insert('>');
  assert.equal(e.text, '>print ');
  e.edit('C-k');
  assert.equal(e.text, '>');
});

const table = new CommandTable().add(
  { name: 'break', aliases: ['b'], help: '' }, { name: 'backtrace', aliases: ['bt'], help: '' }, { name: 'continue', help: '' },
  { name: 'info', help: '', sub: new CommandTable('info').add({ name: 'breakpoints', help: '' }, { name: 'registers', help: '' }) },
);
const src: CompletionSources = { commands: table, symbols: () => ['demo', 'main', 'my_integer'], files: () => ['kernel.c', 'lib.c'], lines: (f) => (f === 'kernel.c' ? [59, 60, 61, 73] : []) };

test('completes commands, subcommands, symbols, files and file:line', () => {
  assert.equal(complete('cont', 4, src).text, 'continue ');
  const b = complete('b', 1, src);
  assert.deepEqual(b.candidates, ['backtrace', 'break', 'bt']);
  assert.equal(complete('info r', 6, src).text, 'info registers ');
  assert.equal(complete('break de', 8, src).text, 'break demo ');
  assert.equal(complete('break ker', 9, src).text, 'break kernel.c:');
  const lines = complete('break kernel.c:6', 16, src);
  assert.equal(lines.text, 'break kernel.c:6');
  assert.deepEqual(lines.candidates, ['kernel.c:60', 'kernel.c:61']);
  assert.equal(complete('break kernel.c:7', 16, src).text, 'break kernel.c:73 ');
  assert.equal(complete('print my_', 9, src).text, 'print my_integer ');
  assert.deepEqual(complete('zz', 2, src), { text: 'zz', cursor: 2, candidates: [] });
});

test('the UI\'s own commands complete too: layout and its subcommands, focus, winheight', async () => {
  const { withUiCommands } = await import('../../src/ui/ui-commands.js');
  const ui: CompletionSources = { ...src, commands: withUiCommands(src.commands) };
  assert.equal(complete('lay', 3, ui).text, 'layout ');
  assert.equal(complete('layout sh', 9, ui).text, 'layout show ');
  assert.equal(complete('winh', 4, ui).text, 'winheight ');
  assert.deepEqual(complete('layout ', 7, ui).candidates, ['hide', 'reset', 'show', 'toggle', 'unzoom', 'zoom']);
  // The interpreter's own commands are still there.
  assert.equal(complete('bre', 3, ui).text, complete('bre', 3, src).text);
});
