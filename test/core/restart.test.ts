// `run` again restarts the program under gdbserver (extended mode): breakpoints survive, hit counts start over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';

const DEMO = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');

for (const strategy of ['trap', 'spin'] as const) {
  test(`[${strategy}] breakpoints survive a restart: run stops at them again, before and after the program exited`, async () => {
    const r = await runDuster(DEMO, ['break kernel.c:73', 'continue', 'continue', 'run', 'info breakpoints', 'read my_integer', 'delete', 'continue', 'break tick', 'run', 'bt 1'], { strategy });
    assert.equal(r.code, 0, r.stderr);
    const hits = r.stdout.match(/Breakpoint 1, demo \(\) at kernel\.c:73\n/g) ?? [];
    assert.equal(hits.length, 3, r.stdout);
    // gdb -batch asks "Start it from the beginning?" only for a command typed at a terminal (from_tty), so not here.
    assert.doesNotMatch(r.stdout, /Start it from the beginning/);
    assert.match(r.stdout, /breakpoint already hit 1 time\n\$1 = 300\n/, 'hit counts start over');
    assert.match(r.stdout, /\[Inferior 1 \(process \d+\) exited normally\]\nBreakpoint 2 at 0x[0-9a-f]+: file kernel\.c, line 44\.\n\nBreakpoint 2, tick \(round=0\) at kernel\.c:44\n/);
    // The first process was killed mid-run; the second ran to its end; the third is detached at the end and finishes.
    assert.equal((r.programOut.match(/^sum_to\(4\) = 30, factorial\(5\) = 120$/gm) ?? []).length, 2, r.programOut);
  });
}
