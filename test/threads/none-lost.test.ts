// Four workers hitting one breakpoint at once: every hit is reported, once, in turn, as gdb reports them over the same
// gdbserver (which queues the other threads' hits and hands them out on later resumes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILDS, hits, sideBySide, withoutEntryValues, workers } from './side-by-side.js';

const ROUNDS = 6;
const WORKERS = 4;

/** "worker-1 i=3" for every report, sorted; plus what the last lines say. */
function reported(out: string, label: string): { hits: string[]; perThread: Map<number, string> } {
  const perThread = new Map<number, string>();
  const list = hits(withoutEntryValues(out)).map((h) => {
    const m = /^Breakpoint 1, work \(id=(\d), i=(\d)\) at workers\.c:\d+$/.exec(h.text);
    assert.ok(m, `${label}: unexpected report ${h.text}\n${out}`);
    assert.equal(h.name, `worker-${m[1]}`, `${label}: thread and frame agree\n${out}`);
    // One gdb number per worker for the whole run.
    const prev = perThread.get(h.thread);
    assert.ok(prev === undefined || prev === h.name, `${label}: thread ${h.thread} is ${prev} and ${h.name}\n${out}`);
    perThread.set(h.thread, h.name);
    return `${h.name} i=${m[2]}`;
  });
  return { hits: list.sort(), perThread };
}

// Spin breakpoints too: threads found sitting on a `jmp .` are hits even when another thread is reported first.
const RUNS = [...BUILDS.map((b) => ({ ...b, strategy: 'trap' as const })), { ...BUILDS[1]!, strategy: 'spin' as const }];

for (const b of RUNS) {
  test(`[${b.label}, ${b.strategy}] break work: all ${WORKERS * ROUNDS} hits reported once each, none lost, as gdb`, { timeout: 300_000 }, async () => {
    const exe = workers(b.flags);
    const cmds = ['break work', ...Array(WORKERS * ROUNDS + 1).fill('continue'), 'info breakpoints'];
    const { ours, gdb } = await sideBySide(exe, cmds, b.strategy);
    const o = reported(ours, 'duster-tui');
    const g = reported(gdb, 'gdb');
    const expected = [];
    for (let id = 0; id < WORKERS; id++) for (let i = 0; i < ROUNDS; i++) expected.push(`worker-${id} i=${i}`);
    assert.deepEqual(g.hits, expected.sort(), `gdb: every (worker, i) once\n${gdb}`);
    assert.deepEqual(o.hits, g.hits, ours);
    assert.deepEqual([...o.perThread.keys()].sort(), [...g.perThread.keys()].sort(), 'the workers are threads 2-5 in both');
    for (const out of [ours, gdb]) assert.match(out, /^\[Inferior 1 \(process \d+\) exited normally\]$/m, out);
    assert.match(ours, new RegExp(`^\\tbreakpoint already hit ${WORKERS * ROUNDS} times$`, 'm'), ours);
  });
}

test(`[${BUILDS[0]!.label}] after a hit, selecting another thread and continuing does not report the same hit again`, { timeout: 300_000 }, async () => {
  // The thread that hit stays on the breakpoint while another is selected: continuing must step it off first.
  const exe = workers(BUILDS[0]!.flags);
  const cmds = ['break work if i == 3', 'continue', 'thread 1', 'continue', 'thread 1', 'continue', 'thread 1', 'continue', 'thread 1', 'continue'];
  const { ours, gdb } = await sideBySide(exe, cmds);
  const o = reported(ours, 'duster-tui');
  const g = reported(gdb, 'gdb');
  assert.deepEqual(g.hits, ['worker-0 i=3', 'worker-1 i=3', 'worker-2 i=3', 'worker-3 i=3'], gdb);
  assert.deepEqual(o.hits, g.hits, ours);
  // Every report follows `thread 1`, so every one says it switched.
  for (const out of [ours, gdb]) assert.equal([...out.matchAll(/^\[Switching to Thread \d+\.\d+\]$/gm)].length, 4, out);
});
