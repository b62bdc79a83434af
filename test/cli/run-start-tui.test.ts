// duster-tui PROG in the full screen (tmux): `run` shows the program's output in the Output pane as it runs; gdbserver's own words never; quit leaves nothing running.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { Tmux } from '../ui/tmux.js';
import { leftovers } from './run-start-helpers.js';

const T = 60_000;

test('run in the TUI: program output in the Output pane while RUNNING, not in the command log; F12 stops it; quit kills it', { timeout: 180_000 }, async () => {
  const exe = compileFixture(['run/ask.c'], ['-g'], 'ask-tui');
  const state = mkdtempSync(join(tmpdir(), 'duster-run-tui-'));
  const errFile = join(state, 'stderr.txt');
  const ui = Tmux.start(`node ${CLI} ${exe} forever 2>${errFile}`, {
    cols: 120, rows: 40, cwd: join(FIXTURES, 'run'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
  });
  try {
    const before = await ui.waitFor(/No output from the program \(yet\)\./, T, 'the Output pane, shown at start');
    assert.match(before, /Program output/);
    ui.type(':run');
    ui.keys('Enter');
    const running = await ui.waitFor(/RUNNING/, T);
    assert.doesNotMatch(running, /The program is not being run/);
    // The program prints a line every 0.2 s and never ends: its lines must show while it runs.
    const shown = await ui.waitFor((x) => /^tick 3 /m.test(x) && /RUNNING/.test(x), T, 'tick lines in the Output pane while running');
    const pane = shown.split('\n');
    const header = pane.findIndex((l) => /^ Program output/.test(l));
    const command = pane.findIndex((l) => /^.?Command/.test(l));
    assert.ok(header >= 0 && command > header, shown);
    const ticks = pane.map((l, i) => (/^tick \d+ /.test(l) ? i : -1)).filter((i) => i >= 0);
    assert.ok(ticks.length >= 3 && ticks.every((i) => i > header && i < command), `tick lines inside the Output pane:\n${shown}`);
    for (const gdbserverWords of [/Process .* created; pid/, /Listening on port/, /Remote debugging from host/]) assert.doesNotMatch(shown, gdbserverWords);
    ui.keys('F12');
    await ui.waitFor(/STOPPED/, T, 'the stop after F12');
    ui.keys('Escape'); // out of the command line, where `run` was typed (a separate key: Escape q at once reads as Alt-q)
    await ui.waitFor((x) => !/\[Command\]/.test(x), T, 'the command line left');
    ui.keys('q');
    await ui.waitFor(/Kill the program \(duster-tui started it\) and quit\?/, T, 'the quit question');
    ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T);
    assert.equal(readFileSync(errFile, 'utf8'), '');
    // The tmux pane's own shell line names the program too; what must be gone is gdbserver and the program.
    assert.deepEqual(await leftovers(exe, 15_000, /tmux new-session|\[exit \$\?\]/), []);
  } finally {
    ui.kill();
  }
});
