// Layout: every pane readable from 80x24 to 250x70, no overlaps, and a clear message below the minimum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PANES } from '../../src/ui/config.js';
import { computeLayout, distribute, tooSmallLines, type Rect } from '../../src/ui/layout.js';

const overlap = (a: Rect, b: Rect): boolean => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

test('from 80x24 to 250x70, all panes fit, do not overlap and have a title plus two lines at least', () => {
  for (let cols = 80; cols <= 250; cols += 5) {
    for (let rows = 24; rows <= 70; rows += 3) {
      for (const shown of [[], ['disassembly', 'memory', 'output']] as const) {
        const l = computeLayout(cols, rows, DEFAULT_PANES, shown);
        assert.equal(l.tooSmall, false);
        const rects = [...Object.values(l.panes), ...l.separators, l.status];
        for (const [id, r] of Object.entries(l.panes)) {
          assert.ok(r.height >= 3, `${id} ${r.height} rows at ${cols}x${rows}`);
          assert.ok(r.width >= 30, `${id} ${r.width} cols at ${cols}x${rows}`);
          assert.ok(r.left >= 0 && r.top >= 0 && r.left + r.width <= cols && r.top + r.height <= rows, `${id} inside ${cols}x${rows}`);
        }
        for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) assert.ok(!overlap(rects[i]!, rects[j]!), `overlap at ${cols}x${rows}`);
        const area = rects.reduce((a, r) => a + r.width * r.height, 0);
        assert.equal(area, cols * rows, `the screen is covered at ${cols}x${rows}`);
        assert.equal(Object.keys(l.panes).length, 6 + shown.length);
      }
    }
  }
});

test('wide screens split the side panes into two columns', () => {
  const l = computeLayout(200, 60, DEFAULT_PANES);
  assert.equal(l.separators.length, 2);
  assert.equal(l.panes.variables!.top, l.panes.registers!.top);
});

test('below 80x24 the layout is "too small" with a message naming the size and the minimum', () => {
  for (const [c, r] of [[79, 24], [80, 23], [40, 10]]) assert.equal(computeLayout(c!, r!, DEFAULT_PANES).tooSmall, true);
  assert.match(tooSmallLines(70, 20).join(' '), /70x20.*80x24/);
});

test('distribute sums exactly and respects minimums', () => {
  assert.deepEqual(distribute(18, [4, 3, 2, 2], 3), [5, 5, 4, 4]);
  for (let total = 12; total < 80; total++) {
    const parts = distribute(total, [4, 3, 2, 2], 3);
    assert.equal(parts.reduce((a, b) => a + b, 0), total);
    assert.ok(parts.every((p) => p >= 3));
  }
});

test('automatic sizes: the source column stops at 100 columns, the command pane grows with the terminal', () => {
  for (const [c, r] of [[80, 24], [120, 40], [160, 45], [250, 70]] as const) {
    const l = computeLayout(c, r, DEFAULT_PANES);
    const src = l.panes.source!;
    assert.ok(src.width <= 100, `${src.width} at ${c}x${r}`);
    assert.ok(src.width >= 40, `${src.width} at ${c}x${r}`);
    assert.equal(l.split, src.width);
    assert.ok(l.panes.command!.height - 2 >= Math.round(r * 0.25) - 2, `command log at ${c}x${r}`);
  }
  const wide = computeLayout(250, 70, DEFAULT_PANES);
  assert.equal(wide.panes.source!.width, 100);
  assert.ok(wide.panes.stack!.width >= 70, 'frames get 70+ columns at 250x70');
  assert.ok(computeLayout(160, 45, DEFAULT_PANES).panes.command!.height - 2 >= 9, 'at least 9 log lines at 160x45');
});

test('a zoomed pane takes the screen but the status line; with the command line open, the command pane sits under it', () => {
  for (const zoom of ['source', 'stack', 'command', 'disassembly'] as const) {
    const l = computeLayout(100, 30, DEFAULT_PANES, ['disassembly'], { zoom });
    assert.deepEqual(Object.keys(l.panes), [zoom]);
    assert.deepEqual(l.panes[zoom], { left: 0, top: 0, width: 100, height: 29 });
  }
  const l = computeLayout(100, 30, DEFAULT_PANES, [], { zoom: 'variables', withCommand: true });
  assert.deepEqual(Object.keys(l.panes).sort(), ['command', 'variables']);
  assert.equal(l.panes.variables!.height + l.panes.command!.height, 29);
});

test('hidden panes give their room to the others; every combination still covers the screen', () => {
  const core = ['source', 'variables', 'registers', 'stack', 'breakpoints'] as const;
  for (let mask = 0; mask < 32; mask++) {
    const hide = core.filter((_, i) => mask & (1 << i));
    for (const [cols, rows] of [[80, 24], [250, 70]] as const) {
      const l = computeLayout(cols, rows, { ...DEFAULT_PANES, hide: [...hide] });
      const rects = [...Object.values(l.panes), ...l.separators, l.status];
      assert.equal(rects.reduce((a, r) => a + r.width * r.height, 0), cols * rows, `covered with ${hide} hidden at ${cols}x${rows}`);
      for (const h of hide) assert.equal(l.panes[h], undefined);
      for (const [id, r] of Object.entries(l.panes)) assert.ok(r.height >= 3 && r.width >= 30, `${id} at ${cols}x${rows} with ${hide} hidden`);
    }
  }
  const noSource = computeLayout(120, 40, { ...DEFAULT_PANES, hide: ['source'] });
  assert.equal(noSource.panes.variables!.left, 0);
  assert.equal(noSource.split, undefined);
  const onlySource = computeLayout(120, 40, { ...DEFAULT_PANES, hide: ['variables', 'registers', 'stack', 'breakpoints'] });
  assert.equal(onlySource.panes.source!.width, 120);
});

test('a configured split and command height are kept within what the terminal allows', () => {
  const l = computeLayout(100, 30, { ...DEFAULT_PANES, sourceWidth: 90, commandHeight: 100 });
  assert.equal(l.panes.source!.width, 100 - 1 - 30, 'the side keeps 30 columns');
  assert.ok(l.panes.command!.height <= 30 - 1 - 9, 'the panes above keep a title and two lines');
});
