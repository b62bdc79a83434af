// The real binary in tmux against the demo under gdbserver: the talk's session with the keyboard, resize, help, quit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';
import { paneRows } from './ui-driver.js';

const T = 60_000;

test('the demo session in the full-screen UI', { timeout: 240_000 }, async (t) => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-state-'));
  const errFile = join(state, 'stderr.txt');
  let gs: GdbserverHandle | undefined;
  let tm: Tmux | undefined;
  try {
    gs = await startGdbserver(exe);
    tm = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} 2>${errFile}`, {
      cols: 120, rows: 40, cwd: join(FIXTURES, 'demo'),
      env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
    });
    const ui = tm;

    await t.test('opens full screen on the program\'s source, stopped', async () => {
      const s = await ui.waitFor((x) => /STOPPED/.test(x) && /kernel\.c/.test(x) && /int main\(int argc/.test(x), T, 'the source of main');
      for (const title of ['Source', 'Variables', 'Registers', 'Call stack', 'Breakpoints', 'Command']) assert.match(s, new RegExp(title));
    });

    await t.test('F9 on line 73 sets a breakpoint shown in the gutter and the breakpoints pane', async () => {
      ui.type('73G');
      ui.keys('F9');
      const s = await ui.waitFor(/^B.{0,2}73\b/m, T, 'B in the gutter of line 73');
      assert.match(s, /1 B kernel\.c:73/);
    });

    await t.test('F5 stops at line 73, highlighted, with my_integer = 300 and my_float = 1.5', async () => {
      ui.keys('F5');
      const s = await ui.waitFor((x) => /breakpoint 1 at demo kernel\.c:73/.test(x) && paneRows(x, 'Variables').some((r) => /my_float = /.test(r)), T, 'the stop at 73 with locals');
      assert.match(s, /^B> 73/m);
      const row = ui.ansi().split('\n').find((l) => /> .*73/.test(l.replace(/\x1b\[[\d;]*m/g, '')) && /printf/.test(l));
      assert.ok(row && /48;5;\d+/.test(row), 'line 73 has a background highlight');
      const vars = paneRows(s, 'Variables').join('\n');
      assert.match(vars, /my_integer = 300/);
      assert.match(vars, /my_float = 1\.5/);
    });

    await t.test('pointer_tester expands in the variables pane', async () => {
      const rows = paneRows(ui.text(), 'Variables');
      const idx = rows.findIndex((r) => /pointer_tester/.test(r));
      assert.ok(idx >= 0, rows.join('\n'));
      ui.keys('Tab');
      for (let i = 0; i < idx; i++) ui.keys('j');
      ui.keys('Enter');
      const s = await ui.waitFor((x) => paneRows(x, 'Variables').some((r) => /^ +val = 20\b/.test(r)), T, 'pointer_tester->val in the variables pane');
      assert.ok(paneRows(s, 'Variables').some((r) => /^ - pointer_tester/.test(r)), 'shown expanded');
      ui.keys('BTab');
    });

    await t.test('F10 steps to line 74; the stack pane shows demo and main', async () => {
      ui.keys('F10');
      const s = await ui.waitFor(/^ ?> 74/m, T, 'the execution mark on line 74');
      assert.match(s, /#0 +demo/);
      assert.match(s, /#1 +main/);
    });

    await t.test('Enter on a frame in the stack pane selects it: the source follows to main', async () => {
      ui.keys('Tab', 'Tab', 'Tab');
      await ui.waitFor(/\[Call stack\]/, T, 'the stack pane focused');
      ui.keys('j', 'Enter');
      const s = await ui.waitFor(/^ \^ 81/m, T, 'the outer frame mark on main\'s line 81');
      assert.match(s, />#1 +main/);
      ui.keys('k', 'Enter');
      await ui.waitFor(/^ ?> 74/m, T, 'back in frame 0');
      ui.keys('Tab', 'Tab', 'Tab'); // breakpoints, command line (empty: Tab moves on), source
      await ui.waitFor(/\[Source\]/, T, 'the source pane focused again');
    });

    await t.test('the help overlay opens and closes', async () => {
      ui.keys('?');
      await ui.waitFor(/Keys \(generated from the key table/, T);
      const s = ui.text();
      assert.match(s, /Shift-F11 +Finish the current function/);
      ui.keys('?');
      await ui.waitFor((x) => !/Keys \(generated/.test(x), T, 'the help to close');
    });

    await t.test('resizing to 80x24 and 200x60 keeps every pane readable; below 80x24 says too small', async () => {
      const titles = ['Source', 'Variables', 'Registers', 'Call stack', 'Breakpoints', 'Command'];
      for (const [c, r] of [[80, 24], [200, 60]] as const) {
        ui.resize(c, r);
        const s = await ui.waitFor((x) => {
          const lines = x.split('\n').filter((l) => l.trim());
          return lines.length >= r - 2 && /STOPPED/.test(lines[lines.length - 1]!) && titles.every((tt) => x.includes(tt)) && lines[0]!.length <= c;
        }, T, `a full redraw at ${c}x${r}`);
        assert.match(s, /> 74/);
        assert.match(s, /#0 +demo/);
        assert.match(s, /1 B kernel\.c:73/);
      }
      ui.resize(70, 20);
      await ui.waitFor(/Terminal too small/, T);
      assert.match(ui.text(), /70x20.*80x24/);
      ui.resize(120, 40);
      await ui.waitFor((x) => /Source/.test(x) && !/too small/.test(x), T, 'the panes back');
    });

    await t.test('q asks, then leaves the terminal restored and the program runs to its end', async () => {
      ui.keys('q');
      await ui.waitFor(/Detach from the target/, T);
      ui.keys('y');
      const s = await ui.waitFor(/\[exit \d+\]/, T, 'the process to exit');
      assert.match(s, /\[exit 0\]/);
      assert.equal(s.trim(), '[exit 0]', 'nothing but the exit line on the restored screen');
      assert.equal(ui.format('#{cursor_flag} #{alternate_on}'), '1 0');
      assert.equal(await gs!.exited, 0);
      assert.match(gs!.stdout, /sum_to\(4\) = 30, factorial\(5\) = 120/);
      assert.equal(readFileSync(errFile, 'utf8'), '');
    });
  } finally {
    tm?.kill();
    await gs?.stop();
  }
});
