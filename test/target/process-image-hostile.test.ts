// qXfer:auxv:read and qXfer:libraries-svr4:read from misbehaving stubs: one clear line each, bounded size; and the parser's accepted shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AT } from '../../src/target/auxv.js';
import { TargetGoneError } from '../../src/target/contract.js';
import { parseLibraryList } from '../../src/target/gdb-remote/library-list.js';
import { parseTargetDescription } from '../../src/target/gdb-remote/registers.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { UserError } from '../../src/util/errors.js';
import { FakeStub, le64, type StubAction } from '../helpers/fake-stub.js';

const GOOD_LIST = '<library-list-svr4 version="1.0" main-lm="0x7ffff7ffe2e0">'
  + '<library name="linux-vdso.so.1" lm="0x7ffff7ffe8b0" l_addr="0x7ffff7fc8000" l_ld="0x7ffff7fc8448" lmid="0x7ffff7ffe118"/>'
  + '<library name="/lib/x86_64-linux-gnu/libc.so.6" lm="0x7ffff7fc0400" l_addr="0x7ffff7dd2000" l_ld="0x7ffff7fa4b60" lmid="0x7ffff7ffe118"/>'
  + '<library name="/lib64/ld-linux-x86-64.so.2" lm="0x7ffff7ffdad0" l_addr="0x7ffff7fca000" l_ld="0x7ffff7ffce40" lmid="0x7ffff7ffe118"/>'
  + '</library-list-svr4>';

function auxvBytes(entries: [number, bigint][]): string {
  return entries.map(([t, v]) => Buffer.from(le64(BigInt(t)) + le64(v), 'hex').toString('latin1')).join('') + '\0'.repeat(16);
}
const GOOD_AUXV = auxvBytes([[AT.SYSINFO_EHDR, 0x7ffff7fc8000n], [AT.PHDR, 0x555555554040n], [AT.ENTRY, 0x555555555060n]]);

/** Escapes binary qXfer data as a stub must (} # $ *). */
function escape(data: string): string {
  return data.replace(/[}#$*]/g, (c) => `}${String.fromCharCode(c.charCodeAt(0) ^ 0x20)}`);
}

/** A working stub that offers auxv and libraries-svr4, answering them through `xfer(object, offset)`. */
function stub(xfer: (object: string, offset: number, len: number) => StubAction, supported = 'PacketSize=1000;qXfer:auxv:read+;qXfer:libraries-svr4:read+'): Promise<FakeStub> {
  return FakeStub.start({
    handle: (p) => {
      if (p.startsWith('qSupported')) return supported;
      if (p === '?') return 'T05thread:1;';
      if (p === 'qfThreadInfo') return 'm1';
      if (p === 'qsThreadInfo') return 'l';
      if (p === 'g') return `${le64(0x1111n).repeat(16)}${le64(0x401000n)}`;
      const m = /^qXfer:(auxv|libraries-svr4):read::([0-9a-f]+),([0-9a-f]+)$/.exec(p);
      if (m) return xfer(m[1]!, parseInt(m[2]!, 16), parseInt(m[3]!, 16));
      return '';
    },
  });
}

/** A whole document served in chunks of the size asked for. */
function serve(doc: string): (object: string, offset: number, len: number) => StubAction {
  return (_o, offset, len) => {
    const piece = doc.slice(offset, offset + len);
    return (offset + len >= doc.length ? 'l' : 'm') + escape(piece);
  };
}

async function withStub<T>(s: FakeStub, body: (t: GdbRemoteTarget) => Promise<T>): Promise<T> {
  const t = await GdbRemoteTarget.connect('127.0.0.1', s.port, { timeoutMs: 2000 });
  try {
    return await body(t);
  } finally {
    t.close();
    await s.close();
  }
}

/** The message of the error `f` fails with, checked to be one user-facing line. */
async function failure(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof UserError || e instanceof TargetGoneError, `not a user-facing error: ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `more than one line: ${e.message}`);
    return e.message;
  }
  assert.fail('no error');
}

test('a good stub: auxv decoded (escaped binary), libraries in order without the vDSO, in chunks', { timeout: 30_000 }, async () => {
  const docs: Record<string, string> = { auxv: GOOD_AUXV, 'libraries-svr4': GOOD_LIST };
  await withStub(await stub((o, off, len) => serve(docs[o]!)(o, off, Math.min(len, 100))), async (t) => {
    assert.ok(t.processImage);
    const auxv = await t.processImage.auxv();
    assert.deepEqual(auxv, [{ type: AT.SYSINFO_EHDR, value: 0x7ffff7fc8000n }, { type: AT.PHDR, value: 0x555555554040n }, { type: AT.ENTRY, value: 0x555555555060n }]);
    const list = await t.processImage.libraries();
    assert.equal(list.mainLm, 0x7ffff7ffe2e0n);
    assert.deepEqual(list.libraries, [
      { name: '/lib/x86_64-linux-gnu/libc.so.6', lm: 0x7ffff7fc0400n, l_addr: 0x7ffff7dd2000n, l_ld: 0x7ffff7fa4b60n },
      { name: '/lib64/ld-linux-x86-64.so.2', lm: 0x7ffff7ffdad0n, l_addr: 0x7ffff7fca000n, l_ld: 0x7ffff7ffce40n },
    ]);
  });
});

test('a stub that offers neither has no processImage; one without libraries-svr4 says so for auxv-less stubs', { timeout: 30_000 }, async () => {
  await withStub(await stub(() => '', 'PacketSize=1000'), async (t) => assert.equal(t.processImage, undefined));
  await withStub(await stub(serve(GOOD_LIST), 'PacketSize=1000;qXfer:libraries-svr4:read+'), async (t) => {
    assert.match(await failure(() => t.processImage!.auxv()), /^The remote stub does not report the auxiliary vector \(no qXfer:auxv:read\)$/);
    assert.equal((await t.processImage!.libraries()).libraries.length, 3, 'no auxv: the vDSO cannot be told apart and stays');
  });
});

const HOSTILE: [string, (object: string, offset: number, len: number) => StubAction, RegExp][] = [
  ['E01 to the list', () => 'E01', /^Cannot read libraries-svr4 from the remote stub \(remote failure reply to 'qXfer:libraries-svr4:rea\.\.\.': E01\)$/],
  ['not XML', serve('hello'), /^Malformed library list from the remote stub \(qXfer:libraries-svr4:read\): expected <library-list-svr4>, got "hello"$/],
  ['unclosed root', serve('<library-list-svr4 version="1.0"><library name="a" lm="0x1" l_addr="0x0" l_ld="0x2"/>'), /^Malformed library list .*: unexpected "\(end of document\)"$/],
  ['library without l_addr', serve('<library-list-svr4><library name="a" lm="0x1" l_ld="0x2"/></library-list-svr4>'), /^Malformed library list .*: <library> without l_addr$/],
  ['address not hex', serve('<library-list-svr4><library name="a" lm="0x1" l_addr="12" l_ld="0x2"/></library-list-svr4>'), /^Malformed library list .*: l_addr="12" is not an address$/],
  ['address of 20 digits', serve(`<library-list-svr4><library name="a" lm="0x1" l_addr="0x${'f'.repeat(20)}" l_ld="0x2"/></library-list-svr4>`), /is not an address$/],
  ['foreign element', serve('<library-list-svr4><script>x</script></library-list-svr4>'), /^Malformed library list .*: unexpected "<script>x<\/script><\/library-li\.\.\."$/],
  ['trailing junk', serve('<library-list-svr4></library-list-svr4><x/>'), /^Malformed library list .*: unexpected/],
  ['a stop reply instead of data', () => 'T05', /^Unexpected reply to 'qXfer:libraries-svr4:read::0,3ff0': T05$/],
  ['endless m chain', () => 'm<', /^Remote stub sent libraries-svr4 in more than 4096 pieces$/],
  ['4 MiB and more', (_o, _off, len) => `m${'<'.repeat(len)}`, /^libraries-svr4 from the remote stub is larger than 4194304 bytes$/],
  ['70 000 libraries', serve(`<library-list-svr4>${'<library name="a" lm="0x1" l_addr="0x0" l_ld="0x2"/>'.repeat(70_000)}</library-list-svr4>`), /^Malformed library list .*: more than 65536 libraries$/],
];

test('hostile library lists: one clear line each', { timeout: 120_000 }, async () => {
  for (const [name, xfer, expect] of HOSTILE) {
    const libs = (o: string, off: number, len: number): StubAction => (o === 'auxv' ? serve(GOOD_AUXV)(o, off, len) : xfer(o, off, len));
    const message = await withStub(await stub(libs, 'PacketSize=4000;qXfer:auxv:read+;qXfer:libraries-svr4:read+'), (t) => failure(() => t.processImage!.libraries()));
    assert.match(message, expect, name);
  }
});

test('hostile auxv: an error reply, a huge vector, a truncated entry', { timeout: 60_000 }, async () => {
  const only = (f: (off: number, len: number) => StubAction) => (o: string, off: number, len: number): StubAction => (o === 'auxv' ? f(off, len) : 'E01');
  assert.match(await withStub(await stub(only(() => 'E16')), (t) => failure(() => t.processImage!.auxv())), /^Cannot read auxv from the remote stub \(remote failure reply to 'qXfer:auxv:read::0,ff0': E16\)$/);
  assert.match(await withStub(await stub(only((_off, len) => `m${'\x01'.repeat(len)}`)), (t) => failure(() => t.processImage!.auxv())), /^auxv from the remote stub is larger than 4194304 bytes$|more than 4096 pieces$/);
  // A vector without AT_NULL and with a trailing half entry: what is whole is kept, as gdb does.
  const odd = GOOD_AUXV.slice(0, 48) + 'abc';
  const auxv = await withStub(await stub(only((off, len) => serve(odd)('auxv', off, len))), (t) => t.processImage!.auxv());
  assert.deepEqual(auxv.map((e) => e.type), [AT.SYSINFO_EHDR, AT.PHDR, AT.ENTRY]);
});

test('parseLibraryList accepts gdbserver\'s shape with a declaration, comments, entities and an empty list', () => {
  assert.deepEqual(parseLibraryList('<?xml version="1.0"?>\n<!-- x --><library-list-svr4 version="1.0"/>'), { libraries: [] });
  assert.deepEqual(parseLibraryList('<library-list-svr4 version="1.0"></library-list-svr4>'), { libraries: [] });
  const list = parseLibraryList(`<library-list-svr4>\n <library name="/a &amp; b/lib&#x41;.so" lm='0x10' l_addr="0x0" l_ld="0x20"></library>\n</library-list-svr4>\n`);
  assert.deepEqual(list.libraries, [{ name: '/a & b/libA.so', lm: 0x10n, l_addr: 0n, l_ld: 0x20n }]);
});

test('XML from a stub is parsed in linear time: 4 MiB of unterminated comments, declarations, tags (library list and target.xml)', { timeout: 120_000 }, async () => {
  const MiB4 = 4 << 20;
  const fill = (unit: string, prefix = ''): string => prefix + unit.repeat(Math.floor((MiB4 - prefix.length) / unit.length));
  // Each would take minutes with a backtracking pattern (quadratic); a generous budget still tells them apart under load.
  const budgetMs = 10_000;
  for (const [name, doc] of [
    ['comments', fill('<!--')],
    ['declarations', fill('<?xml')],
    ['doctypes', fill('<!DOCTYPE')],
    ['unclosed libraries', fill('<library name="a" ', '<library-list-svr4>')],
    ['unclosed roots', fill('<library-list-svr4 ')],
  ] as const) {
    const t0 = Date.now();
    assert.throws(() => parseLibraryList(doc), (e: unknown) => e instanceof UserError && !e.message.includes('\n'), name);
    assert.ok(Date.now() - t0 < budgetMs, `${name}: ${Date.now() - t0} ms`);
  }
  for (const [name, doc] of [['comments', fill('<!--')], ['unclosed regs', fill('<reg')], ['unclosed includes', fill('<xi:include ')]] as const) {
    const t0 = Date.now();
    await assert.rejects(parseTargetDescription(async () => doc), (e: unknown) => e instanceof UserError, name);
    assert.ok(Date.now() - t0 < budgetMs, `target.xml ${name}: ${Date.now() - t0} ms`);
  }
});
