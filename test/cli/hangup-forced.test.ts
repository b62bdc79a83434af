// A stub that stops answering mid-shutdown: the hang-up deadline and a second SIGTERM both end duster-tui in bounded time, saying what stayed patched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HangupRun, processEnded } from '../ui/hangup-harness.js';

/** Freezes gdbserver (SIGSTOP) so nothing it is asked gets an answer; thawed before cleanup. */
async function withFrozenStub(run: HangupRun, body: () => Promise<void>): Promise<void> {
  const pid = run.gs.proc.pid!;
  process.kill(pid, 'SIGSTOP');
  try {
    await body();
  } finally {
    process.kill(pid, 'SIGCONT');
    await run.cleanup();
  }
}

// What stays patched: the user's breakpoint, and the dynamic linker's event breakpoint when the program has one (gdb plants it too).
describe('shutdown with a stub that stops answering', () => {
  it('a hang-up still exits within 2 s and reports the patch it could not restore', async () => {
    const run = await HangupRun.start('line', 'trap');
    await run.runWithBreakpoint();
    await withFrozenStub(run, async () => {
      const ms = await run.hangUp();
      assert.ok(ms < 2500, `exit took ${ms} ms`);
      assert.match(run.stderr, /^duster-tui: detach failed \(shutdown deadline passed\); could not restore [12] patched location\(s\): 0x[0-9a-f]+(, 0x[0-9a-f]+)?\n$/);
    });
  });

  it('a second SIGTERM forces the exit after a bounded restore attempt', async () => {
    const run = await HangupRun.start('tui', 'trap');
    await run.runWithBreakpoint();
    await withFrozenStub(run, async () => {
      process.kill(run.dusterPid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!processEnded(run.dusterPid), 'the first SIGTERM waits for the (stuck) detach');
      const ms = await run.signal('SIGTERM');
      assert.ok(ms < 1500, `forced exit took ${ms} ms`);
      assert.match(run.stderr, /^duster-tui: exit forced before the detach finished; could not restore [12] patched location\(s\): 0x[0-9a-f]+(, 0x[0-9a-f]+)?\n$/);
    });
  });
});
