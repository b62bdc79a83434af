// The mouse on the real TUI in tmux (SGR reports sent with send-keys -l): focus, gutter breakpoints, frames, variables, breakpoints, wheel, dragged borders; off by config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PANES } from '../../src/ui/config.js';
import { T, click, findTitle, focused, mouse, separatorColumn, startUi, type Ui } from './ui-driver.js';

/** Row (0-based) of the first screen line matching `re`. */
function rowOf(screen: string, re: RegExp): number {
  const i = screen.split('\n').findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${re} on screen:\n${screen}`);
  return i;
}

/** Row and column of `text` inside the pane whose title is `title`. */
function inPane(screen: string, title: string, re: RegExp): { x: number; y: number } {
  const t = findTitle(screen, title)!;
  const lines = screen.split('\n');
  for (let y = t.row + 1; y < lines.length; y++) {
    const m = re.exec(lines[y]!.slice(t.col));
    if (m) return { x: t.col + m.index, y };
  }
  assert.fail(`${re} in ${title}:\n${screen}`);
}

const firstCodeLine = (s: string): number => Number(/^.. *(\d+)[ |]/m.exec(s.split('\n').slice(1).join('\n'))?.[1]);

test('the mouse', { timeout: 300_000 }, async (t) => {
  let ui: Ui | undefined;
  let off: Ui | undefined;
  try {
    ui = startUi({ cols: 120, rows: 40 });
    const tm = ui.tm;
    await tm.waitFor((x) => /STOPPED/.test(x) && /int main\(int argc/.test(x), T, 'the demo stopped in main');

    await t.test('the terminal is asked for button and drag reports in the SGR encoding', () => {
      assert.equal(tm.format('#{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag}'), '1 1 1');
    });

    await t.test('a click in the source gutter toggles a breakpoint on that line', async () => {
      const y = rowOf(tm.text(), /^ . +73 /);
      click(tm, 1, y);
      let s = await tm.waitFor(/1 B kernel\.c:73/, T, 'the breakpoint in the breakpoints pane');
      assert.match(s, /\(duster\) break kernel\.c:73/);
      assert.match(s.split('\n')[y]!, /^B +73/);
      click(tm, 3, y);
      s = await tm.waitFor((x) => !/1 B kernel\.c:73/.test(x), T, 'the breakpoint deleted');
      assert.match(s, /\(duster\) delete 1/);
      click(tm, 0, y);
      await tm.waitFor(/2 B kernel\.c:73/, T, 'a breakpoint again');
    });

    await t.test('a click on a frame selects it; a click on a variable\'s expander expands it', async () => {
      tm.keys('F5');
      let s = await tm.waitFor((x) => /breakpoint 2 at demo kernel\.c:73/.test(x) && /#1 +main/.test(x) && /pointer_tester/.test(x), T, 'the stop at 73');
      const f1 = inPane(s, 'Call stack', /#1 +main/);
      click(tm, f1.x + 2, f1.y);
      s = await tm.waitFor(/^ \^ 81/m, T, 'the outer frame selected: main\'s line 81 marked');
      assert.equal(focused(s), 'Call stack');
      assert.match(s, /\(duster\) frame 1/);
      const f0 = inPane(s, 'Call stack', /#0 +demo/);
      click(tm, f0.x + 2, f0.y);
      s = await tm.waitFor((x) => /^B> 73/m.test(x) && /pointer_tester/.test(x), T, 'frame 0 again');
      const v = inPane(s, 'Variables', /[+] pointer_tester/);
      click(tm, v.x, v.y);
      s = await tm.waitFor(/│ +val = 20\b/, T, "pointer_tester expanded");
      assert.equal(focused(s), 'Variables');
    });

    await t.test('a click on a breakpoint\'s mark disables it; a click on a pane focuses it', async () => {
      let s = tm.text();
      const b = inPane(s, 'Breakpoints', /B kernel/);
      click(tm, b.x, b.y);
      s = await tm.waitFor(/2 b kernel\.c:73/, T, 'the breakpoint disabled');
      assert.match(s, /\(duster\) disable 2/);
      assert.equal(focused(s), 'Breakpoints');
      const r = findTitle(s, 'Registers')!;
      click(tm, r.col + 5, r.row + 2);
      await tm.waitFor((x) => focused(x) === 'Registers', T, 'registers focused');
    });

    await t.test('the wheel scrolls the pane under the pointer, not the focused one', async () => {
      let s = tm.text();
      const top = firstCodeLine(s);
      tm.type(mouse.wheelUp(10, 10) + mouse.wheelUp(10, 10));
      s = await tm.waitFor((x) => firstCodeLine(x) === top - 6, T, 'the source six lines up');
      assert.equal(focused(s), 'Registers');
      tm.type(mouse.wheelDown(10, 10));
      await tm.waitFor((x) => firstCodeLine(x) === top - 3, T, 'the source three lines down again');
      const c = findTitle(s, 'Command')!;
      tm.type(mouse.wheelUp(10, c.row + 3));
      await tm.waitFor(/Command.*scrolled back [1-3]\b/, T, "the command log scrolled back");
    });

    await t.test('the wheel scrolls the help; clicks leave it alone', async () => {
      tm.keys('?');
      let s = await tm.waitFor(/Keys \(generated from the key table/, T, 'the help');
      assert.match(s, /# Everywhere/);
      tm.type(mouse.wheelDown(40, 15) + mouse.wheelDown(40, 15));
      s = await tm.waitFor((x) => !/# Everywhere/.test(x), T, 'the help scrolled');
      click(tm, 40, 15);
      assert.match(tm.text(), /Keys \(generated from the key table/);
      tm.keys('?');
      await tm.waitFor((x) => !/Keys \(generated/.test(x), T, 'the help closed');
    });

    await t.test('dragging the borders moves the split and resizes the command log; remembered', async () => {
      let s = tm.text();
      const sep = separatorColumn(s, 1);
      tm.type(mouse.press(sep, 5));
      tm.type(mouse.drag(sep - 6, 5));
      tm.type(mouse.drag(sep - 12, 5) + mouse.release(sep - 12, 5));
      s = await tm.waitFor((x) => separatorColumn(x, 1) === sep - 12, T, 'the split dragged 12 columns left');
      const cmd = findTitle(s, 'Command')!.row;
      tm.type(mouse.press(20, cmd) + mouse.drag(20, cmd - 4) + mouse.drag(20, cmd - 8) + mouse.release(20, cmd - 8));
      s = await tm.waitFor((x) => findTitle(x, 'Command')!.row === cmd - 8, T, 'the command log 8 rows taller');
      const panes = ui!.config().panes as { sourceWidth: number; commandHeight: number };
      assert.equal(panes.commandHeight, 40 - 1 - (cmd - 8));
      assert.equal(Math.round((panes.sourceWidth * 120) / 100), sep - 12);
      // The border between two side panes is the lower one's title row.
      const st = findTitle(s, 'Call stack')!;
      const bp = findTitle(s, 'Breakpoints')!.row;
      const regRows = st.row - findTitle(s, 'Registers')!.row;
      const to = Math.min(st.row + 2, bp - 4); // the stack pane keeps a title and three lines
      assert.ok(to > st.row, 'room to drag');
      tm.type(mouse.press(st.col + 3, st.row) + mouse.drag(st.col + 3, st.row + 1) + mouse.drag(st.col + 3, to) + mouse.release(st.col + 3, to));
      s = await tm.waitFor((x) => findTitle(x, 'Call stack')!.row === to, T, 'the registers pane taller');
      assert.equal(findTitle(s, 'Breakpoints')!.row, bp, 'the panes below stay');
      assert.notEqual(focused(s), 'Call stack', 'dragging a border does not focus');
      const w = ui!.config().panes as Record<string, number>;
      assert.equal(w.registers ?? DEFAULT_PANES.registers, regRows + (to - st.row) - 3, `the weights are the rows beyond the minimum: ${JSON.stringify(w)}`);
      // A click after the drag is a click again (the release ended the drag).
      const c = findTitle(s, 'Command')!;
      click(tm, 10, c.row + 2);
      await tm.waitFor((x) => focused(x) === 'Command', T, 'the command pane focused');
    });

    await t.test('quitting turns mouse reporting off', async () => {
      tm.keys('Escape');
      await tm.waitFor((x) => focused(x) !== 'Command', T, 'the command line left');
      tm.keys('q', 'y');
      await tm.waitFor(/\[exit 0\]/, T, 'the harness to quit');
      assert.equal(tm.format('#{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag}'), '0 0 0');
    });

    await t.test('"mouse": false in the config leaves the mouse to the terminal', async () => {
      off = startUi({ cols: 120, rows: 40, config: { mouse: false } });
      const s = await off.tm.waitFor((x) => /STOPPED/.test(x) && /int main\(int argc/.test(x), T, 'the second run');
      assert.equal(off.tm.format('#{mouse_any_flag}'), '0');
      assert.doesNotMatch(s, /mouse/, 'no warning about the setting');
      // The terminal was not asked for reports (a real one sends none): the UI still works with keys.
      off.tm.keys('F9');
      await off.tm.waitFor(/1 B kernel\.c:78/, T, 'a breakpoint with F9');
    });
  } finally {
    ui?.tm.kill();
    off?.tm.kill();
  }
});
