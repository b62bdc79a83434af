// A continue that runs longer than the gdb-remote reply timeout without stopping: no timeout while resumed, and no breakpoint byte left behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { until } from '../ui/hangup-harness.js';

// The reply timeout is 1 s here and the program runs 3 s before its breakpoint: a resume that still
// had a reply timeout fails exactly as a 12 s continue did with the default 10 s (the bug: 'vCont;c'
// timed out, the connection closed and the planted int3 stayed; the program died of SIGTRAP).
const REPLY_TIMEOUT_MS = '1000';
const RUN_SECONDS = '3';

describe('continue longer than the reply timeout', () => {
  for (const strategy of ['trap', 'spin'] as const) {
    it(`waits for the stop, then the program runs on intact (${strategy})`, async () => {
      const exe = compileFixture(['lifecycle/sleeper.c'], ['-g', '-O0', '-no-pie'], 'sleeper');
      const gs = await startGdbserver(exe, [RUN_SECONDS]);
      try {
        const t0 = Date.now();
        const argv = [CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--batch', '--breakpoints', strategy, '-ex', 'break hit', '-ex', 'continue', '-ex', 'print n'];
        const r = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DUSTER_REMOTE_TIMEOUT_MS: REPLY_TIMEOUT_MS } });
        assert.ok(Date.now() - t0 >= Number(RUN_SECONDS) * 1000, 'the continue lasted the whole run');
        assert.match(r.stdout, /Breakpoint 1, hit \(n=1\) at sleeper\.c:\d+/);
        assert.match(r.stdout, /\$1 = 1/);
        assert.doesNotMatch(r.stderr, /did not reply|internal error/);
        assert.equal(r.status, 0, r.stderr);
        // Detached at the breakpoint: the second call to hit() passes the restored byte; no SIGTRAP (exit 133).
        await until(() => gs.stdout.includes('done'), 10_000, 'the program to finish');
        assert.equal(gs.stdout, 'hit 1\nhit 2\ndone 3\n');
      } finally {
        await gs.stop();
      }
    });
  }
});
