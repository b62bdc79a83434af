// Issue 13's acceptance measure on default-flag (PIE) programs: a live session of break main, next x8, info locals, bt
// (and step into the program's functions) equals gdb's over the same gdbserver on at least 97% of the answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { ZOO } from '../eval/oracle.js';
import { compareWithGdb, describeDifferences } from './compare.js';

const PROGRAMS: { label: string; sources: string[]; args?: string[] }[] = [
  { label: 'demo', sources: ['demo/kernel.c'], args: ['2'] },
  { label: 'frames', sources: ['core/frames.c'] },
  { label: 'ticker', sources: ['core/ticker.c'] },
  { label: 'shapes', sources: ['symbols/main.c', 'symbols/shapes.c'] },
  { label: 'zoo', sources: ZOO },
  { label: 'sleeper', sources: ['pie/sleeper.c'], args: ['3'] },
];

const SESSION = ['break main', 'continue', ...Array(8).fill('next'), 'info locals', 'bt', 'step', 'bt', 'info args', 'next', 'info locals', 'finish', 'next', 'bt'];

// -O2 is measured by hand for now (49 of 120): stepping over inlined calls and inline frames are not there yet.
for (const flags of [['-g']]) {
  test(`default-flag programs (gcc ${flags.join(' ')}): break main, next x8, info locals, bt, step, finish equal gdb on >= 97% of answers`, { timeout: 600_000 }, async () => {
    let equal = 0;
    let total = 0;
    const report: string[] = [];
    for (const p of PROGRAMS) {
      const exe = compileFixture(p.sources, flags, p.label);
      const c = await compareWithGdb(exe, SESSION, p.args ? { args: p.args } : {});
      equal += c.equal;
      total += c.total;
      report.push(`${p.label}: ${c.equal} of ${c.total}`);
      if (c.differences.length) report.push(describeDifferences(c));
    }
    console.log(`gcc ${flags.join(' ')}: ${equal} of ${total} answers equal gdb's\n${report.join('\n')}`);
    assert.ok(total >= PROGRAMS.length * (SESSION.length - 2), `gdb answered only ${total} commands`);
    assert.ok(equal / total >= 0.97, `${equal} of ${total} answers equal gdb's (below 97%)\n${report.join('\n')}`);
  });
}
