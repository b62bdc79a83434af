// The layout the user controls, on the real TUI in tmux: zoom, hide/show, splits moved with keys and commands, remembered across runs, resize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, findTitle, focused, separatorColumn, startUi, titles, type Ui } from './ui-driver.js';

const CORE = ['Source', 'Variables', 'Registers', 'Call stack', 'Breakpoints', 'Command'];
const ready = (x: string): boolean => /STOPPED/.test(x) && /int main\(int argc/.test(x);

test('zoom, hide, show, splits and a remembered layout', { timeout: 300_000 }, async (t) => {
  let ui: Ui | undefined;
  let again: Ui | undefined;
  let third: Ui | undefined;
  try {
    ui = startUi({ cols: 120, rows: 40 });
    const tm = ui.tm;
    await tm.waitFor(ready, T, 'the demo stopped in main');

    await t.test('z zooms the focused pane to the full screen and back; Tab moves the zoom on', async () => {
      tm.keys('z');
      let s = await tm.waitFor((x) => /zoomed/.test(x), T, 'the zoom');
      assert.deepEqual(titles(s), ['Source']);
      assert.equal(findTitle(s, 'Source')!.row, 0);
      // The source fills every row but the status line: 38 code lines after the title.
      assert.equal(s.split('\n').filter((l) => /^ [ >] +\d+|^B/.test(l)).length, 38);
      tm.keys('Tab');
      s = await tm.waitFor((x) => titles(x).join() === 'Variables', T, 'the zoom on the variables pane');
      assert.equal(focused(s), 'Variables');
      tm.keys('z');
      s = await tm.waitFor((x) => CORE.every((n) => titles(x).includes(n)), T, 'every pane back');
      assert.doesNotMatch(s, /zoomed/);
      tm.keys('BTab');
      await tm.waitFor((x) => focused(x) === 'Source', T, 'the source focused');
    });

    await t.test('F2 on the command line zooms the log; the input line stays', async () => {
      tm.keys(':');
      tm.type('echo hi');
      tm.keys('F2');
      const s = await tm.waitFor((x) => titles(x).join() === 'Command', T, 'the command pane alone');
      assert.equal(findTitle(s, 'Command')!.row, 0);
      assert.match(s, /\(duster\) echo hi/);
      tm.keys('F2');
      await tm.waitFor((x) => CORE.every((n) => titles(x).includes(n)), T, 'every pane back');
      tm.keys('C-u', 'Escape');
      await tm.waitFor((x) => focused(x) === 'Source', T, 'the source focused');
    });

    await t.test('while zoomed, : opens the command pane under the zoomed pane', async () => {
      tm.keys('z', ':');
      const s = await tm.waitFor((x) => titles(x).join() === 'Source,Command', T, 'source and command');
      assert.equal(findTitle(s, 'Source')!.row, 0);
      tm.keys('Escape');
      await tm.waitFor((x) => titles(x).join() === 'Source', T, 'the source alone again');
      tm.keys('z');
      await tm.waitFor((x) => CORE.every((n) => titles(x).includes(n)), T, 'every pane back');
    });

    await t.test('X hides the focused pane, V/R/S/B toggle side panes, layout show/hide by name; remembered in config.json', async () => {
      tm.keys('Tab', 'Tab'); // registers
      await tm.waitFor((x) => focused(x) === 'Registers', T, 'registers focused');
      tm.keys('X');
      let s = await tm.waitFor((x) => !titles(x).includes('Registers'), T, 'registers hidden');
      assert.equal(focused(s), 'Call stack', 'the focus moves on to the next pane');
      assert.deepEqual((ui!.config().panes as { hide: string[] }).hide, ['registers']);
      tm.keys('B');
      s = await tm.waitFor((x) => !titles(x).includes('Breakpoints'), T, 'breakpoints hidden');
      tm.keys(':');
      tm.type('layout show regs breakpoints');
      tm.keys('Enter');
      s = await tm.waitFor((x) => titles(x).includes('Registers') && titles(x).includes('Breakpoints'), T, 'both back');
      assert.equal((ui!.config().panes as { hide?: string[] } | undefined)?.hide, undefined);
      tm.type('layout hide src');
      tm.keys('Enter');
      s = await tm.waitFor((x) => !titles(x).includes('Source'), T, 'the source hidden');
      // The side panes take the width: two columns of them.
      assert.ok(separatorColumn(s, 1) > 40, s);
      tm.type('layout hide command');
      tm.keys('Enter');
      await tm.waitFor(/The command pane cannot be hidden/, T, 'a one-line refusal');
      tm.type('layout hide nosuch');
      tm.keys('Enter');
      await tm.waitFor(/No pane "nosuch"/, T, 'a one-line error');
      tm.type('layout show source');
      tm.keys('Enter');
      tm.type('focus src');
      tm.keys('Enter');
      await tm.waitFor((x) => CORE.every((n) => titles(x).includes(n)), T, 'every pane back');
    });

    let split = 0;
    let cmdRow = 0;
    await t.test('< > move the split, + - the command log, winheight / winwidth set them; the config remembers', async () => {
      await tm.waitFor((x) => focused(x) === 'Source', T, 'the source focused');
      const before = tm.text();
      const sep0 = separatorColumn(before, 1);
      const cmd0 = findTitle(before, 'Command')!.row;
      tm.keys('>', '>');
      let s = await tm.waitFor((x) => separatorColumn(x, 1) > sep0, T, 'the split to move right');
      split = separatorColumn(s, 1);
      assert.ok(split >= sep0 + 6, `${sep0} -> ${split}`);
      tm.keys('+', '+', '+');
      s = await tm.waitFor((x) => findTitle(x, 'Command')!.row < cmd0, T, 'a taller command log');
      cmdRow = findTitle(s, 'Command')!.row;
      assert.equal(cmdRow, cmd0 - 6);
      const panes = ui!.config().panes as { sourceWidth: number; commandHeight: number };
      assert.equal(panes.commandHeight, 40 - 1 - cmdRow);
      assert.equal(Math.round((panes.sourceWidth * 120) / 100), split);
      tm.keys(':');
      tm.type('winheight cmd -2');
      tm.keys('Enter');
      s = await tm.waitFor((x) => findTitle(x, 'Command')!.row === cmdRow + 2, T, 'winheight cmd -2');
      tm.type('winwidth src 50');
      tm.keys('Enter');
      s = await tm.waitFor((x) => separatorColumn(x, 1) === 60, T, 'winwidth src 50');
      tm.type('winheight cmd +2');
      tm.keys('Enter');
      tm.type(`winwidth src ${Math.round((split * 100) / 120)}`);
      tm.keys('Enter', 'Escape');
      s = await tm.waitFor((x) => separatorColumn(x, 1) === split && findTitle(x, 'Command')!.row === cmdRow, T, 'back to the keyed layout');
    });

    await t.test('a second run starts with the remembered layout', async () => {
      tm.keys('q', 'y');
      await tm.waitFor(/\[exit 0\]/, T, 'the harness to quit');
      again = startUi({ cols: 120, rows: 40, dir: ui!.dir });
      const s = await again.tm.waitFor(ready, T, 'the second run');
      assert.equal(separatorColumn(s, 1), split);
      assert.equal(findTitle(s, 'Command')!.row, cmdRow);
    });

    await t.test('resize keeps the chosen layout sensible: 80x24, 250x70 (source capped, side panes in two columns)', async () => {
      const a = again!.tm;
      a.keys('=');
      await a.waitFor(() => Object.keys(again!.config()).length === 0, T, 'the reset layout saved (no panes entry left)');
      a.resize(250, 70);
      let s = await a.waitFor((x) => x.split('\n')[0]!.length > 200 && CORE.every((n) => titles(x).includes(n)), T, 'the 250x70 layout');
      assert.equal(separatorColumn(s, 1), 100, 'the automatic source column stops at 100 columns');
      assert.equal(findTitle(s, 'Registers')!.row, 0, 'registers beside variables: two side columns');
      assert.ok(70 - 1 - findTitle(s, 'Command')!.row >= 16, 'the automatic command pane grows with the terminal');
      a.resize(80, 24);
      s = await a.waitFor((x) => x.split('\n')[0]!.length <= 80 && CORE.every((n) => titles(x).includes(n)), T, 'the 80x24 layout');
      a.keys('z');
      s = await a.waitFor((x) => titles(x).join() === 'Source', T, 'the zoomed source at 80x24');
      assert.match(s, /int main\(int argc, char \*\*argv\)/, 'whole lines of code in the zoomed source');
      a.resize(120, 40);
      await a.waitFor((x) => titles(x).join() === 'Source' && x.split('\n')[0]!.length > 100, T, 'still zoomed after a resize');
      a.keys('z');
    });

    await t.test('long lines scroll sideways: the call stack at 80x24 and the source', async () => {
      const a = again!.tm;
      a.resize(80, 24);
      let s = await a.waitFor((x) => x.split('\n')[0]!.length <= 80 && /#0 +main/.test(x), T, 'the 80x24 layout');
      assert.doesNotMatch(s, /argv=0x7ffe0138/, 'the arguments are cut at first');
      a.keys(':');
      a.type('focus stack');
      a.keys('Enter');
      await a.waitFor((x) => focused(x) === 'Call stack', T, 'the stack focused');
      a.keys('l');
      s = await a.waitFor(/argv=0x7ffe0138/, T, 'the whole argument list after scrolling');
      assert.match(s, /Call stack\] +col 9/);
      a.keys('h');
      s = await a.waitFor((x) => !/col 9/.test(x), T, 'back to column 1');
      assert.match(s, />#0 +main \(/);
      // The source: line 84 is longer than the pane; its end comes into view.
      a.keys(':');
      a.type('focus src');
      a.keys('Enter');
      await a.waitFor((x) => focused(x) === 'Source', T, 'the source focused');
      assert.doesNotMatch(a.text(), /factorial\(5\)\);/);
      a.keys('l', 'l', 'l', 'l', 'l');
      s = await a.waitFor(/factorial\(5\)\);/, T, 'the end of line 84');
      assert.match(s, / 84 .*factorial\(5\)\);/, 'the gutter stays while the code scrolls');
    });

    await t.test('a remembered layout without the source pane starts with the first pane shown focused', async () => {
      third = startUi({ cols: 120, rows: 40, config: { panes: { hide: ['source', 'registers'] } } });
      const s = await third.tm.waitFor((x) => /STOPPED/.test(x) && /#0 +main/.test(x), T, 'the third run');
      assert.deepEqual(titles(s), ['Variables', 'Call stack', 'Breakpoints', 'Command']);
      assert.equal(focused(s), 'Variables');
      third.tm.keys('E');
      await third.tm.waitFor((x) => titles(x).includes('Source'), T, 'E shows the source');
      assert.deepEqual((third.config().panes as { hide: string[] }).hide, ['registers']);
    });
  } finally {
    ui?.tm.kill();
    again?.tm.kill();
    third?.tm.kill();
  }
});
