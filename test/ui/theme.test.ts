// Themes load cleanly; NO_COLOR and monochrome terminals keep every state distinguishable by attributes alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_THEMES, MONO, ROLES, THEMES_DIR, colorMode, loadTheme, type Role } from '../../src/ui/theme.js';
import { sgr } from '../../src/ui/text.js';

const noColorEnv = { ...process.env };
delete noColorEnv.NO_COLOR;

for (const name of BUILTIN_THEMES) {
  for (const colors of [256, 8, 1]) {
    test(`theme ${name} loads without warnings on a ${colors}-colour terminal`, () => {
      const { theme, warnings } = loadTheme(name, colors, noColorEnv);
      assert.deepEqual(warnings, []);
      assert.equal(theme.name, name);
      for (const r of ROLES) assert.ok(theme.style(r));
    });
  }
}

test('dark.json styles every role for 256 colours', () => {
  const file = JSON.parse(readFileSync(join(THEMES_DIR, 'dark.json'), 'utf8')) as { styles: Record<string, unknown> };
  assert.deepEqual(ROLES.filter((r) => !(r in file.styles)), []);
});

test('themes use numeric colours only (hex colours get mapped to 16 colours by blessed)', () => {
  for (const name of BUILTIN_THEMES) assert.doesNotMatch(readFileSync(join(THEMES_DIR, `${name}.json`), 'utf8'), /#[0-9a-f]{6}/i);
});

test('NO_COLOR or a terminal without colours gives monochrome', () => {
  assert.equal(colorMode(256, { NO_COLOR: '1' }), 'mono');
  assert.equal(colorMode(256, { NO_COLOR: '' }), 'color256');
  assert.equal(colorMode(-1, {}), 'mono');
  assert.equal(colorMode(8, {}), 'color16');
  const { theme } = loadTheme('dark', 256, { ...noColorEnv, NO_COLOR: '1' });
  for (const r of ROLES) {
    const st = theme.style(r);
    assert.equal(st.fg, undefined, r);
    assert.equal(st.bg, undefined, r);
  }
});

test('in monochrome the states that matter look different from each other and from plain text', () => {
  const distinct: Role[][] = [
    ['text', 'currentLine', 'cursorLine'],
    ['text', 'headerFocused', 'header'],
    ['text', 'changed'],
    ['text', 'selection'],
    ['text', 'status'],
  ];
  for (const group of distinct) {
    const codes = group.map((r) => sgr(MONO[r]));
    assert.equal(new Set(codes).size, group.length, group.join(' vs '));
  }
});

test('a broken theme file names the bad key and still yields a usable theme', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-theme-'));
  mkdirSync(join(dir, 'duster-tui', 'themes'), { recursive: true });
  writeFileSync(join(dir, 'duster-tui', 'themes', 'mine.json'), JSON.stringify({ styles: { currentLine: { bg: 300 }, nosuch: { fg: 1 }, text: { fg: 7, blink: true } } }));
  const { theme, warnings } = loadTheme('mine', 256, { ...noColorEnv, XDG_CONFIG_HOME: dir });
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /"styles.currentLine.bg" must be a colour number 0-255/);
  assert.ok(warnings.some((w) => /"styles.nosuch" is not a theme role/.test(w)));
  assert.ok(warnings.some((w) => /"styles.text.blink" is not a style field/.test(w)));
  assert.equal(theme.style('text').fg, 7);
  assert.equal(theme.style('currentLine').bg, 24, 'falls back to dark');
  for (const w of warnings) assert.doesNotMatch(w, /\n/);
});

test('an unknown theme name warns once and uses dark', () => {
  const { theme, warnings } = loadTheme('nope', 256, noColorEnv);
  assert.equal(theme.name, 'dark');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /theme "nope" not found/);
});
