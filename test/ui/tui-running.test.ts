// While the target runs the UI stays responsive, shows RUNNING, and F12 / Ctrl-C interrupt it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';

const T = 60_000;

test('a spinning program: RUNNING, help still opens, F12 and Ctrl-C interrupt', { timeout: 180_000 }, async () => {
  const exe = compileFixture(['remote/busy.c'], ['-g', '-O0', '-no-pie', '-pthread'], 'busy');
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-run-'));
  const errFile = join(state, 'stderr.txt');
  let gs: GdbserverHandle | undefined;
  let ui: Tmux | undefined;
  try {
    gs = await startGdbserver(exe, ['spin']);
    ui = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} 2>${errFile}`, {
      cols: 120, rows: 40, cwd: join(FIXTURES, 'remote'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
    });
    await ui.waitFor(/STOPPED/, T);
    for (const stop of ['F12', 'C-c']) {
      ui.keys('F5');
      await ui.waitFor(/RUNNING/, T);
      ui.keys('?');
      await ui.waitFor(/Keys \(generated/, T, 'help while running');
      ui.keys('Escape');
      await ui.waitFor((x) => !/Keys \(generated/.test(x), T, 'help closed');
      assert.match(ui.text(), /RUNNING/);
      ui.keys(stop);
      const s = await ui.waitFor(/STOPPED +interrupted|STOPPED +SIGINT/, T, `the stop after ${stop}`);
      assert.match(s, /#0 /);
    }
    ui.keys('q');
    await ui.waitFor(/Detach from the target/, T);
    ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T);
    assert.equal(readFileSync(errFile, 'utf8'), '');
  } finally {
    ui?.kill();
    // Detaching leaves the spinning program running (as it should): end it, or its pipes keep the test alive.
    const pid = /pid = (\d+)/.exec(gs?.log ?? '')?.[1];
    if (pid) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await gs?.stop();
  }
});
