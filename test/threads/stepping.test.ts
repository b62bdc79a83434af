// Stepping one worker while the others run through the same code, beside gdb over the same gdbserver: next, finish and
// conditions stay with the thread that stopped, and breakpoint hits queued for other threads (after the breakpoint is
// deleted) never surface as stray SIGTRAPs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILDS, sideBySide, withoutEntryValues, workers } from './side-by-side.js';

/**
 * gdb numbers threads in the order it first sees them, which depends on which worker stops first: every
 * `Thread N` is replaced by the worker's name (learnt from the same output's reports), ids by their shape.
 */
function byName(text: string): string {
  const names = new Map<string, string>();
  for (const m of text.matchAll(/Thread (\d+) (?:\(Thread [\d.]+ )?"([^"]+)"/g)) names.set(m[1]!, m[2]!);
  return withoutEntryValues(text)
    .replace(/^\[New Thread .*\n/gm, '')
    .replace(/process \d+/g, 'process PID')
    .replace(/Thread \d+\.\d+/g, 'Thread PID.LWP')
    .replace(/Thread (\d+) "[^"]+"/g, (_all, n: string) => `Thread <${names.get(n) ?? n}>`)
    .replace(/\[Current thread is (\d+) /g, (_all, n: string) => `[Current thread is <${names.get(n) ?? n}> `)
    // info threads: only the current thread's row is the same from run to run (it shows the selected frame).
    .replace(/^ {2}\d+ +Thread .*\n/gm, '')
    .replace(/^\* \d+ +(Thread PID\.LWP "[^"]+") +/gm, '* N $1 ')
    .replace(/^ {2}Id {3}Target Id +Frame $/gm, '  Id   Target Id Frame ');
}

// Every stop is worker-2's own (the others' hits are false conditions), so the transcript does not depend on timing.
const COMMANDS = [
  'break workers.c:31 if id == 2',
  'continue', 'print i', 'next', 'print i', 'next', 'next', 'print i', 'thread',
  // Other workers may have hits on breakpoint 1 queued in gdbserver when it goes.
  'delete 1', 'break work if id == 2 && i == 3', 'continue', 'up', 'info threads', 'down', 'finish', 'thread', 'next', 'next', 'print i', 'info locals',
  'delete', 'continue',
];

test(`[${BUILDS[0]!.label}] next and finish in one worker while the others run: same lines, values and threads as gdb`, { timeout: 300_000 }, async () => {
  const exe = workers(BUILDS[0]!.flags);
  const { ours, gdb } = await sideBySide(exe, COMMANDS);
  assert.doesNotMatch(ours, /SIGTRAP|SIGSEGV|Cannot|Unknown/, ours);
  assert.match(ours, /^Value returned is \$4 = 203$/m, ours);
  assert.match(ours, /^\[Inferior 1 \(process \d+\) exited normally\]$/m, ours);
  assert.equal(byName(ours), byName(gdb).replace(/^0x[0-9a-f]+ in _start \(\) from .*\n/m, ''));
});
