// The source pane: gutter glyphs readable without colour, the execution line marked, only visible lines rendered, C colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BreakpointInfo } from '../../src/core/api.js';
import { highlightC, loadHighlighter } from '../../src/ui/highlight.js';
import { parseSource, expandTabs } from '../../src/ui/source-file.js';
import { GLYPH, gutterMarks, renderSource, scrollTo, markOf } from '../../src/ui/source-view.js';
import { stripSgr } from '../../src/ui/text.js';
import { loadTheme } from '../../src/ui/theme.js';
import { KERNEL_C } from './fake-session.js';

await loadHighlighter();
const mono = loadTheme('dark', 256, { NO_COLOR: '1' }).theme;
const color = loadTheme('dark', 256, {}).theme;
const file = parseSource(KERNEL_C, readFileSync(KERNEL_C, 'utf8'));

function bp(id: number, line: number, extra: Partial<BreakpointInfo> = {}): BreakpointInfo {
  return { id, spec: `kernel.c:${line}`, enabled: true, temporary: false, ignoreCount: 0, hits: 0, locations: [{ address: BigInt(line), file: 'kernel.c', fullPath: KERNEL_C, line }], ...extra };
}

test('breakpoint kinds have distinct gutter glyphs: B enabled, b disabled, ? conditional, t temporary', () => {
  const bps = [bp(1, 60), bp(2, 61, { enabled: false }), bp(3, 62, { condition: 'i == 2' }), bp(4, 63, { temporary: true })];
  const marks = gutterMarks(bps, () => true);
  const lines = renderSource({ width: 60, height: 6, file, top: 59, cursor: 59, marks, focused: true, theme: mono }).map(stripSgr);
  assert.deepEqual(lines.slice(1, 5).map((l) => l[0]), [GLYPH.enabled, GLYPH.disabled, GLYPH.conditional, GLYPH.temporary]);
  assert.deepEqual(['B', 'b', '?', 't'], [GLYPH.enabled, GLYPH.disabled, GLYPH.conditional, GLYPH.temporary]);
  assert.equal(markOf({ enabled: false, condition: 'x', temporary: true }), 'disabled');
});

test('an enabled plain breakpoint wins the gutter over a disabled one on the same line', () => {
  const marks = gutterMarks([bp(1, 73, { enabled: false }), bp(2, 73)], () => true);
  assert.equal(marks.get(73), 'enabled');
});

test('the execution line carries ">" and the current-line style; an outer frame\'s line carries "^"', () => {
  const marks = new Map();
  const lines = renderSource({ width: 70, height: 5, file, top: 71, cursor: 71, execLine: 73, execIsInnermost: true, marks, focused: true, theme: mono });
  const plain = lines.map(stripSgr);
  assert.match(plain[2]!, /^ > 73 /);
  assert.ok(lines[2]!.includes('\x1b[0;7m'), 'inverse in monochrome');
  assert.ok(!lines[3]!.includes(';7'), 'other lines are not inverse');
  const outer = renderSource({ width: 70, height: 5, file, top: 79, cursor: 79, execLine: 81, execIsInnermost: false, marks, focused: false, theme: mono }).map(stripSgr);
  assert.match(outer[2]!, /^ \^ 81 /);
});

test('every rendered line is exactly the pane width, and only the visible lines are produced', () => {
  for (const width of [30, 48, 120]) {
    const lines = renderSource({ width, height: 17, file, top: 50, cursor: 55, marks: new Map(), focused: true, theme: color });
    assert.equal(lines.length, 17);
    for (const l of lines) assert.equal(stripSgr(l).length, width);
    assert.match(stripSgr(lines[0]!), /^ {2} 50/);
  }
  const end = renderSource({ width: 40, height: 10, file, top: 84, cursor: 84, marks: new Map(), focused: true, theme: color }).map(stripSgr);
  assert.match(end[3]!, /^~/, 'past the end of the file');
});

test('C is coloured by highlight.js roles; block comments keep their colour across lines', () => {
  const segs = highlightC(file.lines);
  const line59 = segs[58]!;
  assert.ok(line59.some((s) => s.text === 'void' && s.role === 'syntax.type'));
  assert.ok(segs[1]!.every((s) => s.role === 'syntax.comment'), 'second line of the header comment');
  assert.ok(segs[62]!.some((s) => s.role === 'syntax.string' && s.text.includes('iteration')));
  const rendered = renderSource({ width: 80, height: 1, file, top: 59, cursor: 1, marks: new Map(), focused: false, theme: color })[0]!;
  assert.ok(rendered.includes('38;5;80m'), 'the "void" type colour (80) of the dark theme');
});

test('tabs are expanded so columns line up', () => {
  assert.equal(expandTabs('\tx'), '        x');
  assert.equal(expandTabs('ab\tc'), 'ab      c');
});

test('search matches are marked', () => {
  const lines = renderSource({ width: 80, height: 1, file, top: 64, cursor: 1, marks: new Map(), search: 'my_integer', focused: false, theme: mono });
  assert.ok(lines[0]!.includes('\x1b[0;1;4mmy_integer'), 'bold+underline in monochrome');
});

test('a missing source file says so, with the address and function', () => {
  const lines = renderSource({ width: 70, height: 6, file: undefined, top: 1, cursor: 1, marks: new Map(), focused: true, theme: mono, missing: { reason: 'Source not available', name: '/build/kernel.c', address: 0x401281n, function: 'demo' } }).map(stripSgr);
  const text = lines.join('\n');
  assert.match(text, /Source not available: \/build\/kernel\.c/);
  assert.match(text, /0x0000000000401281 in demo/);
});

test('scrolling follows the execution line with small moves and centres long jumps', () => {
  assert.equal(scrollTo(10, 1, 20, 100), 1);
  assert.equal(scrollTo(21, 1, 20, 100), 2);
  assert.equal(scrollTo(80, 1, 20, 100), 74);
  assert.equal(scrollTo(99, 1, 20, 100), 81);
});

test('wide and zero-width characters cannot push the columns out of line', () => {
  const f = parseSource('/x.c', '// 漢字 and \u{1F600} e\u0301\nint x;\n');
  const line = stripSgr(renderSource({ width: 30, height: 1, file: f, top: 1, cursor: 2, marks: new Map(), focused: false, theme: mono })[0]!);
  assert.equal(line.length, 30);
  assert.match(line, /\/\/ \?\? and \? e /);
});
