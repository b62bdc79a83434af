// Run control with breakpoint hits queued for other threads, as gdbserver queues them in all-stop mode: a thread
// parked on a breakpoint is stepped off before all resume, a queued hit on a removed breakpoint is no stray SIGTRAP,
// and a step answered with a queued hit is made again. Deterministic, on FakeTarget (the live tests race).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatchTable } from '../../src/core/patches.js';
import { RunControl } from '../../src/core/run-control.js';
import { TRAP } from '../../src/core/strategy.js';
import type { ResumeOptions, StopEvent } from '../../src/target/contract.js';
import { FAKE_STEPPER as stepper, FakeTarget } from '../helpers/fake-target.js';

const CODE = 0x1000n;
const BP = 0x1002n;
/** nop nop [BP: 66 90, a two-byte nop] nop hlt */
const PROGRAM = Uint8Array.of(0x90, 0x90, 0x66, 0x90, 0x90, 0xf4);

/**
 * gdbserver's behaviour on top of the fake: a thread with a queued hit (queue(v, address)) sits at the
 * address, and the next resume that includes it reports that hit at once, whether or not the breakpoint is
 * still there: rip after the int3 to a client without swbreak, rip at it with the swbreak reason otherwise.
 */
class QueuingTarget extends FakeTarget {
  private readonly queued = new Map<number, bigint>();
  private delivered: StopEvent | undefined;
  swbreak = false;

  queue(vcpu: number, address: bigint): void {
    this.poke(vcpu, { rip: address });
    this.queued.set(vcpu, address);
  }

  override async resume(opts: ResumeOptions): Promise<void> {
    const resumed = opts.step ?? opts.only;
    const hit = [...this.queued].find(([v]) => resumed === undefined || v === resumed);
    if (!hit) return super.resume(opts);
    this.queued.delete(hit[0]);
    this.poke(hit[0], { rip: this.swbreak ? hit[1] : hit[1] + 1n });
    this.delivered = { vcpu: hit[0], reason: this.swbreak ? { kind: 'trap', swbreak: true } : { kind: 'trap' } };
  }

  override async waitForStop(): Promise<StopEvent> {
    const d = this.delivered;
    this.delivered = undefined;
    return d ?? super.waitForStop();
  }
}

function setup(swbreak: boolean) {
  const target = new QueuingTarget({ regions: [{ base: CODE, bytes: PROGRAM }], rip: CODE, vcpus: 2 });
  target.swbreak = swbreak;
  const run = new RunControl(target, new PatchTable(target), TRAP, stepper);
  return { target, run };
}

const rip = async (t: FakeTarget, v: number): Promise<bigint> => (await t.readRegisters(v)).get('rip')!;

for (const swbreak of [false, true]) {
  const style = swbreak ? 'swbreak: rip at the int3' : 'rip after the int3';

  test(`[${style}] a thread that stopped on a breakpoint is stepped off it before all resume, even when another thread is selected`, async () => {
    const { target, run } = setup(swbreak);
    run.addSite(BP, 'bp');
    // Both threads reach BP in the same round; thread 0 executes the int3 first.
    assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: BP });
    assert.equal(await rip(target, 1), BP, 'thread 1 is about to execute the int3 itself');
    // The user selects thread 1 and continues: thread 1 steps off, and so must thread 0, or it reports the same hit again.
    const next = await run.continueAll(1);
    assert.deepEqual(next, { kind: 'exited', code: 0 });
  });

  test(`[${style}] a queued hit on a breakpoint deleted since is recognised as that breakpoint (pc put back), not a SIGTRAP`, async () => {
    const { target, run } = setup(swbreak);
    run.addSite(BP, 'bp');
    assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: BP });
    target.queue(1, BP);
    run.removeSite(BP, 'bp'); // `delete`: the int3 goes at the next resume, thread 1's hit stays queued
    const late = await run.continueAll(0);
    assert.deepEqual(late, { kind: 'site', vcpu: 1, address: BP });
    assert.equal(await rip(target, 1), BP, 'thread 1 is back on the instruction it never executed');
    assert.deepEqual(target.peek(BP, 2), Uint8Array.of(0x66, 0x90), 'the original bytes are in memory');
    assert.deepEqual(await run.continueAll(1), { kind: 'exited', code: 0 });
  });

  test(`[${style}] a step answered with the thread\'s queued hit is made again: the thread really moves one instruction`, async () => {
    const { target, run } = setup(swbreak);
    run.addSite(BP, 'bp');
    await run.sync();
    target.queue(1, BP);
    const stop = await run.stepInstruction(1);
    assert.deepEqual(stop, { kind: 'stepped', vcpu: 1 });
    assert.equal(await rip(target, 1), BP + 2n, 'past the two-byte instruction, not inside it');
  });
}
