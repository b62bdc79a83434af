// The full-screen UI on a core file: the status bar says so, the source is at the crash, F5/F10/F11 answer one line, q quits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { Tmux } from '../ui/tmux.js';
import { crashCore } from '../target/core-file/crash-core.js';

const T = 30_000;

test('--tui on a core: "program not running" in the status bar, the crash line shown, execution keys refused in one line', { timeout: 120_000 }, async () => {
  const exe = compileFixture(['crash/segv.c'], ['-g', '-no-pie', '-O0'], 'segv');
  const { core } = crashCore(exe);
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-core-'));
  const errFile = join(state, 'stderr.txt');
  const ui = Tmux.start(`node ${CLI} --path ${exe} --core ${core} --tui 2>${errFile}`, {
    cols: 140, rows: 40, cwd: join(FIXTURES, 'crash'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
  });
  try {
    const first = await ui.waitFor(/program not running/, T, 'the status bar');
    assert.match(first, /core file .*core.*, program not running/);
    assert.match(first, /at write_through segv\.c:15/, 'the stop location in the status bar');
    assert.match(first, /15 *\S? *\*p = value;/, 'the source pane shows the crash line');
    for (const [key, echo] of [['F5', 'continue'], ['F10', 'next'], ['F11', 'step']] as const) {
      ui.keys(key);
      const s = await ui.waitFor(new RegExp(`\\(duster\\) ${echo}\\n(.*\\n)?The program is not being run\\.`), T, `${key} refused`);
      assert.doesNotMatch(s, new RegExp(`\\(duster\\) ${echo}\\nContinuing`), `${key}: nothing but the refusal`);
    }
    assert.match(ui.text(), /program not running/);
    ui.keys('q');
    const end = await ui.waitFor(/\[exit \d+\]|Close the post-mortem session/, T, 'quit');
    if (/Close the post-mortem/.test(end)) ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T);
    assert.equal(readFileSync(errFile, 'utf8'), '');
  } finally {
    ui.kill();
  }
});
