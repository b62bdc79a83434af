// The config file: defaults when absent, one clear line per bad entry (naming the key), defaults kept for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, DEFAULT_PANES, loadConfig, parseConfig } from '../../src/ui/config.js';

function withConfig(text: string): ReturnType<typeof loadConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'duster-config-'));
  mkdirSync(join(dir, 'duster-tui'));
  writeFileSync(join(dir, 'duster-tui', 'config.json'), text);
  return loadConfig({ XDG_CONFIG_HOME: dir });
}

test('the config lives in $XDG_CONFIG_HOME/duster-tui, else ~/.config/duster-tui', () => {
  assert.equal(configPath({ XDG_CONFIG_HOME: '/x' }), '/x/duster-tui/config.json');
  assert.equal(configPath({ HOME: '/home/u' }), '/home/u/.config/duster-tui/config.json');
});

test('no config file: defaults and no message', () => {
  const r = loadConfig({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'duster-config-')) });
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.config.panes, DEFAULT_PANES);
});

test('a valid config sets theme, keys, pane sizes and the breakpoint strategy', () => {
  const r = withConfig(JSON.stringify({ theme: 'light', breakpoints: 'spin', keys: { continue: ['F6', 'Ctrl-R'], 'source.next': 'N' }, panes: { sourceWidth: 70, commandHeight: 10, show: ['disassembly'] } }));
  assert.deepEqual(r.warnings, []);
  assert.equal(r.config.theme, 'light');
  assert.equal(r.config.breakpoints, 'spin');
  assert.deepEqual(r.config.keys, { continue: ['f6', 'C-r'], 'source.next': ['N'] });
  assert.equal(r.config.panes.sourceWidth, 70);
  assert.equal(r.config.panes.commandHeight, 10);
  assert.deepEqual(r.config.panes.show, ['disassembly']);
});

test('invalid JSON: one line naming the file, defaults used', () => {
  const r = withConfig('{ "theme": "dark",\n  "keys": { , }\n}');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /config\.json: invalid JSON: .*; using defaults$/);
  assert.doesNotMatch(r.warnings[0]!, /\n/);
  assert.deepEqual(r.config.panes, DEFAULT_PANES);
});

test('each bad entry names its key; the good ones still apply', () => {
  const { config, warnings } = parseConfig({ theme: 3, breakpoints: 'int3', panes: { sourceWidth: 99, stack: 4, bogus: 1, show: ['clock'] }, keys: { continue: 'Hyper-X', nosuch: 'F1', next: ['F8'] }, colour: 'red' });
  const text = warnings.join('\n');
  for (const key of ['"theme"', '"breakpoints"', '"panes.sourceWidth"', '"panes.bogus"', '"panes.show"', '"keys.continue"', '"keys.nosuch"', '"colour"']) assert.ok(text.includes(key), `${key} in:\n${text}`);
  assert.equal(warnings.length, 8);
  for (const w of warnings) assert.doesNotMatch(w, /\n/);
  assert.equal(config.panes.sourceWidth, DEFAULT_PANES.sourceWidth);
  assert.equal(config.panes.stack, 4);
  assert.deepEqual(config.keys, { next: ['f8'] });
  assert.equal(config.theme, undefined);
});

test('mouse and hidden panes are settings; the layout saved at run time keeps the other settings', async () => {
  const { config, warnings } = parseConfig({ mouse: false, panes: { hide: ['registers'], sourceWidth: 0 } });
  assert.deepEqual(warnings, []);
  assert.equal(config.mouse, false);
  assert.deepEqual(config.panes.hide, ['registers']);
  const bad = parseConfig({ mouse: 'no', panes: { hide: ['command'], commandHeight: 2 } });
  assert.equal(bad.warnings.length, 3);
  assert.match(bad.warnings.join('\n'), /"mouse" must be true or false/);

  const { saveLayout } = await import('../../src/ui/config.js');
  const dir = mkdtempSync(join(tmpdir(), 'duster-config-'));
  mkdirSync(join(dir, 'duster-tui'));
  const path = join(dir, 'duster-tui', 'config.json');
  writeFileSync(path, JSON.stringify({ theme: 'light', keys: { continue: 'F6' } }));
  assert.equal(saveLayout(path, { ...DEFAULT_PANES, sourceWidth: 55, hide: ['stack'] }), undefined);
  const back = loadConfig({ XDG_CONFIG_HOME: dir });
  assert.deepEqual(back.warnings, []);
  assert.equal(back.config.theme, 'light');
  assert.deepEqual(back.config.keys, { continue: ['f6'] });
  assert.equal(back.config.panes.sourceWidth, 55);
  assert.deepEqual(back.config.panes.hide, ['stack']);
  // A broken file is never overwritten.
  writeFileSync(path, '{ "theme": ');
  assert.match(saveLayout(path, DEFAULT_PANES)!, /invalid JSON; the layout is not saved/);
  assert.equal(readFileSync(path, 'utf8'), '{ "theme": ');
});

test('a pane the front end shows for one session is not remembered unless the user toggles it', async () => {
  const { PaneLayout } = await import('../../src/ui/pane-layout.js');
  const { defaultPanes } = await import('../../src/ui/config.js');
  const dir = mkdtempSync(join(tmpdir(), 'duster-config-'));
  const path = join(dir, 'config.json');
  const model = { shown: ['output' as const] as ('output' | 'memory' | 'disassembly')[] };
  const L = new PaneLayout(defaultPanes(), model, path, (w) => assert.fail(w), ['output']);
  L.setVisible('registers', false);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { panes: { hide: ['registers'] } });
  L.setVisible('output', false);
  L.setVisible('output', true);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).panes.show, ['output']);
});
