// How the gdb-remote backend recognises QEMU's gdbstub (qqemu.sstepbits) and what it then negotiates, on
// scripted stubs that answer as QEMU 7.2 and as gdbserver do (docs/QEMU.md): no QEMU needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { FakeStub, le64 } from '../helpers/fake-stub.js';

/** Replies QEMU 7.2 gives (measured, docs/QEMU.md); `multiprocessOn`: as when the client asked for it. */
function qemuLike(multiprocessOn: boolean): (p: string) => string {
  return (p) => {
    if (p.startsWith('qSupported')) return 'PacketSize=1000;qXfer:features:read+;vContSupported+;multiprocess+';
    if (p === 'qqemu.sstepbits') return 'ENABLE=1,NOIRQ=2,NOTIMER=4';
    if (p === '?') return multiprocessOn ? 'T05thread:p01.01;' : 'T05thread:01;';
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (/^[Zz]0,/.test(p)) return 'OK';
    if (p === 'g') return Array.from({ length: 17 }, () => le64(0x100000n)).join('');
    if (p.startsWith('Hg')) return 'OK';
    if (p === 'D') return multiprocessOn ? 'E22' : 'OK';
    if (p === 'D;1') return 'OK';
    return '';
  };
}

/** gdbserver's answers to the same questions: swbreak+, no qqemu. */
function gdbserverLike(p: string): string {
  if (p.startsWith('qSupported')) return 'PacketSize=3fff;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+;multiprocess+';
  if (p === 'QStartNoAckMode') return 'OK';
  if (p === '?') return 'T0506:0000000000000000;07:0000000000000000;10:0000000000000000;thread:4d2;';
  if (p === 'vCont?') return 'vCont;c;C;t;s;S;r';
  if (/^[Zz]0,/.test(p)) return 'OK';
  if (p === 'D') return 'OK';
  return '';
}

async function withStub(handle: (p: string) => string, opts: GdbRemoteOptions, body: (t: GdbRemoteTarget, fake: FakeStub) => Promise<void>): Promise<void> {
  const fake = await FakeStub.start({ handle });
  const t = await GdbRemoteTarget.connect('127.0.0.1', fake.port, { timeoutMs: 2000, useTargetXml: false, ...opts });
  try {
    await body(t, fake);
  } finally {
    t.close();
    await fake.close();
  }
}

test('a stub answering qqemu.sstepbits is QEMU: Z0 breakpoints, pc at the breakpoint, no range step', { timeout: 20_000 }, async () => {
  await withStub(qemuLike(false), {}, async (t, fake) => {
    assert.deepEqual(
      { breakpoints: t.capabilities.breakpoints, trapPc: t.capabilities.trapPc, rangeStep: t.capabilities.rangeStep },
      { breakpoints: 'target', trapPc: 'at-int3', rangeStep: false },
    );
    assert.ok(fake.requests.includes('qqemu.sstepbits'));
    assert.ok(!fake.requests.some((r) => r.startsWith('qqemu.sstep=')), "QEMU's stepping policy (IRQs and timers masked) is left as it is");
  });
});

test('gdbserver (no qqemu query) keeps core-written int3s reported after the int3', { timeout: 20_000 }, async () => {
  await withStub(gdbserverLike, {}, async (t) => {
    assert.equal(t.capabilities.breakpoints, 'memory');
    assert.equal(t.capabilities.trapPc, 'after-int3');
    assert.equal(t.capabilities.rangeStep, true);
  });
});

test('explicit options win over the recognised stub', { timeout: 20_000 }, async () => {
  await withStub(qemuLike(false), { breakpoints: 'memory', trapPc: 'after-int3' }, async (t) => {
    assert.equal(t.capabilities.breakpoints, 'memory');
    assert.equal(t.capabilities.trapPc, 'after-int3');
  });
});

test('detach names the process (D;pid) once multiprocess is negotiated; a stub that uses it unasked and refuses D gets D;pid', { timeout: 20_000 }, async () => {
  // We offer multiprocess+ to every stub (fork events need it) and QEMU answers multiprocess+.
  await withStub(qemuLike(true), {}, async (t, fake) => {
    await t.detach();
    assert.deepEqual(fake.requests.filter((r) => r.startsWith('D')), ['D;1']);
  });
  const unasked = (p: string): string => (p.startsWith('qSupported') ? 'PacketSize=1000;qXfer:features:read+;vContSupported+' : qemuLike(true)(p));
  await withStub(unasked, {}, async (t, fake) => {
    await t.detach();
    assert.deepEqual(fake.requests.filter((r) => r.startsWith('D')), ['D', 'D;1']);
  });
});