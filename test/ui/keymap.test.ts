// Keys are one table: help is generated from it, the config rebinds it, and lookups follow the focused pane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BINDINGS, Keymap, bindingName, displayKey, keyOf, parseKeyName } from '../../src/ui/keymap.js';

test('the defaults of DESIGN.md are bound', () => {
  const k = new Keymap();
  assert.equal(k.lookup('f5', 'source'), 'continue');
  assert.equal(k.lookup('f9', 'variables'), 'toggle-breakpoint');
  assert.equal(k.lookup('f10', 'command'), 'next');
  assert.equal(k.lookup('f11', 'stack'), 'step');
  assert.equal(k.lookup('S-f11', 'source'), 'finish');
  assert.equal(k.lookup('f12', 'source'), 'interrupt');
  assert.equal(k.lookup('C-c', 'command'), 'interrupt');
  for (const [key, action] of [['c', 'continue'], ['n', 'next'], ['s', 'step'], ['f', 'finish'], ['u', 'until'], ['space', 'toggle-breakpoint'], ['j', 'down'], ['k', 'up'], ['g', 'top'], ['G', 'bottom'], ['C-d', 'half-page-down'], ['C-u', 'half-page-up'], ['/', 'search'], [':', 'command-line'], ['i', 'command-line'], ['?', 'help'], ['q', 'quit'], ['tab', 'next-pane'], ['S-tab', 'prev-pane']] as const) {
    assert.equal(k.lookup(key, 'source'), action, key);
  }
  assert.equal(k.lookup('escape', 'command'), 'leave');
});

test('single-letter keys do not fire while typing on the command line', () => {
  const k = new Keymap();
  for (const key of ['c', 'n', 's', 'q', '?', 'j', ':', 'i', 'G']) assert.equal(k.lookup(key, 'command'), undefined, key);
  assert.equal(k.lookup('tab', 'command'), 'complete');
});

test('the help text lists every binding with its keys and description', () => {
  const help = new Keymap().helpLines().join('\n');
  for (const b of DEFAULT_BINDINGS) {
    assert.ok(help.includes(b.description), b.description);
    for (const key of b.keys) assert.ok(help.includes(displayKey(key)), `${displayKey(key)} for ${bindingName(b)}`);
  }
  assert.match(help, /Shift-F11 +Finish the current function/);
  assert.match(help, /F12 Ctrl-C +Interrupt/);
});

test('config overrides rebind, unbind, and show up in help', () => {
  const k = new Keymap({ continue: ['f6'], 'source.next': [] });
  assert.equal(k.lookup('f6', 'source'), 'continue');
  assert.equal(k.lookup('f5', 'source'), undefined);
  assert.equal(k.lookup('n', 'source'), undefined);
  assert.match(k.helpLines().join('\n'), /F6 +Continue/);
});

test('a key bound twice in one context is reported', () => {
  const k = new Keymap({ 'source.next': ['c'] });
  assert.equal(k.warnings.length, 1);
  assert.match(k.warnings[0]!, /key c is bound twice in "source"/);
});

test('key names: what users write and what blessed reports meet in one canonical form', () => {
  assert.equal(parseKeyName('F5'), 'f5');
  assert.equal(parseKeyName('Shift-F11'), 'S-f11');
  assert.equal(parseKeyName('S-f11'), 'S-f11');
  assert.equal(parseKeyName('Ctrl-C'), 'C-c');
  assert.equal(parseKeyName('Shift-g'), 'G');
  assert.equal(parseKeyName('Esc'), 'escape');
  assert.equal(parseKeyName('PgUp'), 'pageup');
  assert.equal(parseKeyName(' '), 'space');
  assert.equal(parseKeyName('?'), '?');
  assert.equal(parseKeyName('Hyper-X'), undefined);
  assert.equal(parseKeyName('F13'), undefined);
  assert.equal(keyOf('G', { full: 'S-g', name: 'g', shift: true }), 'G');
  assert.equal(keyOf('\r', { full: 'enter', name: 'enter' }), 'enter');
  assert.equal(keyOf(undefined, { full: 'S-f11', name: 'f11' }), 'S-f11');
  assert.equal(keyOf('\x03', { full: 'C-c', name: 'c', ctrl: true }), 'C-c');
  assert.equal(keyOf(' ', { full: 'space', name: 'space' }), 'space');
  assert.equal(displayKey('S-f11'), 'Shift-F11');
  assert.equal(displayKey('C-d'), 'Ctrl-D');
});

test('the welcome line, status hints and quit question follow the key table and the state', async () => {
  const { welcome } = await import('../../src/ui/app.js');
  const { statusHints, quitQuestion } = await import('../../src/ui/view.js');
  const k = new Keymap({ continue: ['f6'], 'pane.zoom': ['Z'], zoom: [], 'pane.help': ['h'] });
  assert.match(welcome('demo', k), /^duster-tui: demo\. F6 continue, .*Z zoom, h help, q quit\.$/);
  assert.doesNotMatch(welcome('demo', k), /F5/);
  const hints = statusHints(k, false, false);
  assert.deepEqual(hints[0], ['F6', 'cont']);
  assert.ok(hints.some(([key, what]) => key === 'Z' && what === 'zoom'));
  assert.deepEqual(statusHints(new Keymap({ 'search.search-next': ['f3'] }), false, true)[0], ['F3', 'next match']);
  assert.match(quitQuestion('exited', true, false, '[Inferior 1 (process 7) exited normally]'), /has exited/);
  assert.match(quitQuestion('exited'), /not being run/);
  assert.doesNotMatch(quitQuestion('exited'), /keeps running/);
  assert.match(quitQuestion('running'), /keeps running/);
  assert.match(quitQuestion('stopped', false), /post-mortem/);
});

test('search mode: its own keys first, then the source pane\'s (the controller blocks the execution letters)', () => {
  const k = new Keymap();
  assert.equal(k.lookup('n', 'search'), 'search-next');
  assert.equal(k.lookup('N', 'search'), 'search-prev');
  assert.equal(k.lookup('?', 'search'), 'search-backward');
  assert.equal(k.lookup('escape', 'search'), 'leave-search');
  assert.deepEqual(k.find('c', 'search'), { action: 'continue', context: 'source' });
  assert.deepEqual(k.find('f10', 'search'), { action: 'next', context: 'global' });
  assert.equal(k.lookup('j', 'search'), 'down');
  assert.equal(k.lookup('?', 'source'), 'help');
});

test('README\'s keys table names every default key of the panes', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('../helpers/build.js');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Keys'), readme.indexOf('### Configuration'));
  const shown = new Set([...section.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.split(/ +/)));
  const missing: string[] = [];
  for (const b of DEFAULT_BINDINGS) {
    // The command line's editing keys and the overlays' are described in prose.
    if (b.context === 'command' || b.context === 'memory') continue;
    if (!b.keys.some((k) => shown.has(displayKey(k)) || shown.has(k))) missing.push(`${bindingName(b)} (${b.keys.map(displayKey).join(' ')})`);
  }
  assert.deepEqual(missing, []);
});
