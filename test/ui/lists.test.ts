// Call stack rows: in a narrow pane file:line stays visible (arguments give way, then the function name); scrolled, the whole row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameInfo } from '../../src/core/api.js';
import { renderFrameRow } from '../../src/ui/lists.js';
import { stripSgr } from '../../src/ui/text.js';
import { loadTheme } from '../../src/ui/theme.js';

const theme = loadTheme('dark', 256, {}).theme;
const frame: FrameInfo = {
  level: 0, pc: 0x401136n, cfa: 0x7ffe0010n, args: [{ name: 'inv', value: '0x4052a0' }, { name: 'item', value: '0x7ffe01a0' }, { name: 'count', value: '3' }],
  location: { address: 0x401136n, function: 'inventory_add_with_a_long_name', file: 'inventory.c', fullPath: '/src/inventory.c', line: 142 },
};

test('in a 31-column pane the frame keeps its file:line', () => {
  for (const width of [31, 40, 48, 60, 120]) {
    const row = stripSgr(renderFrameRow(frame, width, true, false, theme));
    assert.equal(row.length, width);
    assert.match(row, /inventory\.c:142 *$/, `width ${width}: ${row}`);
    assert.match(row, /^>#0 +invent/);
  }
  assert.match(stripSgr(renderFrameRow(frame, 120, true, false, theme)), /inventory_add_with_a_long_name \(inv=0x4052a0, item=0x7ffe01a0, count=3\) at inventory\.c:142/);
});

test('scrolled sideways the row is whole, from that column', () => {
  const whole = 'inventory_add_with_a_long_name (inv=0x4052a0, item=0x7ffe01a0, count=3) at inventory.c:142';
  for (const left of [8, 16, 40]) {
    const row = stripSgr(renderFrameRow(frame, 31, true, false, theme, left));
    assert.equal(row.slice(5), whole.slice(left, left + 26));
  }
});
