// The quit question in every state (never run, started by us, exited, killed, attached) and the key hints (status line, first log line) following a rebound key table, on the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { leftovers } from '../cli/run-start-helpers.js';
import { Tmux } from './tmux.js';
import { T, command, focused, startRealUi } from './ui-driver.js';

/** Leaves the command line (Escape alone: Escape then q at once reads as Alt-q), opens the quit question and answers it. */
async function quitQuestion(tm: Tmux, expected: RegExp, answer: 'n' | 'y'): Promise<void> {
  if (focused(tm.text()) === 'Command') {
    tm.keys('Escape');
    await tm.waitFor((x) => focused(x) !== 'Command', T, 'the command line left');
  }
  tm.keys('q');
  await tm.waitFor(expected, T, String(expected));
  tm.keys(answer);
  if (answer === 'n') await tm.waitFor((x) => !expected.test(x), T, 'the question closed');
}

test('the quit question says what quitting does now, for a program duster-tui runs itself', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['ui/panes.c'], ['-g'], 'panes-g');
  const state = mkdtempSync(join(tmpdir(), 'duster-quit-'));
  const errFile = join(state, 'stderr.txt');
  const tm = Tmux.start(`node ${CLI} ${exe} 2>${errFile}`, {
    cols: 120, rows: 40, cwd: join(FIXTURES, 'ui'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
  });
  try {
    await tm.waitFor(/No output from the program \(yet\)\./, T, 'the UI before run');
    await quitQuestion(tm, /The program is not being run\. Quit duster-tui\?/, 'n');
    await command(tm, 'start');
    await tm.waitFor(/STOPPED/, T, 'stopped at main');
    await quitQuestion(tm, /Kill the program \(duster-tui started it\) and quit\?/, 'n');
    await command(tm, 'continue');
    await tm.waitFor(/exited normally/, T, 'the exit');
    await quitQuestion(tm, /The program has exited\. Quit duster-tui\?/, 'n');
    await command(tm, 'start');
    await tm.waitFor(/STOPPED/, T, 'stopped at main again');
    await command(tm, 'kill');
    await tm.waitFor(/\) killed\]/, T, 'killed');
    await quitQuestion(tm, /The program is not being run\. Quit duster-tui\?/, 'n');
    await command(tm, 'start');
    await tm.waitFor(/STOPPED/, T, 'stopped at main a third time');
    await quitQuestion(tm, /Kill the program \(duster-tui started it\) and quit\?/, 'y');
    await tm.waitFor(/\[exit 0\]/, T, 'duster-tui gone');
    assert.equal(readFileSync(errFile, 'utf8'), '');
    assert.deepEqual(await leftovers(exe, 15_000, /tmux new-session|\[exit \$\?\]/), []);
  } finally {
    tm.kill();
  }
});

test('rebinding keys in config.json changes the status-line hints and the first log line; the new keys work; quit after the program exited says so', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['ui/panes.c'], ['-g'], 'panes-g');
  const ui = await startRealUi(exe, { cols: 180, config: { keys: { continue: ['F6'], 'toggle-breakpoint': ['F8'], 'pane.help': ['F1'] } } });
  const { tm } = ui;
  try {
    const s = await tm.waitFor(/STOPPED/, T, 'the first stop');
    const welcome = s.split('\n').find((l) => l.startsWith('duster-tui: '));
    assert.match(welcome ?? '', /\. F6 continue, F8 breakpoint, F10 next, F11 step, F2 zoom, F1 help, q quit\.$/);
    const status = s.trimEnd().split('\n').pop()!;
    assert.match(status, /F6 cont .*F8 break .*F1 help/);
    assert.doesNotMatch(status, /F5|F9|\? help/);
    await command(tm, 'break touch');
    tm.keys('Escape');
    await tm.waitFor((x) => focused(x) !== 'Command', T, 'the command line left');
    tm.keys('F6');
    await tm.waitFor(/breakpoint 1 at touch/, T, 'F6 continued to touch');
    tm.keys('F1');
    await tm.waitFor(/Keys \(generated/, T, 'F1 opens the help');
    tm.keys('Escape');
    await tm.waitFor((x) => !/Keys \(generated/.test(x), T, 'help closed');
    await command(tm, 'delete');
    await command(tm, 'continue');
    await tm.waitFor(/exited normally/, T, 'the exit');
    await quitQuestion(tm, /The program has exited\. Quit duster-tui\?/, 'y');
    await tm.waitFor(/\[exit 0\]/, T, 'duster-tui gone');
    assert.equal(readFileSync(join(ui.dir, 'stderr.txt'), 'utf8'), '');
  } finally {
    await ui.close();
  }
});
