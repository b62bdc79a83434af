// The gdb-remote backend against a minimal gdbsx-like fake stub: every fallback (no qSupported, vCont, X, Z0, P, target.xml).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryError } from '../../src/target/contract.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { FakeStub, le32, le64, type FakeStubConnection, type StubAction } from '../helpers/fake-stub.js';

const MEM_BASE = 0x1000n;
const MEM_SIZE = 0x2000;

/** gdbsx-like registers: rax..r15, rip, eflags, cs ss ds es fs gs (a short g packet). */
class Vcpu {
  gpr = Array.from({ length: 17 }, (_, i) => BigInt(i) * 0x100n); // rip = 0x1000
  eflags = 0x246;
  segs = [0x33, 0x2b, 0, 0, 0, 0];
  toHex(): string {
    return this.gpr.map(le64).join('') + le32(this.eflags) + this.segs.map(le32).join('');
  }
  fromHex(hex: string): void {
    const b = Buffer.from(hex, 'hex');
    for (let i = 0; i < 17; i++) this.gpr[i] = b.readBigUInt64LE(i * 8);
    this.eflags = b.readUInt32LE(136);
    for (let i = 0; i < 6; i++) this.segs[i] = b.readUInt32LE(140 + i * 4);
  }
}

/** Run-length encodes long runs as gdbserver does (never with a count char of '#' or '$'). */
function rle(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    let n = 1;
    while (i + n < text.length && text[i + n] === text[i] && n < 98) n++;
    let extra = n - 1;
    if (extra === 6 || extra === 7) extra = 5;
    if (extra >= 3) {
      out += text[i] + '*' + String.fromCharCode(29 + extra);
      i += extra + 1;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** A minimal stub: answers only the packets gdbsx answers, in ack mode. */
class MiniStub {
  memory = Buffer.alloc(MEM_SIZE, 0x90);
  vcpus = [new Vcpu(), new Vcpu()];
  current = 0;
  onContinue: (conn: FakeStubConnection) => StubAction = () => 'T05thread:1;';

  handle(p: string): StubAction {
    const inMem = (addr: bigint, len: number): boolean => addr >= MEM_BASE && addr + BigInt(len) <= MEM_BASE + BigInt(MEM_SIZE);
    if (p === '?') return 'T05thread:0;';
    if (p === 'qfThreadInfo') return 'm0,1';
    if (p === 'qsThreadInfo') return 'l';
    if (/^H[gc]/.test(p)) {
      const id = parseInt(p.slice(2), 16);
      if (id >= 0) this.current = id;
      return 'OK';
    }
    if (p === 'g') return rle(this.vcpus[this.current]!.toHex());
    if (p.startsWith('G')) {
      this.vcpus[this.current]!.fromHex(p.slice(1));
      return 'OK';
    }
    let m = /^m([0-9a-f]+),([0-9a-f]+)$/.exec(p);
    if (m) {
      const addr = BigInt(`0x${m[1]}`);
      const len = parseInt(m[2]!, 16);
      if (!inMem(addr, len)) return 'E03';
      const off = Number(addr - MEM_BASE);
      return this.memory.subarray(off, off + len).toString('hex');
    }
    m = /^M([0-9a-f]+),([0-9a-f]+):([0-9a-f]*)$/.exec(p);
    if (m) {
      const addr = BigInt(`0x${m[1]}`);
      const data = Buffer.from(m[3]!, 'hex');
      if (!inMem(addr, data.length)) return 'E03';
      data.copy(this.memory, Number(addr - MEM_BASE));
      return 'OK';
    }
    if (p === 's') {
      this.vcpus[this.current]!.gpr[16]! += 1n;
      return `T05thread:${this.current.toString(16)};`;
    }
    if (p === 'D') return 'OK';
    if (p === 'k') return null;
    return ''; // qSupported, vCont?, X, Z0, p, P, qThreadExtraInfo, vKill...: not supported
  }
}

async function withMiniStub(body: (t: GdbRemoteTarget, stub: MiniStub, fake: FakeStub) => Promise<void>): Promise<void> {
  const stub = new MiniStub();
  const fake = await FakeStub.start({ handle: (p, conn) => (p === 'c' ? stub.onContinue(conn) : stub.handle(p)) });
  const t = await GdbRemoteTarget.connect('127.0.0.1', fake.port, { timeoutMs: 2000 });
  try {
    await body(t, stub, fake);
  } finally {
    t.close();
    await fake.close();
  }
}

test('a stub without qSupported gets the built-in layout from a short, run-length encoded g packet', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, stub) => {
    assert.equal(t.layout.source, 'built-in amd64');
    assert.equal(t.features.packetSize, undefined);
    assert.equal(t.z0Supported, false);
    assert.deepEqual((await t.listVcpus()).map((v) => v.id), [0, 1]);
    stub.vcpus[1]!.gpr[16] = 0xffffffff80001234n;
    const regs = await t.readRegisters(1);
    assert.equal(regs.get('rip'), 0xffffffff80001234n);
    assert.equal(regs.get('rbx'), 0x100n);
    assert.equal(regs.get('eflags'), 0x246n);
    assert.equal(regs.get('ss'), 0x2bn);
    assert.equal(regs.has('st0'), false); // beyond the short g packet
    assert.equal((await t.readRegisters(0)).get('rip'), 0x1000n);
  });
});

test('without PacketSize, reads are split into 400-byte packets; writes fall back from X to M once', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, stub, fake) => {
    stub.memory.fill(0xab, 0, 1000);
    assert.deepEqual(Buffer.from(await t.readMemory(MEM_BASE, 1000)), Buffer.alloc(1000, 0xab));
    const reads = fake.requests.filter((r) => r.startsWith('m')).map((r) => parseInt(r.split(',')[1]!, 16));
    assert.ok(reads.length >= 6 && reads.every((n) => n * 2 + 4 <= 400), `read sizes ${reads}`);
    const data = Buffer.from([0x23, 0x24, 0x7d, 0x2a, 0x00, 0x01]);
    await t.writeMemory(MEM_BASE + 0x10n, data);
    await t.writeMemory(MEM_BASE + 0x20n, data);
    assert.deepEqual(Buffer.from(await t.readMemory(MEM_BASE + 0x10n, 6)), data);
    assert.deepEqual(stub.memory.subarray(0x20, 0x26), data);
    assert.equal(fake.requests.filter((r) => r.startsWith('X')).length, 1, 'X tried once');
    await assert.rejects(t.readMemory(0n, 4), (e: unknown) => e instanceof MemoryError && e.address === 0n);
    await assert.rejects(t.readMemory(MEM_BASE + BigInt(MEM_SIZE) - 2n, 4), MemoryError);
    await assert.rejects(t.writeMemory(0x10n, Uint8Array.of(1)), MemoryError);
  });
});

test('without P, register writes go through g + G and touch only the named registers', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, stub) => {
    await t.writeRegisters(1, new Map([['rax', 0xdeadbeefn], ['eflags', 0x202n]]));
    assert.equal(stub.vcpus[1]!.gpr[0], 0xdeadbeefn);
    assert.equal(stub.vcpus[1]!.eflags, 0x202);
    assert.equal(stub.vcpus[1]!.gpr[1], 0x100n);
    assert.equal(stub.vcpus[0]!.gpr[0], 0n);
    assert.equal((await t.readRegisters(1)).get('rax'), 0xdeadbeefn);
    await assert.rejects(t.writeRegisters(1, new Map([['st0', 1n]])), /not in the stub's g packet/);
  });
});

test('without vCont, a step selects the vCPU with Hc and sends s', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, _stub, fake) => {
    await t.resume({ step: 1 });
    assert.deepEqual(await t.waitForStop(), { vcpu: 1, reason: { kind: 'trap' } });
    assert.deepEqual(fake.requests.slice(-2), ['Hc1', 's']);
    assert.equal((await t.readRegisters(1)).get('rip'), 0x1001n);
    await assert.rejects(t.insertBreakpoint(0x1000n), /does not support Z0/);
  });
});

test('O packets before a stop reach onOutput in order, with a UTF-8 character split across packets', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, stub) => {
    const bytes = Buffer.from('héllo\n', 'utf8');
    const hex = (b: Buffer): string => `O${b.toString('hex')}`;
    stub.onContinue = () => [hex(bytes.subarray(0, 2)), hex(bytes.subarray(2)), 'T05thread:1;'];
    let text = '';
    t.onOutput = (s) => (text += s);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { vcpu: 1, reason: { kind: 'trap' } });
    assert.equal(text, 'héllo\n');
  });
});

test('interrupt sends 0x03 and the SIGINT stop is reported as interrupted', { timeout: 20_000 }, async () => {
  const stub = new MiniStub();
  const fake = await FakeStub.start({
    handle: (p) => (p === 'c' ? null : stub.handle(p)),
    onInterrupt: (conn) => conn.send('T02thread:0;'),
  });
  const t = await GdbRemoteTarget.connect('127.0.0.1', fake.port, { timeoutMs: 2000 });
  try {
    await t.resume({});
    await assert.rejects(t.readMemory(MEM_BASE, 1), /while the target is running/);
    await t.interrupt();
    assert.deepEqual(await t.waitForStop(), { vcpu: 0, reason: { kind: 'interrupted' } });
    assert.equal(fake.connection?.interrupts, 1);
  } finally {
    t.close();
    await fake.close();
  }
});

test('multiprocess thread ids (pPID.TID) are sent back as the stub wrote them, in Hg, vCont and vKill', { timeout: 20_000 }, async () => {
  const stub = new MiniStub();
  const fake = await FakeStub.start({
    handle: (p) => {
      if (p === '?') return 'T05thread:p10.11;';
      if (p === 'qfThreadInfo') return 'mp10.11,p10.12';
      if (p === 'vCont?') return 'vCont;c;C;s;S';
      if (p.startsWith('vCont;')) return 'T05thread:p10.12;';
      if (p.startsWith('vKill')) return 'OK';
      if (p.startsWith('Hg')) return 'OK';
      return stub.handle(p);
    },
  });
  const t = await GdbRemoteTarget.connect('127.0.0.1', fake.port, { timeoutMs: 2000 });
  try {
    assert.deepEqual((await t.listVcpus()).map((v) => v.id), [0x11, 0x12]);
    await t.readRegisters(0x12);
    assert.ok(fake.requests.includes('Hgp10.12'));
    await t.resume({ step: 0x12, only: 0x12 });
    assert.deepEqual(await t.waitForStop(), { vcpu: 0x12, reason: { kind: 'trap' } });
    await t.resume({ step: 0x12 });
    await t.waitForStop();
    await t.resume({ only: 0x11 });
    await t.waitForStop();
    assert.deepEqual(fake.requests.filter((r) => r.startsWith('vCont;')), ['vCont;s:p10.12', 'vCont;s:p10.12;c', 'vCont;c:p10.11']);
    await t.kill();
    assert.ok(fake.requests.includes('vKill;10'));
  } finally {
    t.close();
    await fake.close();
  }
});

test('detach sends D and closes; kill falls back to k when vKill is unknown and does not wait for a reply', { timeout: 20_000 }, async () => {
  await withMiniStub(async (t, _stub, fake) => {
    await t.detach();
    assert.equal(fake.requests.at(-1), 'D');
    await assert.rejects(t.readMemory(MEM_BASE, 1), /Remote connection closed/);
  });
  await withMiniStub(async (t, _stub, fake) => {
    const t0 = Date.now();
    await t.kill();
    assert.deepEqual(fake.requests.slice(-2), ['vKill;1', 'k']);
    assert.ok(Date.now() - t0 < 2500);
  });
});

test('a QEMU-like stub: target.xml read in chunks with an xi:include, a g packet in its order, p for the rest', { timeout: 20_000 }, async () => {
  const names = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip'];
  const core = `<?xml version="1.0"?><!DOCTYPE feature SYSTEM "gdb-target.dtd"><feature name="org.gnu.gdb.i386.core">
    ${names.map((n) => `<reg name="${n}" bitsize="64" type="int64"/>`).join('\n    ')}
    <reg name="eflags" bitsize="32" type="i386_eflags"/>
    <reg name="fs_base" bitsize="64" type="int64" regnum="40"/><reg name="gs_base" bitsize="64" type="int64"/></feature>`;
  const files: Record<string, string> = {
    'target.xml': '<?xml version="1.0"?><target><architecture>i386:x86-64</architecture><xi:include href="core.xml"/></target>',
    'core.xml': core,
  };
  const xfers: string[] = [];
  const fake = await FakeStub.start({
    handle: (p) => {
      if (p.startsWith('qSupported')) return 'PacketSize=100;qXfer:features:read+;vContSupported+';
      const x = /^qXfer:features:read:([^:]+):([0-9a-f]+),([0-9a-f]+)$/.exec(p);
      if (x) {
        xfers.push(x[1]!);
        const text = files[x[1]!];
        if (text === undefined) return 'E00';
        const off = parseInt(x[2]!, 16);
        const part = text.slice(off, off + parseInt(x[3]!, 16));
        return (off + part.length >= text.length ? 'l' : 'm') + part;
      }
      if (p === '?') return 'T05thread:01;';
      if (p === 'g') return names.map((_, i) => le64(BigInt(i + 1))).join('') + le32(0x202); // up to eflags only
      if (p === 'p28') return le64(0x7f0000001000n);
      if (p === 'p29') return 'E14';
      if (p.startsWith('Hg')) return 'OK';
      return '';
    },
  });
  const t = await GdbRemoteTarget.connect('127.0.0.1', fake.port, { timeoutMs: 2000 });
  try {
    assert.equal(t.layout.source, 'target.xml');
    assert.ok(xfers.filter((f) => f === 'core.xml').length >= 3, 'core.xml read in several chunks');
    const regs = await t.readRegisters(1);
    assert.equal(regs.get('rip'), 17n);
    assert.equal(regs.get('eflags'), 0x202n);
    assert.equal(regs.get('fs_base'), 0x7f0000001000n); // fetched with p, regnum 40 = 0x28
    assert.equal(regs.has('gs_base'), false); // E14: left out rather than failing the whole read
  } finally {
    t.close();
    await fake.close();
  }
});
