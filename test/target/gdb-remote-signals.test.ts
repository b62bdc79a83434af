// The gdb-remote backend's signal and fork packets against a fake stub: QPassSignals (only when offered), fork and
// vfork stop replies, the child cleaned and detached (Hg child, write, D;pid, Hg parent), and multiprocess exit replies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { parseStopReply } from '../../src/target/gdb-remote/stop-reply.js';
import { FakeStub, le64 } from '../helpers/fake-stub.js';

const REGISTERS = '00'.repeat(16 * 8) + le64(0x1000n) + '00'.repeat(164 - 17 * 8);

/** A gdbserver-like stub: process 0x10 with one thread, the features given, fork 0x11 on a continue (or onContinue's reply). */
function stub(features: string, answers: Record<string, string> = {}, onContinue = () => 'T05fork:p11.11;thread:p10.10;'): Promise<FakeStub> {
  return FakeStub.start({
    handle: (p) => {
      if (p in answers) return answers[p]!;
      if (p.startsWith('qSupported')) return `PacketSize=1000;${features}`;
      if (p === '?') return 'T05thread:p10.10;';
      if (p === 'vCont?') return 'vCont;c;C;s;S';
      if (p.startsWith('vCont;c')) return onContinue();
      if (p === 'g') return REGISTERS;
      if (p.startsWith('QPassSignals:') || /^Hgp1[01]\.1[01]$/.test(p) || p === 'D;11' || p === 'D;12' || /^[MX]1000,1:/.test(p)) return 'OK';
      if (p === 'qfThreadInfo') return 'mp10.10';
      if (p === 'qsThreadInfo') return 'l';
      return '';
    },
  });
}

test('QPassSignals: the list in hex, ascending, sent only to a stub that offers QPassSignals+', async () => {
  const s = await stub('QPassSignals+;multiprocess+');
  const t = await GdbRemoteTarget.connect('127.0.0.1', s.port, { timeoutMs: 2000 });
  try {
    await t.setPassSignals([14, 20, 151]);
    await t.setPassSignals([]);
    assert.deepEqual(s.requests.filter((p) => p.startsWith('QPassSignals')), ['QPassSignals:0e;14;97', 'QPassSignals:']);
  } finally {
    t.close();
    await s.close();
  }
  const without = await stub('multiprocess+');
  const t2 = await GdbRemoteTarget.connect('127.0.0.1', without.port, { timeoutMs: 2000 });
  try {
    await t2.setPassSignals([14]);
    assert.deepEqual(without.requests.filter((p) => p.startsWith('QPassSignals')), []);
  } finally {
    t2.close();
    await without.close();
  }
});

test('QPassSignals refused by the stub: an error that says which packet failed', async () => {
  const s = await stub('QPassSignals+', { 'QPassSignals:0e': 'E01' });
  const t = await GdbRemoteTarget.connect('127.0.0.1', s.port, { timeoutMs: 2000 });
  try {
    await assert.rejects(t.setPassSignals([14]), /Cannot set the signals passed to the program \(remote failure reply to 'QPassSignals'/);
  } finally {
    t.close();
    await s.close();
  }
});

test('fork events are asked for; a fork stop is reported as forked, and the child is cleaned, detached, the parent reselected', async () => {
  const s = await stub('QPassSignals+;multiprocess+;fork-events+');
  const t = await GdbRemoteTarget.connect('127.0.0.1', s.port, { timeoutMs: 2000 });
  try {
    assert.match(s.requests[0]!, /^qSupported:.*multiprocess\+.*fork-events\+/);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { vcpu: 0x10, reason: { kind: 'forked', child: 0x11 } });
    const before = s.requests.length;
    await t.detachFork(0x11, [{ address: 0x1000n, bytes: Uint8Array.of(0x55) }]);
    const sent = s.requests.slice(before);
    assert.equal(sent[0], 'Hgp11.11', 'the child is selected first');
    assert.match(sent[1]!, /^[MX]1000,1:/, 'then its copy of the breakpoint byte is restored');
    assert.equal(sent[2], 'D;11', 'then it is let go');
    assert.equal(sent[3], 'Hgp10.10', 'and the parent is the thread register and memory requests go to again');
  } finally {
    t.close();
    await s.close();
  }
});

test('vfork and vforkdone stop replies: forked (vfork) with the child, then vfork-done; the vfork child is detached without writes', async () => {
  const replies = ['T05vfork:p12.12;thread:p10.10;', 'T05vforkdone:;thread:p10.10;'];
  const s = await stub('multiprocess+;fork-events+;vfork-events+', {}, () => replies.shift() ?? 'W00;process:10');
  const t = await GdbRemoteTarget.connect('127.0.0.1', s.port, { timeoutMs: 2000 });
  try {
    assert.match(s.requests[0]!, /vfork-events\+/);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { vcpu: 0x10, reason: { kind: 'forked', child: 0x12, vfork: true } });
    const before = s.requests.length;
    await t.detachFork(0x12, []);
    assert.deepEqual(s.requests.slice(before).filter((p) => !p.startsWith('Hg')), ['D;12'], "nothing written: its memory is the parent's");
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { vcpu: 0x10, reason: { kind: 'vfork-done' } });
  } finally {
    t.close();
    await s.close();
  }
});

test('exit replies with multiprocess: gdbserver writes the status with one digit', () => {
  assert.deepEqual(parseStopReply('W0;process:2afe'), { kind: 'exited', code: 0, pid: 0x2afe });
  assert.deepEqual(parseStopReply('W2;process:2afe'), { kind: 'exited', code: 2, pid: 0x2afe });
  assert.deepEqual(parseStopReply('X9;process:1f'), { kind: 'terminated', signal: 9, pid: 0x1f });
  assert.deepEqual(parseStopReply('W00'), { kind: 'exited', code: 0, pid: undefined });
  assert.throws(() => parseStopReply('W;process:1'), /Malformed stop reply/);
});
