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
