// blessed reads the machine's terminfo for every TERM we support: 32-bit ncurses entries are converted, unknown names fall back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import blessed from 'blessed';
import { findTerminfo, prepareTerminal, toLegacyTerminfo } from '../../src/ui/terminfo.js';

type TputStatic = { ipaths: (string | string[])[] };
const ipaths = (blessed as unknown as { Tput: TputStatic }).Tput.ipaths;

function parse(term: string, env: NodeJS.ProcessEnv): { error: unknown; colors: number; setup: ReturnType<typeof prepareTerminal> } {
  const setup = prepareTerminal(term, env);
  if (setup.dir) ipaths.unshift(setup.dir);
  try {
    const tput = (blessed as unknown as { tput: (o: object) => { error: unknown; colors: number } }).tput;
    const tp = tput({ terminal: setup.terminal, extended: true });
    return { error: tp.error, colors: tp.colors, setup };
  } finally {
    if (setup.dir) ipaths.shift();
  }
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'duster-ti-')) });

for (const [term, colors] of [['tmux-256color', 256], ['screen-256color', 256], ['xterm-256color', 256], ['xterm', 8], ['linux', 8]] as const) {
  test(`blessed parses ${term} without errors (${colors} colours)`, () => {
    const r = parse(term, env());
    assert.equal(r.error, null, String(r.error));
    assert.equal(r.colors, colors);
    assert.equal(r.setup.note, undefined);
  });
}

test('vt100 parses and is reported as having no colours (monochrome)', () => {
  const r = parse('vt100', env());
  assert.equal(r.error, null);
  assert.ok(!(r.colors >= 8));
});

test('an unknown TERM falls back to blessed\'s xterm-256color and says so', () => {
  const r = parse('no-such-terminal-xyz', env());
  assert.equal(r.error, null);
  assert.equal(r.colors, 256);
  assert.match(r.setup.note ?? '', /no terminfo entry for "no-such-terminal-xyz"/);
});

test('32-bit entries become legacy entries: magic 0432, numbers as 16-bit, same names and strings', () => {
  const file = findTerminfo('tmux-256color');
  assert.ok(file, 'tmux-256color terminfo is installed');
  const data = readFileSync(file);
  assert.equal(data.readUInt16LE(0), 0o1036, 'Debian ships the 32-bit format');
  const legacy = Buffer.from(toLegacyTerminfo(data));
  assert.equal(legacy.readUInt16LE(0), 0o432);
  const numCount = data.readUInt16LE(6);
  assert.equal(data.length - legacy.length >= numCount * 2, true);
  const namesSize = data.readUInt16LE(2);
  assert.equal(legacy.subarray(12, 12 + namesSize).toString('latin1'), data.subarray(12, 12 + namesSize).toString('latin1'));
});

test('legacy entries are returned unchanged; garbage and truncation are errors', () => {
  const legacy = readFileSync(findTerminfo('xterm')!);
  assert.equal(toLegacyTerminfo(legacy), legacy);
  assert.throws(() => toLegacyTerminfo(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), /not a terminfo entry/);
  const data = readFileSync(findTerminfo('tmux-256color')!);
  assert.throws(() => toLegacyTerminfo(data.subarray(0, 40)), /truncated/);
});
