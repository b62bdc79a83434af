// A slice of bench/ui-stress.ts: 100 resizes stopped and running, 5 s of random keys, then q y exits 0 with the program intact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uiStress } from '../../bench/ui-stress.js';

describe('resizes and random keys', () => {
  it('survive, then q y exits 0 with nothing patched and the program running on', async () => {
    const r = await uiStress(100, 5000, 7);
    assert.equal(r.exitCode, 0, JSON.stringify(r));
    assert.equal(r.patched, 0);
    assert.ok(r.runsOn);
    assert.equal(r.stderr, '');
    assert.ok(r.keysSent > 100);
  });
});
