// The gdb-remote side of watchpoints on a scripted stub: Z2/Z3/Z4 and z packets sent, "" and E NN told apart, watch/rwatch/awatch stops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { FakeStub, le64, type StubAction } from '../helpers/fake-stub.js';

/** A stub that connects and runs (built-in amd64 layout, no vCont); `stop` is its answer to c. */
function reply(p: string, stop: string): StubAction {
  if (p.startsWith('qSupported')) return 'PacketSize=1000;QStartNoAckMode+';
  if (p === 'QStartNoAckMode') return 'OK';
  if (p === '?') return 'T05thread:1;';
  if (p === 'qfThreadInfo') return 'm1';
  if (p === 'qsThreadInfo') return 'l';
  if (p === 'g') return `${le64(0x1111n).repeat(16)}${le64(0x401000n)}`;
  if (p.startsWith('H')) return 'OK';
  if (p.startsWith('m')) return '00'.repeat(parseInt(p.split(',')[1] ?? '1', 16));
  if (/^[Zz]2,/.test(p)) return 'OK';
  if (/^Z3,/.test(p)) return ''; // reads alone cannot be watched (x86)
  if (/^Z4,/.test(p)) return 'E01'; // out of debug registers
  if (p === 'c') return stop;
  return '';
}

for (const [stop, watch] of [['T05watch:404038;thread:1;', 'write'], ['T05rwatch:404038;thread:1;', 'read'], ['T05awatch:404038;thread:1;', 'access']] as const) {
  test(`a ${stop.slice(3, stop.indexOf(':'))} stop reply is a watchpoint stop (${watch}) at its data address, not a breakpoint trap`, async () => {
    const stub = await FakeStub.start({ handle: (p) => reply(p, stop) });
    const t = await GdbRemoteTarget.connect('127.0.0.1', stub.port, { timeoutMs: 5000 });
    try {
      assert.equal(await t.insertWatchpoint('write', 0x404038n, 8), true);
      assert.equal(await t.insertWatchpoint('read', 0x404038n, 4), false, '"" means no such watchpoint');
      await assert.rejects(t.insertWatchpoint('access', 0x404038n, 4), /Cannot insert a watchpoint at 0x404038 \(remote failure reply to 'Z4': E01\)/);
      await t.resume({});
      assert.deepEqual(await t.waitForStop(), { vcpu: 1, reason: { kind: 'watchpoint', watch, address: 0x404038n } });
      await t.removeWatchpoint('write', 0x404038n, 8);
      assert.deepEqual(stub.requests.filter((r) => /^[Zz][234]/.test(r)), ['Z2,404038,8', 'Z3,404038,4', 'Z4,404038,4', 'z2,404038,8']);
    } finally {
      t.close();
      await stub.close();
    }
  });
}
