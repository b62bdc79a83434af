// Search mode on the real TUI in tmux: regular expressions, n/N/? between matches with "match i/N" and "search wrapped", Esc leaves, no surprise execution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KERNEL_C } from './fake-session.js';
import { T, focused, startUi, type Ui } from './ui-driver.js';

/** Every match of `re` in kernel.c as [line, column], the way an editor counts them. */
function expected(re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  readFileSync(KERNEL_C, 'utf8').split('\n').forEach((l, i) => {
    for (const m of l.matchAll(new RegExp(re.source, 'g'))) out.push([i + 1, m.index!]);
  });
  return out;
}

const status = (s: string): string => s.trimEnd().split('\n').pop() ?? '';
/** The line the source cursor is on ("|" after the number when the pane is focused). */
const cursorLine = (s: string): number => Number(/^.. *(\d+)\|/m.exec(s)?.[1] ?? NaN);

test('search mode', { timeout: 300_000 }, async (t) => {
  let ui: Ui | undefined;
  try {
    ui = startUi({ cols: 120, rows: 40 });
    const tm = ui.tm;
    await tm.waitFor((x) => /STOPPED/.test(x) && /int main\(int argc/.test(x), T, 'the demo stopped in main');
    const matches = expected(/my_\w+/);
    assert.ok(matches.length > 3);
    // From the cursor on line 78, a forward search wraps to the first match of the file.
    const after = matches.findIndex(([l]) => l > 78);
    const first = after < 0 ? 0 : after;

    await t.test('/ with a regular expression enters search mode: match i/N, search wrapped', async () => {
      tm.keys('/');
      tm.type('my_\\w+');
      tm.keys('Enter');
      const s = await tm.waitFor(/SEARCH \/my_\\w\+\/ match/, T, 'the search status');
      assert.match(status(s), new RegExp(`match ${first + 1}/${matches.length}${after < 0 ? ', search wrapped' : ''}`));
      assert.equal(cursorLine(s), matches[first]![0]);
    });

    await t.test('n and N move between matches and say when they wrap; n never runs "next"', async () => {
      for (let i = 1; i <= matches.length; i++) {
        tm.keys('n');
        const k = (first + i) % matches.length;
        const s = await tm.waitFor((x) => new RegExp(`match ${k + 1}/${matches.length}`).test(status(x)), T, `match ${k + 1}`);
        assert.equal(cursorLine(s), matches[k]![0]);
        assert.equal(/search wrapped/.test(status(s)), k === 0, `wrapped exactly at the first match (k=${k})`);
      }
      tm.keys('N');
      const s = await tm.waitFor((x) => new RegExp(`match ${first === 0 ? matches.length : first}/`).test(status(x)), T, 'the previous match');
      assert.match(status(s), /attached at main kernel\.c:78/, 'the program did not move');
      assert.doesNotMatch(s, /\(duster\) next/);
    });

    await t.test('? searches backward; empty repeats the pattern backward', async () => {
      const before = Number(/match (\d+)\//.exec(status(tm.text()))![1]);
      tm.keys('?', 'Enter');
      const want = before === 1 ? matches.length : before - 1;
      const s = await tm.waitFor((x) => new RegExp(`SEARCH \\?my_\\\\w\\+\\? match ${want}/`).test(status(x)), T, 'a backward search');
      tm.keys('n');
      await tm.waitFor((x) => new RegExp(`match ${want === 1 ? matches.length : want - 1}/`).test(status(x)), T, 'n going backward too');
      assert.ok(s);
    });

    await t.test('execution letters do nothing in search mode and say why; F10 still steps', async () => {
      for (const k of ['c', 's', 'f', 'u']) tm.keys(k);
      const s = await tm.waitFor(/Search mode: n\/N move between matches/, T, 'the hint');
      assert.doesNotMatch(s, /\(duster\) (continue|step|finish|until)/);
      assert.match(status(s), /SEARCH/);
      tm.keys('F10');
      await tm.waitFor((x) => /step at main kernel\.c:79/.test(status(x)), T, 'F10 to step to line 79');
      assert.doesNotMatch(status(tm.text()), /SEARCH/, 'running the program leaves search mode');
    });

    await t.test('Esc leaves search mode; then n is "next" again', async () => {
      tm.keys('/');
      tm.type('my_');
      tm.keys('Enter');
      await tm.waitFor((x) => /SEARCH/.test(status(x)), T, 'search mode');
      tm.keys('Escape');
      await tm.waitFor((x) => !/SEARCH/.test(status(x)), T, 'search mode left');
      tm.keys('n');
      await tm.waitFor((x) => /step at main kernel\.c:80/.test(status(x)), T, 'n to step to line 80');
    });

    await t.test('a command typed on the command line that runs the program also ends search mode', async () => {
      tm.keys('/');
      tm.type('my_');
      tm.keys('Enter');
      await tm.waitFor((x) => /SEARCH/.test(status(x)), T, 'search mode');
      tm.keys(':');
      tm.type('next');
      tm.keys('Enter');
      await tm.waitFor((x) => /step at main kernel\.c:81/.test(status(x)), T, 'the step to line 81');
      tm.type('focus src'); // still on the command line
      tm.keys('Enter');
      await tm.waitFor((x) => focused(x) === 'Source', T, 'the source focused');
      assert.doesNotMatch(status(tm.text()), /SEARCH/);
      tm.keys('n');
      await tm.waitFor((x) => /kernel\.c:82/.test(status(x)), T, 'n to step to line 82');
    });

    await t.test('an invalid expression or no match is one line; the session goes on', async () => {
      tm.keys('/');
      tm.type('(unclosed');
      tm.keys('Enter');
      await tm.waitFor(/Invalid regular expression \/\(unclosed\/: .+/, T, 'the error');
      tm.keys('/');
      tm.type('no_such_text_here');
      tm.keys('Enter');
      const s = await tm.waitFor(/Pattern not found: no_such_text_here/, T, 'not found');
      assert.doesNotMatch(status(s), /SEARCH/);
      tm.keys('F3');
      tm.keys(':');
      tm.type('echo alive');
      tm.keys('Enter');
      await tm.waitFor(/\(duster\) echo alive/, T, 'the command line still works');
    });
  } finally {
    ui?.tm.kill();
  }
});
