// The TUI after the target dies: gdbserver SIGKILLed mid-continue leaves the UI up, the status bar saying so, not STOPPED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';

const T = 30_000;

test('gdbserver killed while running: EXITED with "Remote connection closed"; execution keys answer "The program is not being run."', { timeout: 90_000 }, async () => {
  const exe = compileFixture(['death/death.c'], ['-g', '-O0', '-no-pie'], 'death');
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-death-'));
  const errFile = join(state, 'stderr.txt');
  let gs: GdbserverHandle | undefined;
  let ui: Tmux | undefined;
  try {
    gs = await startGdbserver(exe, ['kill-debugger']);
    ui = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} 2>${errFile}`, {
      cols: 120, rows: 40, cwd: join(FIXTURES, 'death'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
    });
    await ui.waitFor(/STOPPED/, T);
    ui.keys('F5'); // the program kills gdbserver
    const s = await ui.waitFor(/EXITED +Remote (connection closed|communication error)/, T, 'the status after gdbserver died');
    assert.doesNotMatch(s, /STOPPED/);
    assert.doesNotMatch(s, /internal error/);
    ui.keys('F10'); // next
    await ui.waitFor(/The program is not being run\./, T);
    assert.match(ui.text(), /EXITED +Remote/, 'the UI is still up and says why');
    ui.keys('q');
    // The program is gone: the dialog says so and does not promise that it keeps running.
    const q = await ui.waitFor(/\[exit \d+\]|Quit duster-tui\?/, T);
    assert.doesNotMatch(q, /keeps running|Detach from the target/);
    if (/Quit duster-tui\?/.test(q)) ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T);
    assert.doesNotMatch(readFileSync(errFile, 'utf8'), /internal error/);
  } finally {
    ui?.kill();
    await gs?.stop();
  }
});
