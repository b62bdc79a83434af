// Search mode's model: regular expressions, every match in the file, moving forward / backward with wrap-around, and the screen's mouse reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSearch, lineMatches, SearchMode } from '../../src/ui/search.js';
import { parseSgrMouse } from '../../src/ui/screen.js';
import { Line, stripSgr } from '../../src/ui/text.js';

const LINES = ['int fib(int n)', '{', '  return n < 2 ? n : fib(n - 1) + fib(n - 2);', '}', 'int main() { return fib(5); }'];

test('a regular expression finds every match; an invalid one is a one-line message', () => {
  const re = compileSearch('fib\\(\\w');
  assert.ok(re instanceof RegExp);
  const l = LINES[2]!;
  const a = l.indexOf('fib(');
  const b = l.indexOf('fib(', a + 1);
  assert.deepEqual(lineMatches(l, re), [[a, a + 5], [b, b + 5]]);
  assert.deepEqual(lineMatches('aaa', compileSearch('x*') as RegExp), [], 'empty matches are skipped');
  const bad = compileSearch('fib(');
  assert.equal(typeof bad, 'string');
  assert.match(bad as string, /^Invalid regular expression \/fib\(\/: .+$/);
});

test('n moves forward and wraps, N backward; "match i/N" and "search wrapped"', () => {
  const s = new SearchMode('fib', compileSearch('fib') as RegExp, false, LINES, '/x.c');
  assert.equal(s.matches.length, 4);
  let m = s.move(1, -1);
  assert.deepEqual([m!.line, m!.start], [1, 4]);
  assert.equal(s.describe(), '/fib/ match 1/4');
  m = s.move(m!.line, m!.start);
  assert.deepEqual([m!.line, m!.start], [3, LINES[2]!.indexOf('fib')]);
  m = s.move(m!.line, m!.start);
  m = s.move(m!.line, m!.start);
  assert.equal(s.describe(), '/fib/ match 4/4');
  m = s.move(m!.line, m!.start);
  assert.equal(s.describe(), '/fib/ match 1/4, search wrapped');
  m = s.move(m!.line, m!.start, true);
  assert.equal(s.describe(), '/fib/ match 4/4, search wrapped');
  const back = new SearchMode('fib', compileSearch('fib') as RegExp, true, LINES, '/x.c');
  m = back.move(3, Infinity);
  assert.deepEqual([m!.line, m!.start], [3, LINES[2]!.lastIndexOf('fib')]);
  assert.equal(back.describe(), '?fib? match 3/4');
  assert.equal(new SearchMode('zzz', /zzz/g, false, LINES, '/x.c').move(1, -1), undefined);
});

test('SGR mouse reports: every report of a read, 0-based, press / drag / release / wheel', () => {
  const ev = parseSgrMouse('\x1b[<0;10;5M\x1b[<32;12;5M\x1b[<0;12;5m\x1b[<64;3;4M\x1b[<65;3;4M');
  assert.deepEqual(ev.map((e) => [e.action, e.x, e.y, !!e.motion]), [
    ['mousedown', 9, 4, false], ['mousedown', 11, 4, true], ['mouseup', 11, 4, false], ['wheelup', 2, 3, false], ['wheeldown', 2, 3, false],
  ]);
  assert.deepEqual(parseSgrMouse('j'), []);
});

test('Line.skip scrolls text sideways; padding is never eaten', () => {
  const l = new Line(10).add('> ').skip(4).add('0123456789abc');
  assert.equal(stripSgr(l.toString()), '> 456789ab');
  const short = new Line(8).skip(3).add('ab').add('cdef').pad(1);
  assert.equal(stripSgr(short.toString()), 'def     ');
});
