// The spin strategy over gdbserver interrupts, reads and resumes the program hundreds of times a second:
// none of that may change what the program computes (the threads scan strings with glibc's vector code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';

test('three seconds of spin polling over two busy threads: every string scan still right, the program ends normally', { timeout: 120_000 }, async () => {
  const exe = compileFixture(['threads/string-scan.c'], ['-g', '-O2', '-pthread'], 'string-scan');
  const run = await runDuster(exe, ['break never_called', 'continue'], { strategy: 'spin', args: ['3'] });
  const m = /^scanned (\d+) wrong (\d+)$/m.exec(run.programOut);
  assert.ok(m, `the program's report:\n${run.programOut}\n${run.stdout}\n${run.stderr}`);
  assert.ok(Number(m[1]) > 0);
  assert.equal(Number(m[2]), 0, `wrong scans while polled:\n${run.programOut}`);
  assert.match(run.stdout, /^\[Inferior 1 \(process \d+\) exited normally\]$/m, run.stdout + run.stderr);
  assert.equal(run.gdbserverCode, 0);
});
