// GDB remote protocol pieces without a stub: framing, escaping, run-length, stop replies, target descriptions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQSupported, parseVContActions } from '../../src/target/gdb-remote/features.js';
import {
  PacketError, PacketReader, checksum, decodePayload, escapeBinary, framePacket,
} from '../../src/target/gdb-remote/packets.js';
import { builtinAmd64Layout, parseTargetDescription } from '../../src/target/gdb-remote/registers.js';
import { parseStopReply, parseThreadId, signalName } from '../../src/target/gdb-remote/stop-reply.js';

test('a framed packet carries the modulo-256 checksum in two hex digits', () => {
  assert.equal(framePacket('qSupported').toString('latin1'), '$qSupported#37');
  assert.equal(framePacket('').toString('latin1'), '$#00');
  assert.equal(checksum(Buffer.from('g')), 0x67);
});

test('binary data escapes # $ } * and decodes back to the same bytes', () => {
  const data = Buffer.from([0x23, 0x24, 0x7d, 0x2a, 0x00, 0xff, 0x41]);
  const esc = escapeBinary(data);
  assert.deepEqual([...esc], [0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x7d, 0x0a, 0x00, 0xff, 0x41]);
  assert.deepEqual(decodePayload(esc, 1024), data);
});

test('run-length encoding repeats the previous character count-29 times', () => {
  // "0* " = '0' then 32-29 = 3 more zeros; '}' escapes survive alongside.
  assert.equal(decodePayload(Buffer.from('0* 1'), 100).toString(), '00001');
  assert.equal(decodePayload(Buffer.from('a*"b'), 100).toString(), 'aaaaaab');
  assert.equal(decodePayload(Buffer.from('}]*!'), 100).toString(), '}}}}}');
  assert.throws(() => decodePayload(Buffer.from('*"'), 100), PacketError);
  assert.throws(() => decodePayload(Buffer.from('a*~a*~'), 100), /expands beyond 100 bytes/);
});

test('the reader finds packets split across chunks and verifies checksums', () => {
  const r = new PacketReader(1000);
  const wire = Buffer.concat([Buffer.from('+'), framePacket('OK'), Buffer.from('$OK#00'), Buffer.from('-')]);
  const events = [];
  for (let i = 0; i < wire.length; i += 3) events.push(...r.feed(wire.subarray(i, i + 3)));
  assert.deepEqual(events.map((e) => e.kind), ['ack', 'packet', 'packet', 'nak']);
  const [, good, bad] = events;
  assert.ok(good?.kind === 'packet' && good.checksumOk && good.raw.toString() === 'OK');
  assert.ok(bad?.kind === 'packet' && !bad.checksumOk);
});

test('the reader skips garbage, restarts on a new $ and rejects an oversized packet', () => {
  const r = new PacketReader(16);
  const ev = r.feed(Buffer.from('junk\x00$trunc$OK#9a'));
  assert.deepEqual(ev.map((e) => e.kind), ['garbage', 'packet']);
  assert.throws(() => r.feed(Buffer.from(`$${'x'.repeat(17)}`)), /larger than 16 bytes/);
});

test('stop replies: T with thread, core, swbreak and expedited registers; S; W; X; O', () => {
  const t = parseStopReply('T05thread:p1f.20;core:3;swbreak:;06:0000000000000000;10:7011400000000000;');
  assert.equal(t.kind, 'signal');
  if (t.kind !== 'signal') return;
  assert.equal(t.signal, 5);
  assert.deepEqual({ pid: t.thread?.pid, tid: t.thread?.tid }, { pid: 0x1f, tid: 0x20 });
  assert.equal(t.core, 3);
  assert.equal(t.reason, 'swbreak');
  assert.equal(t.registers.get(16)?.readBigUInt64LE(), 0x401170n);
  const w = parseStopReply('T05watch:601040;thread:1;');
  assert.ok(w.kind === 'signal' && w.reason === 'watch' && w.watchAddress === 0x601040n);
  assert.deepEqual(parseStopReply('S0b'), { kind: 'signal', signal: 11, registers: new Map(), namedRegisters: new Map() });
  assert.deepEqual(parseStopReply('W07'), { kind: 'exited', code: 7, pid: undefined });
  assert.deepEqual(parseStopReply('X09;process:1a'), { kind: 'terminated', signal: 9, pid: 0x1a });
  const o = parseStopReply('O68690a');
  assert.ok(o.kind === 'output' && o.bytes.toString() === 'hi\n');
  assert.throws(() => parseStopReply('Tzz'), PacketError);
});

test('thread ids parse in plain, multiprocess and all-threads forms', () => {
  assert.deepEqual(parseThreadId('1a'), { tid: 26, text: '1a' });
  assert.deepEqual(parseThreadId('p2.3'), { pid: 2, tid: 3, text: 'p2.3' });
  assert.equal(parseThreadId('-1').tid, -1);
  assert.equal(parseThreadId('p5').tid, -1);
  assert.throws(() => parseThreadId('zz'), PacketError);
});

test('signal numbers use gdb numbering, not the host kernel numbering', () => {
  assert.equal(signalName(5), 'SIGTRAP');
  assert.equal(signalName(11), 'SIGSEGV');
  assert.equal(signalName(30), 'SIGUSR1'); // 10 on Linux, 30 in the protocol
  assert.equal(signalName(200), 'SIG200');
});

test('qSupported and vCont? replies give the features; an empty reply offers nothing', () => {
  const f = parseQSupported('PacketSize=47ff;QStartNoAckMode+;swbreak+;qXfer:features:read+;multiprocess-;vContSupported+');
  assert.equal(f.packetSize, 0x47ff);
  assert.ok(f.noAckMode && f.swbreak && f.targetXml && f.vContSupported && !f.multiprocess && !f.hwbreak);
  const none = parseQSupported('');
  assert.ok(!none.noAckMode && !none.targetXml && none.packetSize === undefined);
  assert.deepEqual([...parseVContActions('vCont;c;C;s;S')], ['c', 'C', 's', 'S']);
  assert.equal(parseVContActions('').size, 0);
});

test('target.xml with xi:include gives regnums and g-packet offsets in order', async () => {
  const files: Record<string, string> = {
    'target.xml': `<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">
      <target><architecture>i386:x86-64</architecture><xi:include href="core.xml"/><xi:include href="extra.xml"/></target>`,
    'core.xml': `<feature name="org.gnu.gdb.i386.core"><!-- <reg name="bogus" bitsize="8"/> -->
      <reg name="rax" bitsize="64" type="int64" regnum="0"/><reg name="rbx" bitsize="64"/>
      <reg name="eflags" bitsize="32" type="i386_eflags"/></feature>`,
    'extra.xml': `<feature name="x"><reg name='fs_base' bitsize='64' regnum='10' group='system'/></feature>`,
  };
  const layout = await parseTargetDescription(async (annex) => {
    const f = files[annex];
    if (f === undefined) throw new Error(`no ${annex}`);
    return f;
  });
  assert.equal(layout.architecture, 'i386:x86-64');
  assert.deepEqual(layout.registers.map((r) => [r.name, r.regnum, r.offset]), [
    ['rax', 0, 0], ['rbx', 1, 8], ['eflags', 2, 16], ['fs_base', 10, 20],
  ]);
  const values = layout.decodeG('0100000000000000' + 'xxxxxxxxxxxxxxxx' + '46020000');
  assert.deepEqual([...values], [['rax', 1n], ['eflags', 0x246n]]);
});

test('a target description that includes itself fails instead of recursing forever', async () => {
  await assert.rejects(parseTargetDescription(async () => '<target><xi:include href="target.xml"/></target>'), /nest too deeply/);
});

test('the built-in amd64 layout follows gdb order: 16 GPRs, rip, eflags, 6 segments, x87, sse', () => {
  const l = builtinAmd64Layout();
  const at = (n: string): number | undefined => l.byName.get(n)?.offset;
  assert.deepEqual([at('rax'), at('rsp'), at('r15'), at('rip'), at('eflags'), at('cs'), at('gs'), at('st0'), at('fctrl'), at('xmm0'), at('mxcsr')],
    [0, 56, 120, 128, 136, 140, 160, 164, 244, 276, 532]);
  assert.equal(l.fullSize, 536);
  assert.equal(l.byName.get('mxcsr')?.regnum, 56);
});
