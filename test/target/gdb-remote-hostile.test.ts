// Everything a broken or malicious stub can send: each case ends in one clear line (or a sound result), within a deadline, in bounded memory.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TargetGoneError } from '../../src/target/contract.js';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { UserError } from '../../src/util/errors.js';
import { FakeStub, frame, le64, type FakeStubConnection, type FakeStubOptions, type StubAction } from '../helpers/fake-stub.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Per case: the deadline (well under the test timeout) and the RSS growth allowed. */
const DEADLINE_MS = 15_000;
const RSS_CAP_MIB = 96;
const MIB = 1 << 20;

interface CaseResult {
  name: string;
  ms: number;
  rssMiB: number;
  outcome: string;
}
const results: CaseResult[] = [];

/** Replies of a stub that works (built-in amd64 layout, no vCont): enough to connect and run. */
function goodReply(p: string): StubAction {
  if (p.startsWith('qSupported')) return 'PacketSize=1000;QStartNoAckMode+';
  if (p === 'QStartNoAckMode') return 'OK';
  if (p === '?') return 'T05thread:1;';
  if (p === 'qfThreadInfo') return 'm1';
  if (p === 'qsThreadInfo') return 'l';
  if (p === 'g') return `${le64(0x1111n).repeat(16)}${le64(0x401000n)}`;
  if (p.startsWith('Hg')) return p === 'Hg1' ? 'OK' : 'E01';
  if (p.startsWith('m')) return '00'.repeat(parseInt(p.split(',')[1] ?? '1', 16));
  return '';
}

/** A stub answering `overrides` first and goodReply for the rest. */
function stubWith(overrides: (p: string, c: FakeStubConnection) => StubAction | undefined, extra: Partial<FakeStubOptions> = {}): FakeStubOptions {
  return {
    handle: (p, c) => {
      const action = overrides(p, c);
      return action === undefined ? goodReply(p) : action; // null: no reply at all
    },
    ...extra,
  };
}

/** A message fit for the user: one line, our error classes (no internal error, no stack). */
function assertClearLine(e: unknown): string {
  assert.ok(e instanceof UserError || e instanceof TargetGoneError, `not a user-facing error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  assert.ok(!e.message.includes('\n'), `more than one line: ${JSON.stringify(e.message)}`);
  assert.doesNotMatch(e.message, /internal error|undefined|NaN|\bat .+:\d+:\d+/);
  return e.message;
}

/**
 * Runs one case against a fresh stub: `body` drives the target and returns what the user would see
 * (an error's message is checked by assertClearLine). The case must finish within DEADLINE_MS and
 * grow RSS by less than `rssCapMiB` (sampled every 10 ms from a collected baseline).
 */
async function hostile(
  name: string,
  stubOpts: FakeStubOptions,
  body: (connect: (o?: GdbRemoteOptions) => Promise<GdbRemoteTarget>) => Promise<string>,
  expect: RegExp,
  rssCapMiB = RSS_CAP_MIB,
): Promise<void> {
  gc();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const stub = await FakeStub.start(stubOpts);
  const targets: GdbRemoteTarget[] = [];
  const connect = async (o: GdbRemoteOptions = {}): Promise<GdbRemoteTarget> => {
    const t = await GdbRemoteTarget.connect('127.0.0.1', stub.port, { timeoutMs: 1000, ...o });
    targets.push(t);
    return t;
  };
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let outcome: string;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: no answer within ${DEADLINE_MS} ms (hang)`)), DEADLINE_MS);
    });
    const run = body(connect).then(
      (ok) => `ok: ${ok}`,
      (e: unknown) => assertClearLine(e),
    );
    outcome = await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    for (const t of targets) t.close();
    await stub.close();
  }
  const ms = Date.now() - t0;
  const rssMiB = (peak - base) / MIB;
  results.push({ name, ms, rssMiB, outcome });
  assert.match(outcome, expect);
  assert.ok(rssMiB < rssCapMiB, `${name}: RSS grew by ${rssMiB.toFixed(1)} MiB (cap ${rssCapMiB})`);
}

/** connect() must fail: returns after throwing its error for hostile() to check. */
async function connectOnly(connect: (o?: GdbRemoteOptions) => Promise<GdbRemoteTarget>, o?: GdbRemoteOptions): Promise<string> {
  const t = await connect(o);
  return `connected (${t.layout.registers.length} registers)`;
}

/** `count` MiB of `byte`, then `tail`, as raw bytes (a generator: nothing is held). */
function* rawFlood(head: string, mib: number, tail = '', byte = 0x61): Generator<Buffer> {
  yield Buffer.from(head, 'latin1');
  const chunk = Buffer.alloc(MIB, byte);
  for (let i = 0; i < mib; i++) yield chunk;
  if (tail) yield Buffer.from(tail, 'latin1');
}

/** O packets of 2 KiB of text each: `mib` MiB of them (Infinity: until `stop()` says so), then `last`. */
function* outputFlood(mib: number, last: string | undefined, stop: () => boolean = () => false): Generator<Buffer | string> {
  const packet = frame(`O${Buffer.alloc(2048, 'x').toString('hex')}`);
  const count = (mib * MIB) / packet.length;
  for (let i = 0; i < count && !stop(); i++) yield packet;
  if (last !== undefined) yield last;
}

/** A target description from its documents (name -> XML), served through qXfer in 'l' chunks. */
function xmlStub(docs: Record<string, string>): FakeStubOptions {
  return stubWith((p) => {
    if (p.startsWith('qSupported')) return 'PacketSize=4000;qXfer:features:read+';
    const m = /^qXfer:features:read:([^:]+):([0-9a-f]+),([0-9a-f]+)$/.exec(p);
    if (!m) return undefined;
    const doc = docs[m[1]!];
    if (doc === undefined) return 'E00';
    const off = parseInt(m[2]!, 16);
    const len = parseInt(m[3]!, 16);
    const part = doc.slice(off, off + len);
    return `${off + len >= doc.length ? 'l' : 'm'}${part}`;
  });
}

const reg = (name: string, bits = 64, extra = ''): string => `<reg name="${name}" bitsize="${bits}"${extra}/>`;
const core64 = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip'].map((n) => reg(n)).join('');

// ---- framing: sizes, run-length encoding, escapes, checksums ----

test('packets far beyond any sane size, with or without "#", are cut off at the cap', { timeout: 60_000 }, async () => {
  const cases: [string, () => Iterable<Buffer>][] = [
    ['100 MB packet without #', () => rawFlood('$', 100)],
    ['100 MB packet with # and checksum', () => rawFlood('$', 100, '#00')],
    ['never-ending packet', () => rawFlood('$', Number.POSITIVE_INFINITY)],
    ['100 MB notification (%) packet', () => rawFlood('%Stop:', 100)],
  ];
  for (const [name, flood] of cases) {
    await hostile(name, stubWith((p) => (p.startsWith('qSupported') ? { stream: flood() } : undefined)), connectOnly, /^Remote packet too long: larger than 1048576 bytes; connection closed$/);
  }
});

test('endless garbage outside packets is counted, never kept, and the request times out', { timeout: 30_000 }, async () => {
  await hostile('100 MB of garbage, no $', stubWith((p) => (p.startsWith('qSupported') ? { stream: rawFlood('', 100) } : undefined)),
    (c) => connectOnly(c, { timeoutMs: 3000 }), /did not reply to 'qSupported.*' within 3000 ms; connection closed$/);
});

test('run-length encodings that explode are refused at the cap', { timeout: 60_000 }, async () => {
  // '*~' repeats the previous byte 97 times: 20,000 of them expand a 40 KB packet to 1.9 MB.
  await hostile('RLE bomb (*~ x 20000)', stubWith((p) => (p.startsWith('qSupported') ? { raw: frame(`0${'*~'.repeat(20_000)}`) } : undefined)),
    connectOnly, /^Remote packet too long: its run-length encoding expands beyond 1048576 bytes; connection closed$/);
  await hostile('RLE bomb in a g reply', stubWith((p) => (p === 'g' ? { raw: frame(`0${'*~'.repeat(20_000)}`) } : undefined)),
    async (c) => (await c()).readRegisters(1).then(() => 'read'), /^Remote packet too long: its run-length encoding/);
  await hostile('RLE at the start of a packet', stubWith((p) => (p.startsWith('qSupported') ? { raw: frame('*~') } : undefined)),
    connectOnly, /^Malformed run-length encoding in remote packet; connection closed$/);
  await hostile('RLE with a negative count', stubWith((p) => (p.startsWith('qSupported') ? { raw: frame('0*\x10') } : undefined)),
    connectOnly, /^Malformed run-length encoding in remote packet; connection closed$/);
  await hostile('reply ending inside an escape', stubWith((p) => (p.startsWith('qSupported') ? { raw: frame('PacketSize=1000}') } : undefined)),
    connectOnly, /^Remote packet ends inside an escape; connection closed$/);
});

test('binary X writes whose chunks end in escaped bytes arrive intact', { timeout: 30_000 }, async () => {
  const written: Buffer[] = [];
  const unescape = (s: string): Buffer => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) === 0x7d ? s.charCodeAt(++i) ^ 0x20 : s.charCodeAt(i));
    return Buffer.from(out);
  };
  const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => [0x23, 0x24, 0x7d, 0x2a, 0x41][i % 5]!));
  await hostile('X writes of all-escape data, 64-byte packets', stubWith((p) => {
    if (p.startsWith('qSupported')) return 'PacketSize=40';
    if (!p.startsWith('X')) return undefined;
    const colon = p.indexOf(':');
    const bytes = unescape(p.slice(colon + 1));
    assert.equal(bytes.length, parseInt(p.slice(1, colon).split(',')[1]!, 16), 'X length field matches its data');
    written.push(bytes);
    return 'OK';
  }), async (c) => {
    await (await c()).writeMemory(0x1000n, data);
    assert.deepEqual(Buffer.concat(written), data);
    return `${written.length} X packets`;
  }, /^ok: \d+ X packets$/);
});

test('bad checksums forever, in ack and no-ack mode, end the connection', { timeout: 30_000 }, async () => {
  await hostile('bad checksum forever (ack mode)', { handle: () => ({ badChecksum: 'OK' }), onNak: (c) => c.send({ badChecksum: 'OK' }) },
    connectOnly, /^Bad checksum in a remote packet 4 times; connection closed$/);
  await hostile('bad checksum in no-ack mode', stubWith((p) => (p === '?' ? { badChecksum: 'T05' } : undefined)),
    connectOnly, /^Bad checksum in a remote packet \(no-ack mode\); connection closed$/);
  await hostile('every packet answered with -', { ack: false, handle: () => ({ raw: '-' }) }, connectOnly, /rejected a packet 4 times; connection closed$/);
});

// ---- silence, hang-ups, acks only ----

test('half a packet then silence, a hang-up mid-packet, acks only: each ends at once or at the timeout', { timeout: 60_000 }, async () => {
  await hostile('half a packet, then silence', stubWith((p) => (p.startsWith('qSupported') ? { raw: '$PacketSize=10' } : undefined)),
    (c) => connectOnly(c, { timeoutMs: 500 }), /did not reply to 'qSupported.*' within 500 ms; connection closed$/);
  await hostile('half a g reply, then silence', stubWith((p) => (p === 'g' ? { raw: '$0000' } : undefined)),
    async (c) => (await c({ timeoutMs: 500 })).readRegisters(1).then(() => 'read'), /did not reply to 'g' within 500 ms; connection closed$/);
  await hostile('hang-up mid-packet', stubWith((p, c) => {
    if (!p.startsWith('qSupported')) return undefined;
    c.socket.end('$PacketSize=10');
    return null;
  }), connectOnly, /^Remote connection closed$/);
  await hostile('hang-up mid-g reply', stubWith((p, c) => {
    if (p !== 'g') return undefined;
    c.socket.end('$00000000');
    return null;
  }), async (c) => (await c()).readRegisters(1).then(() => 'read'), /^Remote connection closed$/);
  await hostile("'+' acks only", { handle: () => null }, (c) => connectOnly(c, { timeoutMs: 500 }), /did not reply to 'qSupported.*' within 500 ms/);
});

// The resume wait must not time out (issue 14 item 6, fixed in connection.ts on another branch):
// until that lands the silent stub's connection is dropped after timeoutMs and detach says nothing.
test('silence while running, an interrupt never answered, then detach: "The target did not stop"', {
  timeout: 30_000,
}, async () => {
  await hostile('silence while running, interrupt never answered, then detach', stubWith((p) => (p === 'c' ? null : undefined)), async (c) => {
    const t = await c({ timeoutMs: 500 });
    await t.resume({});
    await t.interrupt();
    await t.detach();
    return 'detached';
  }, /^The target did not stop$/);
});

test('a stub that answers every request with a stop reply is refused clearly', { timeout: 30_000 }, async () => {
  await hostile('every reply is T05', { handle: () => 'T05thread:1;' }, async (c) => {
    const t = await c();
    await t.readRegisters(1);
    return 'read';
  }, /^Remote replied unexpectedly to 'g': T05thread:1;$/);
});

// ---- program output floods ----

test('a 50 MB flood of O packets while running: output capped with one notice, then the stop', { timeout: 60_000 }, async () => {
  let received = 0;
  let notices = 0;
  await hostile('50 MB O flood, then a stop', stubWith((p) => (p === 'c' ? { stream: outputFlood(50, 'T05thread:1;') } : undefined)), async (c) => {
    const t = await c({ onOutput: (text) => { received += text.length; notices += (text.match(/\[program output truncated/g) ?? []).length; } });
    await t.resume({});
    const ev = await t.waitForStop();
    assert.equal(notices, 1);
    assert.ok(received < 1.1 * MIB, `passed on ${received} characters`);
    return `stopped (${ev.reason.kind}), ${(received / MIB).toFixed(2)} MiB passed on`;
  }, /^ok: stopped \(trap\)/);
});

test('an unbounded O flood: interrupted when the stub answers, bounded failure when it does not', { timeout: 60_000 }, async () => {
  let interrupted = false;
  await hostile('endless O flood, answered interrupt', stubWith((p) => (p === 'c' ? { stream: outputFlood(Infinity, 'T02thread:1;', () => interrupted) } : undefined),
    { onInterrupt: () => void (interrupted = true) }), async (c) => {
    const t = await c();
    await t.resume({});
    await new Promise((r) => setTimeout(r, 1500));
    await t.interrupt();
    const ev = await t.waitForStop();
    return `stopped (${ev.reason.kind})`;
  }, /^ok: stopped \(interrupted\)$/);
  await hostile('endless O flood, interrupt never answered, then detach', stubWith((p) => (p === 'c' ? { stream: outputFlood(Infinity, undefined) } : undefined)), async (c) => {
    const t = await c({ timeoutMs: 1000 });
    await t.resume({});
    await new Promise((r) => setTimeout(r, 1000));
    await t.detach();
    return 'detached';
  }, /^The target did not stop$/);
  await hostile('endless O flood before the answer to ?', stubWith((p) => (p === '?' ? { stream: outputFlood(Infinity, undefined) } : undefined)),
    connectOnly, /^Remote replied unexpectedly to '\?': 4096 output packets and no stop reply$/);
});

test('O packets that are not hex are skipped; the stop still arrives', { timeout: 30_000 }, async () => {
  let out = '';
  await hostile('non-hex O packets', stubWith((p) => (p === 'c' ? ['Ozz', 'O1', 'O 41', `O${Buffer.from('ok\n').toString('hex')}`, 'T05thread:1;'] : undefined)), async (c) => {
    const t = await c({ onOutput: (s) => (out += s) });
    await t.resume({});
    const ev = await t.waitForStop();
    assert.equal(out, 'ok\n');
    return `stopped (${ev.reason.kind})`;
  }, /^ok: stopped \(trap\)$/);
});

// ---- stop replies ----

test('stop replies for unknown threads and T packets with absurd register fields', { timeout: 30_000 }, async () => {
  await hostile('stop for a thread never listed', stubWith((p) => (p === 'c' ? 'T05thread:99;' : undefined)), async (c) => {
    const t = await c();
    await t.resume({});
    const ev = await t.waitForStop();
    assert.equal(ev.vcpu, 0x99);
    // The stub made it the general thread: g reads it, as gdb would.
    const regs = await t.readRegisters(ev.vcpu!);
    return `read ${regs.size} registers`;
  }, /^ok: read 17 registers$/);
  const fields = [
    ...Array.from({ length: 500 }, (_, i) => `${(1000 + i).toString(16)}:${le64(BigInt(i))}`), // out of range
    '10:01', // rip, one byte instead of eight
    `7:${'ab'.repeat(4096)}`, // rsp, 4 KiB
    'ffffffffffffffffffff:00', // a regnum beyond 2^64
    'thread:1',
  ].join(';');
  await hostile('T with 500 bogus registers, wrong sizes', stubWith((p) => (p === 'c' ? `T05${fields};` : undefined)), async (c) => {
    const t = await c();
    await t.resume({});
    await t.waitForStop();
    // Expedited values of the wrong size are ignored: rip and rsp come from the g packet.
    assert.equal(await t.readRegister(1, 'rip'), 0x401000n);
    assert.equal(await t.readRegister(1, 'rsp'), 0x1111n);
    return 'registers from g';
  }, /^ok: registers from g$/);
  await hostile('T with a non-hex register value', stubWith((p) => (p === 'c' ? 'T0506:zz;thread:1;' : undefined)), async (c) => {
    const t = await c();
    await t.resume({});
    await t.waitForStop();
    return 'stopped';
  }, /^Malformed hex data from remote: zz$/);
});

// ---- g replies ----

test("'g' replies too short, too long, of odd length or not hex are refused in gdb's words", { timeout: 30_000 }, async () => {
  const described = xmlStub({ 'target.xml': `<target>${core64}</target>` }).handle;
  const gCase = async (name: string, reply: string, expect: RegExp, withXml = false): Promise<void> =>
    hostile(name, {
      handle: (p, c) => (p === 'g' ? { raw: frame(reply) } : withXml ? described(p, c) : goodReply(p)),
    }, async (c) => {
      const regs = await (await c()).readRegisters(1);
      return `${regs.size} registers`;
    }, expect);
  await gCase('g cut inside a register', '00'.repeat(20), /^Truncated register 2 in remote 'g' packet$/);
  await gCase('g short at a register boundary', '00'.repeat(24), /^ok: 3 registers$/);
  await gCase('g longer than target.xml says', '00'.repeat(200), /^Remote 'g' packet reply is too long \(expected 136 bytes, got 200 bytes\): 0+\.\.\.$/, true);
  await gCase('g of 1 MB against target.xml', '0'.repeat(MIB), /^Remote 'g' packet reply is too long \(expected 136 bytes, got 524288 bytes\)/, true);
  // gdbserver sends its AVX/AVX-512 registers too when we did not read its target.xml: not an error.
  await gCase('g longer than the built-in layout', '00'.repeat(2416), /^ok: 57 registers$/);
  await gCase('g of odd length', '000', /^Remote 'g' packet reply is of odd length: 000$/);
  await gCase('g with a non-hex digit', `${'00'.repeat(8)}zz`, /^Reply contains invalid hex digit 122$/);
  await gCase('g answered OK', 'OK', /^Remote replied unexpectedly to 'g': OK$/);
});

// ---- target descriptions ----

test('target.xml that is huge, malformed, recursive or declares absurd registers', { timeout: 60_000 }, async () => {
  const xml = (body: string): string => `<?xml version="1.0"?><target><architecture>i386:x86-64</architecture>${body}</target>`;
  const xmlCase = (name: string, docs: Record<string, string>, expect: RegExp): Promise<void> => hostile(name, xmlStub(docs), connectOnly, expect);
  await xmlCase('target.xml of 5 MB', { 'target.xml': xml(`${core64}<!--${'x'.repeat(5 * MIB)}-->`) }, /^target\.xml from the remote stub is larger than 4194304 bytes$/);
  await xmlCase('target.xml not XML at all', { 'target.xml': '\u0000\u0001 garbage {{{' }, /^Target description target\.xml defines no registers$/);
  await xmlCase('<reg> without a bitsize', { 'target.xml': xml('<reg name="rip"/>') }, /^Malformed <reg> in target description target\.xml$/);
  await xmlCase('xi:include loop a -> b -> a', {
    'target.xml': xml('<xi:include href="a.xml"/>'), 'a.xml': '<feature><xi:include href="b.xml"/></feature>', 'b.xml': '<feature><xi:include href="a.xml"/></feature>',
  }, /^Target description includes nest too deeply \(.\.xml\)$/);
  await xmlCase('xi:include of itself, twice per file', {
    'target.xml': xml(`${core64}<xi:include href="a.xml"/><xi:include href="a.xml"/>`), 'a.xml': '<feature><xi:include href="a.xml"/><xi:include href="a.xml"/></feature>',
  }, /^Target description includes nest too deeply \(a\.xml\)$/);
  const wide: Record<string, string> = { 'target.xml': xml(core64 + Array.from({ length: 100 }, (_, i) => `<xi:include href="f${i}.xml"/>`).join('')) };
  for (let i = 0; i < 100; i++) wide[`f${i}.xml`] = '<feature/>';
  await xmlCase('xi:include of 100 files', wide, /^Target description includes too many files$/);
  await xmlCase('0 registers', { 'target.xml': xml('<feature name="org.gnu.gdb.i386.core"></feature>') }, /^Target description target\.xml defines no registers$/);
  await xmlCase('registers but no rip', { 'target.xml': xml(reg('foo')) }, /^Architecture rejected target-supplied description target\.xml \(no rip register\)$/);
  await xmlCase('5000 registers', { 'target.xml': xml(core64 + Array.from({ length: 5000 }, (_, i) => reg(`x${i}`)).join('')) }, /^Target description declares more than 2048 registers$/);
  await xmlCase('a 2^40-bit register', { 'target.xml': xml(core64 + reg('huge', 2 ** 40)) }, /^Malformed <reg> in target description target\.xml$/);
  await xmlCase('regnum 2^53', { 'target.xml': xml(core64 + reg('far', 64, ' regnum="9007199254740993"')) }, /^Malformed regnum for far in target\.xml$/);
  await xmlCase('1000-bit registers', { 'target.xml': xml(core64 + reg('wide0', 1000) + reg('wide1', 1000)) }, /^ok: connected \(19 registers\)$/);
});

test('qXfer replies that never end are cut off', { timeout: 60_000 }, async () => {
  const chain = (name: string, reply: (off: number) => string, expect: RegExp): Promise<void> =>
    hostile(name, stubWith((p) => {
      if (p.startsWith('qSupported')) return 'PacketSize=4000;qXfer:features:read+';
      const m = /^qXfer:features:read:[^:]+:([0-9a-f]+),/.exec(p);
      return m ? reply(parseInt(m[1]!, 16)) : undefined;
    }), connectOnly, expect);
  await chain("endless 'm' chain of one byte", () => 'm ', /^Remote stub sent target\.xml in more than 4096 pieces$/);
  await chain("endless 'm' chain of full packets", () => `m${' '.repeat(0x3ff0)}`, /^target\.xml from the remote stub is larger than 4194304 bytes$/);
  await chain("empty 'm' chunk", () => 'm', /^Remote stub sent an empty chunk of target\.xml$/);
  await chain('qXfer answered with a stop reply', () => 'T05', /^Unexpected reply to 'qXfer:features:read:target\.xml:0,3ff0': T05$/);
});

// ---- negotiation ----

test('qSupported with an absurd PacketSize: 0, 1, 2^40, 0xffffffff', { timeout: 30_000 }, async () => {
  for (const [size, expected] of [['0', 400], ['1', 400], ['10000000000', 1 << 18], ['ffffffff', 1 << 18], ['zz', 400]] as const) {
    await hostile(`PacketSize=${size}`, stubWith((p) => (p.startsWith('qSupported') ? `PacketSize=${size}` : undefined)), async (c) => {
      const t = await c();
      const data = await t.readMemory(0x1000n, 300_000);
      assert.equal(data.length, 300_000);
      return `packet size ${t.features.packetSize ?? 400}`;
    }, new RegExp(`^ok: packet size ${expected}$`));
  }
});

after(() => {
  const worstRss = results.reduce((a, r) => (r.rssMiB > a.rssMiB ? r : a), results[0]!);
  const worstMs = results.reduce((a, r) => (r.ms > a.ms ? r : a), results[0]!);
  const lines = results.map((r) => `| ${r.name} | ${r.ms} | ${r.rssMiB.toFixed(1)} | ${r.outcome.replace(/\|/g, '\\|')} |`);
  if (process.env.DUSTER_HOSTILE_TABLE) {
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stdout.write(`cases ${results.length}; worst RSS growth ${worstRss.rssMiB.toFixed(1)} MiB (${worstRss.name}); worst time ${worstMs.ms} ms (${worstMs.name})\n`);
  }
});
