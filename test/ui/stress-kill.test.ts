// A slice of bench/kill-stress.ts: duster-tui killed at 4 points of a session (each signal, both strategies, TUI and line mode): 0 bytes left patched, the program runs on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killAt, killProblems, type KillPoint } from './hangup-harness.js';

const POINTS: KillPoint[] = [
  { mode: 'tui', strategy: 'trap', activity: 'stepping', signal: 'SIGTERM', delayMs: 50 },
  { mode: 'tui', strategy: 'spin', activity: 'running', signal: 'SIGINT', delayMs: 200 },
  { mode: 'tui', strategy: 'trap', activity: 'printing', signal: 'SIGHUP', delayMs: 30 },
  { mode: 'line', strategy: 'spin', activity: 'stepping', signal: 'SIGINT', delayMs: 100 },
];

describe('killed at points of a session', () => {
  for (const p of POINTS) {
    it(`${p.mode} ${p.strategy} ${p.activity} ${p.signal}`, async () => {
      const r = await killAt(p);
      assert.deepEqual(killProblems(r), [], JSON.stringify(r));
    });
  }
});
