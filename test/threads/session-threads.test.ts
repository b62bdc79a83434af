// What the Session offers a threads pane and front ends: threads() with gdb numbers, names, state and locations, the
// selected thread driving frames, and stop reports that name the thread. Live, on the workers under gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../src/core/session.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { BUILDS, GO_LINE, workers } from './side-by-side.js';

test(`[${BUILDS[0]!.label}] Session.threads(): five numbered, named threads; selecting one moves frames and the current mark`, { timeout: 120_000 }, async () => {
  const exe = workers(BUILDS[0]!.flags);
  const gs = await startGdbserver(exe);
  const target = await GdbRemoteTarget.connect(gs.host, gs.port);
  const session = await Session.start({ program: new Program(openElf(exe)), target, pid: target.processId });
  try {
    const before = await session.threads();
    assert.deepEqual(before.map((t) => [t.number, t.current, t.state]), [[1, true, 'stopped']], 'one thread before the workers start');
    await session.addBreakpoint(`workers.c:${GO_LINE}`);
    const stop = await session.stepping.continue();
    assert.equal(stop?.cause.kind, 'breakpoint');
    assert.equal(stop?.newThreads?.length, 4, 'the four workers announced at this stop');
    assert.deepEqual(stop?.thread && [stop.thread.number, stop.thread.name], [1, 'workers'], 'the report names thread 1 now that there are several');
    assert.equal(stop?.switched, undefined, 'the stop is in the thread that was selected');

    const threads = await session.threads();
    assert.deepEqual(threads.map((t) => t.number), [1, 2, 3, 4, 5]);
    assert.deepEqual(threads.map((t) => t.name).sort(), ['worker-0', 'worker-1', 'worker-2', 'worker-3', 'workers']);
    for (const t of threads) {
      assert.match(t.targetId, new RegExp(`^Thread ${session.pid}\\.\\d+$`), 'gdb\'s remote target id: Thread PID.LWP');
      assert.equal(t.state, 'stopped');
      assert.equal(t.location?.function, t.number === 1 ? 'main' : 'worker', `${t.name} is where the program keeps it`);
      assert.equal(t.current, t.number === 1);
    }
    assert.equal(threads[0]!.location?.line, GO_LINE);

    const third = threads[2]!;
    await session.selectVcpu(third.vcpu);
    assert.equal(session.vcpu, third.vcpu);
    assert.deepEqual((await session.threads()).filter((t) => t.current).map((t) => t.number), [3]);
    const frame0 = (await session.backtrace(1))[0]!;
    assert.equal(frame0.location.function, 'worker', 'frames are the selected thread\'s');
    const rip = (await session.registers()).find((r) => r.name === 'rip')!.value;
    assert.equal(rip, frame0.pc, 'registers are the selected thread\'s');
    // withThread (thread apply, conditions) comes back to the selected thread.
    const inMain = await session.withThread(threads[0]!.vcpu, async () => (await session.backtrace(1))[0]!.location.function);
    assert.equal(inMain, 'main');
    assert.equal((await session.backtrace(1))[0]!.location.function, 'worker');
  } finally {
    await session.shutdown();
    await gs.stop();
  }
});
