// The cells a pane writes into blessed's screen buffer: attribute codes equal to blessed's own parse of our SGR sequences.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import blessed from 'blessed';
import { cellsOf } from '../../src/ui/screen.js';
import { Line, sgr, type Style } from '../../src/ui/text.js';

const DEFAULT_ATTR = (0x1ff << 9) | 0x1ff;
const blessedAttr = (seq: string): number =>
  (blessed as unknown as { Screen: { prototype: { attrCode(code: string, cur: number, def: number): number } } }).Screen.prototype.attrCode(seq, DEFAULT_ATTR, DEFAULT_ATTR);

test('every style our lines use gets the attribute code blessed itself computes for its SGR sequence', () => {
  const styles: Style[] = [{}];
  for (const fg of [undefined, 0, 7, 16, 75, 244, 255]) {
    for (const bg of [undefined, 0, 236, 255]) {
      for (const flags of [{}, { bold: true }, { underline: true }, { inverse: true }, { bold: true, underline: true, inverse: true }]) {
        styles.push({ ...(fg !== undefined ? { fg } : {}), ...(bg !== undefined ? { bg } : {}), ...flags });
      }
    }
  }
  for (const s of styles) {
    const seq = sgr(s);
    const row = cellsOf(`${seq}ab`);
    assert.equal(row.chars, 'ab');
    assert.deepEqual(row.attrs, [blessedAttr(seq), blessedAttr(seq)], JSON.stringify(s));
  }
});

test('a line splits into one cell per character, each with the style in force, escapes taking no cell', () => {
  const line = new Line(10).add('ab', { fg: 75 }).add('c', { bold: true, bg: 236 }).toString();
  const row = cellsOf(line);
  assert.equal(row.chars, 'abc       ');
  assert.equal(row.attrs.length, 10);
  assert.equal(row.attrs[0], blessedAttr(sgr({ fg: 75 })));
  assert.equal(row.attrs[2], blessedAttr(sgr({ bold: true, bg: 236 })));
  assert.equal(row.attrs[3], blessedAttr(sgr({})));
  assert.deepEqual(cellsOf('plain'), { chars: 'plain', attrs: Array(5).fill(DEFAULT_ATTR) });
});
