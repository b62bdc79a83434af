// duster-tui PROG in line mode: the program's output while it runs, its stdin, Ctrl-C, and nothing left running after quit, SIGTERM or SIGHUP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { LineSession, duster, leftovers, processesMentioning } from './run-start-helpers.js';

const ASK = compileFixture(['run/ask.c'], ['-g'], 'ask-io');
// A breakpoint on a PIE needs the load bias (issue 13 item 1, landing separately): -no-pie for the one test that sets one.
const ASK_NO_PIE = compileFixture(['run/ask.c'], ['-g', '-no-pie'], 'ask-io-nopie');
const GREET_NO_PIE = compileFixture(['run/greet.c'], ['-g', '-no-pie'], 'greet-io-nopie');

test('output shows while the program runs (a pty: printf is line-buffered), a line typed while it runs is its stdin', async () => {
  const s = new LineSession([ASK]);
  try {
    s.type('run');
    await s.waitFor(/^name\? $/m);
    assert.match(s.stdout, /tick 0\ntick 1\ntick 2\nname\? $/);
    assert.ok(processesMentioning(ASK).length > 0, 'the program still runs (waiting for its input) while its output is shown');
    s.type('world');
    await s.waitFor(/name\? hello world\n\[Inferior 1 \(process \d+\) exited normally\]\n/m);
    s.type('quit');
    assert.equal(await s.end(), 0, s.stderr);
    assert.equal(s.stderr, '');
    assert.deepEqual(await leftovers(ASK), []);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test('Ctrl-C (SIGINT) interrupts the running program as gdb does; quit then kills it', async () => {
  const s = new LineSession([ASK, 'forever']);
  try {
    s.type('run');
    await s.waitFor(/^tick 2$/m);
    s.child.kill('SIGINT');
    await s.waitFor(/\nProgram received signal SIGINT, Interrupt\.\n/);
    s.type('quit');
    assert.equal(await s.end(), 0, s.stderr);
    assert.deepEqual(await leftovers(ASK), []);
  } finally {
    s.child.kill('SIGKILL');
  }
});

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} while the program runs: duster-tui exits, its gdbserver and the program are gone`, async () => {
    const s = new LineSession([ASK, 'forever']);
    try {
      s.type('run');
      await s.waitFor(/^tick 1$/m);
      assert.ok(processesMentioning(ASK).length >= 2, 'gdbserver and the program run');
      s.child.kill(signal);
      assert.notEqual(await s.end(), 'hung', `exits on ${signal}`);
      assert.doesNotMatch(s.stderr, /internal error|\n\s+at /);
      assert.deepEqual(await leftovers(ASK), []);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
}

test('quit at a breakpoint kills the program (nothing runs on), and its breakpoint bytes never mattered', async () => {
  const s = new LineSession([ASK_NO_PIE, 'forever']);
  try {
    s.type('break tick');
    s.type('run');
    await s.waitFor(/^Breakpoint 1, tick \(i=0\) at ask\.c:\d+$/m);
    s.type('quit');
    assert.equal(await s.end(), 0, s.stderr);
    assert.deepEqual(await leftovers(ASK_NO_PIE), []);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test('output written during a `next` shows before the next source line, as on gdb\'s terminal (3 runs)', () => {
  for (let i = 0; i < 3; i++) {
    const r = duster([GREET_NO_PIE, '--batch', '-ex', 'start', '-ex', 'next', '-ex', 'next', '-ex', 'next', '-ex', 'next']);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^10\t  printf\("argc=%d twice=%d\\n", argc, n\);\nargc=1 twice=2\n11\t.*\n12\t.*\na line on stderr\n13\t/m, r.stdout);
  }
});
