// Every supported TERM starts cleanly (nothing on stderr) and quits; NO_COLOR shows states with attributes only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';

const T = 60_000;
const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');

async function withUi(env: Record<string, string>, body: (ui: Tmux, errFile: string) => Promise<void>): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-term-'));
  const errFile = join(state, 'stderr.txt');
  let gs: GdbserverHandle | undefined;
  let ui: Tmux | undefined;
  try {
    gs = await startGdbserver(exe);
    ui = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} 2>${errFile}`, {
      cols: 100, rows: 30, cwd: join(FIXTURES, 'demo'), env: { XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state, ...env },
    });
    await body(ui, errFile);
  } finally {
    ui?.kill();
    await gs?.stop();
  }
}

for (const term of ['tmux-256color', 'screen-256color', 'xterm-256color', 'xterm', 'linux', 'vt100']) {
  test(`TERM=${term}: starts without errors on stderr, draws every pane, quits`, { timeout: 120_000 }, async () => {
    await withUi({ TERM: term }, async (ui, errFile) => {
      const s = await ui.waitFor((x) => /STOPPED/.test(x) && /int main/.test(x), T, 'the first frame');
      for (const title of ['Source', 'Variables', 'Registers', 'Call stack', 'Breakpoints', 'Command']) assert.match(s, new RegExp(title));
      assert.doesNotMatch(s, /Terminfo|Error|error:|\$\{|function\s*\(/, 'no terminfo noise on the screen');
      ui.keys('F9');
      await ui.waitFor(/1 B kernel\.c:/, T, 'a breakpoint from F9');
      ui.keys('q');
      await ui.waitFor(/Detach from the target/, T);
      ui.keys('y');
      await ui.waitFor(/\[exit 0\]/, T, 'a clean exit');
      assert.equal(readFileSync(errFile, 'utf8'), '');
    });
  });
}

test('NO_COLOR: no colour codes at all, focus and state still visible through attributes', { timeout: 120_000 }, async () => {
  await withUi({ TERM: 'tmux-256color', NO_COLOR: '1' }, async (ui) => {
    await ui.waitFor((x) => /STOPPED/.test(x) && /int main/.test(x), T, 'the first frame');
    const ansi = ui.ansi();
    const colours = [...ansi.matchAll(/\x1b\[([\d;]*)m/g)].map((m) => m[1]!.split(';').map(Number)).filter((p) => p.some((n) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 107)));
    assert.deepEqual(colours, [], 'no colour SGR (39/49 "default colour" are fine)');
    const lines = ansi.split('\n');
    assert.match(lines[0]!, /\x1b\[[\d;]*7[;m]/, 'the focused pane title is inverse');
    assert.match(lines.filter((l) => l.includes('STOPPED'))[0]!, /\x1b\[[\d;]*7[;m]/, 'the status line is inverse');
    ui.keys('q');
    await ui.waitFor(/Detach from the target/, T);
    ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T);
  });
});
