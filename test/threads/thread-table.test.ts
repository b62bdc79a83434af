// gdb's thread numbering (ThreadTable) and the qXfer:threads:read document as gdbserver and other stubs write it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadTable } from '../../src/core/threads.js';
import { parseThreadsXml } from '../../src/target/gdb-remote/threads.js';
import type { VcpuInfo } from '../../src/target/contract.js';

const v = (id: number): VcpuInfo => ({ id, name: `Thread 100.${id}`, online: true });

test('threads are numbered in the order first seen, the stopping thread first; numbers are never reused', () => {
  const t = new ThreadTable();
  assert.deepEqual(t.update([v(100)]).map((x) => x.id), [100]);
  assert.equal(t.namesThreads, false, 'one thread so far: stop reports do not name it');
  // Four workers appear; 103 reported the stop, so gdb notices it before reading the list.
  assert.deepEqual(t.update([v(100), v(101), v(102), v(103), v(104)], 103).map((x) => x.id), [103, 101, 102, 104]);
  assert.deepEqual(t.all().map((x) => [x.number, x.info.id]), [[1, 100], [2, 103], [3, 101], [4, 102], [5, 104]]);
  assert.equal(t.namesThreads, true);
  // 101 exits, 105 is new: it gets 6, not 3.
  assert.deepEqual(t.update([v(100), v(102), v(103), v(104), v(105)]).map((x) => x.id), [105]);
  assert.equal(t.numberOf(101), undefined);
  assert.equal(t.numberOf(105), 6);
  assert.equal(t.vcpuOf(6), 105);
  assert.equal(t.namesThreads, true, 'once two threads existed, reports keep naming the thread');
  t.reset();
  assert.deepEqual(t.update([v(200)]).map((x) => x.id), [200]);
  assert.equal(t.numberOf(200), 1, 'a new process numbers from 1 again');
});

test('qXfer:threads:read: ids, names with XML entities, extra text, in the stub\'s order', () => {
  const xml = `<?xml version="1.0"?>
<threads>
<thread id="p3e8.3e8" core="1" name="workers"/>
<thread id="p3e8.3f0" core="0" name="a &amp; &quot;b&quot; &lt;&#x41;&#66;&gt;" handle="c0e6d8f7ff7f0000"/>
<thread id="3f1" core="1">CPU#1 [halted ]</thread>
</threads>`;
  const t = parseThreadsXml(xml);
  assert.deepEqual(t.map((x) => [x.id.pid, x.id.tid, x.name, x.extra]), [
    [0x3e8, 0x3e8, 'workers', undefined],
    [0x3e8, 0x3f0, 'a & "b" <AB>', undefined],
    [undefined, 0x3f1, undefined, 'CPU#1 [halted ]'],
  ]);
  assert.deepEqual(parseThreadsXml('<threads></threads>'), []);
});
