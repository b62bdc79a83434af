// The gdb-remote backend against misbehaving stubs: every case ends in a clear rejected promise, bounded in time and memory.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { TargetGoneError } from '../../src/target/contract.js';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { UserError } from '../../src/util/errors.js';
import { FakeStub, frame, type FakeStubOptions } from '../helpers/fake-stub.js';

/** Replies of a stub that works: enough for connect() to succeed. */
function goodReply(p: string): string | null {
  if (p.startsWith('qSupported')) return 'PacketSize=1000;QStartNoAckMode+';
  if (p === 'QStartNoAckMode') return 'OK';
  if (p === '?') return 'T05thread:1;';
  if (p === 'g') return '00'.repeat(164);
  return '';
}

async function connectTo(opts: FakeStubOptions, clientOpts: GdbRemoteOptions = {}): Promise<{ result: Promise<GdbRemoteTarget>; stub: FakeStub }> {
  const stub = await FakeStub.start(opts);
  const result = GdbRemoteTarget.connect('127.0.0.1', stub.port, { timeoutMs: 1000, ...clientOpts });
  result.catch(() => undefined); // observed by the caller; never an unhandled rejection
  return { result, stub };
}

/** Connects to a stub; returns the rejection (the test fails if connect succeeds) and how long it took. */
async function connectError(opts: FakeStubOptions, clientOpts: GdbRemoteOptions = {}): Promise<{ error: Error; ms: number }> {
  const t0 = Date.now();
  const { result, stub } = await connectTo(opts, clientOpts);
  try {
    await result;
  } catch (e) {
    assert.ok(e instanceof Error);
    return { error: e, ms: Date.now() - t0 };
  } finally {
    await stub.close();
  }
  assert.fail('connect() succeeded against a broken stub');
}

test('connection refused is a one-line UserError naming host and port', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  await assert.rejects(GdbRemoteTarget.connect('127.0.0.1', port), (e: unknown) =>
    e instanceof UserError && e.message === `Connection refused: 127.0.0.1:${port}`);
});

test('a stub that hangs up at once gives "Remote connection closed"', async () => {
  const { error } = await connectError({ handle: () => null, onConnect: (c) => c.socket.destroy() });
  assert.ok(error instanceof TargetGoneError);
  assert.equal(error.message, 'Remote connection closed');
});

test('a stub that never answers fails after the reply timeout', { timeout: 10_000 }, async () => {
  const { error, ms } = await connectError({ handle: () => null }, { timeoutMs: 300 });
  assert.ok(error instanceof TargetGoneError);
  assert.match(error.message, /did not reply to 'qSupported.*' within 300 ms/);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('a bad checksum in ack mode is answered with "-" and the resent packet is accepted', { timeout: 10_000 }, async () => {
  let first = true;
  const { result, stub } = await connectTo({
    handle: (p) => {
      if (p.startsWith('qSupported') && first) {
        first = false;
        return [{ badChecksum: 'PacketSize=1000' }];
      }
      return p.startsWith('qSupported') ? 'PacketSize=1000' : goodReply(p);
    },
    onNak: (c) => c.send('PacketSize=1000'),
  });
  try {
    const t = await result;
    assert.equal(t.features.packetSize, 0x1000);
    assert.equal(stub.connection?.naks, 1);
  } finally {
    await stub.close();
  }
});

test('checksums that stay bad give up after the retry limit', { timeout: 10_000 }, async () => {
  const { error } = await connectError({
    handle: () => ({ badChecksum: 'OK' }),
    onNak: (c) => c.send({ badChecksum: 'OK' }),
  });
  assert.ok(error instanceof TargetGoneError);
  assert.match(error.message, /Bad checksum in a remote packet 4 times; connection closed/);
});

test('a bad checksum in no-ack mode is fatal: nothing can ask for a resend', { timeout: 10_000 }, async () => {
  const { error } = await connectError({ handle: (p) => (p === '?' ? { badChecksum: 'T05' } : goodReply(p)) });
  assert.match(error.message, /Bad checksum in a remote packet \(no-ack mode\)/);
});

test('a stub that rejects every packet with "-" makes the client give up', { timeout: 10_000 }, async () => {
  const { error } = await connectError({ ack: false, handle: () => ({ raw: '-' }) });
  assert.match(error.message, /rejected a packet 4 times/);
});

test('a truncated packet followed by a hang-up gives "Remote connection closed"', { timeout: 10_000 }, async () => {
  const { error } = await connectError({
    handle: (p, c) => {
      if (!p.startsWith('qSupported')) return goodReply(p);
      c.socket.end('$PacketSize=10');
      return null;
    },
  });
  assert.equal(error.message, 'Remote connection closed');
});

test('a 50 MB packet without "#" is rejected at the size cap without being buffered', { timeout: 30_000 }, async () => {
  const chunk = Buffer.alloc(1 << 20, 0x61);
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const { error, ms } = await connectError({
    handle: (p, c) => {
      if (!p.startsWith('qSupported')) return goodReply(p);
      c.socket.write('$');
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 && !c.socket.destroyed) {
          sent++;
          peak = Math.max(peak, process.memoryUsage().arrayBuffers);
          if (!c.socket.write(chunk)) {
            c.socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
      return null;
    },
  });
  assert.match(error.message, /Remote packet too long: larger than 1048576 bytes; connection closed/);
  assert.ok(peak - before < 48 << 20, `buffers grew by ${(peak - before) >> 20} MiB`);
  assert.ok(ms < 10_000);
});

test('garbage bytes around packets are skipped; garbage alone times out', { timeout: 10_000 }, async () => {
  const junk = Buffer.from([0x00, 0xff, 0x0a, 0x41, 0x42, 0x03, 0x23, 0x7d]);
  const { result, stub } = await connectTo({ handle: (p) => [{ raw: junk }, goodReply(p), { raw: junk }] });
  try {
    const t = await result;
    assert.equal(t.features.packetSize, 0x1000);
    assert.equal((await t.readRegisters(1)).get('rip'), 0n);
  } finally {
    await stub.close();
  }
  const { error } = await connectError({ handle: () => ({ raw: junk }) }, { timeoutMs: 300 });
  assert.match(error.message, /did not reply/);
});

test('a stub that answers E01 to everything fails to connect with a message naming the packet', { timeout: 10_000 }, async () => {
  const { error } = await connectError({ handle: () => 'E01' });
  assert.match(error.message, /Unexpected reply to '\?' from remote: E01/);
});

test('E NN to g and an unknown thread become one-line errors; the connection stays usable', { timeout: 10_000 }, async () => {
  const { result, stub } = await connectTo({
    handle: (p) => (p === 'g' ? 'E05' : p === 'Hg9' ? 'E02' : p.startsWith('Hg') ? 'OK' : p.startsWith('m') ? '00' : goodReply(p)),
  });
  try {
    const t = await result;
    await assert.rejects(t.readRegisters(1), /Cannot read the registers of vCPU 1 \(remote failure reply to 'g': E05\)/);
    await assert.rejects(t.readRegisters(9), /Unknown vCPU 9/);
    assert.deepEqual([...(await t.readMemory(0x1000n, 1))], [0]);
  } finally {
    await stub.close();
  }
});

test('a stub that exits before the first stop, or sends an absurd stop reply, is refused clearly', { timeout: 10_000 }, async () => {
  let r = await connectError({ handle: (p) => (p === '?' ? 'W00' : goodReply(p)) });
  assert.match(r.error.message, /no running program/);
  assert.ok(r.error instanceof UserError);
  r = await connectError({ handle: (p) => (p === '?' ? 'Tzz' : goodReply(p)) });
  assert.match(r.error.message, /Malformed stop reply/);
  assert.ok(r.error instanceof UserError);
});

test('closing while waiting for a stop rejects waitForStop with TargetGoneError', { timeout: 10_000 }, async () => {
  const { result, stub } = await connectTo({ handle: (p) => (p.startsWith('vCont;') || p === 'c' ? null : goodReply(p)) });
  try {
    const t = await result;
    await t.resume({});
    const pending = t.waitForStop();
    t.close();
    await assert.rejects(pending, TargetGoneError);
  } finally {
    await stub.close();
  }
});

test('the stub hanging up while the target runs rejects waitForStop with "Remote connection closed"', { timeout: 10_000 }, async () => {
  const { result, stub } = await connectTo({
    handle: (p, c) => {
      if (p === 'c') {
        setTimeout(() => c.socket.destroy(), 50);
        return null;
      }
      return goodReply(p);
    },
  });
  try {
    const t = await result;
    await t.resume({});
    await assert.rejects(t.waitForStop(), /Remote connection closed/);
    await assert.rejects(t.readMemory(0n, 1), TargetGoneError);
  } finally {
    await stub.close();
  }
});

test('a run-length encoded reply that would expand past the cap is rejected', { timeout: 10_000 }, async () => {
  const { error } = await connectError(
    { handle: (p) => (p.startsWith('qSupported') ? { raw: frame(`0${'*~'.repeat(2000)}`) } : goodReply(p)) },
    { maxPacketBytes: 65536 },
  );
  assert.match(error.message, /expands beyond 65536 bytes/);
});
