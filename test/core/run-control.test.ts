// Core's run control on FakeTarget: breakpoints planted and restored (memory and target planting), the trap pc rule both ways,
// spin sites handed over, and a target that cannot execute refused by the Session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatchTable } from '../../src/core/patches.js';
import { RunControl } from '../../src/core/run-control.js';
import { Session } from '../../src/core/session.js';
import { SPIN, TRAP, type BreakpointStrategy } from '../../src/core/strategy.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { TargetGoneError, type TargetCapabilities } from '../../src/target/contract.js';
import { UserError } from '../../src/util/errors.js';
import { compileFixture } from '../helpers/build.js';
import { FAKE_STEPPER as stepper, FakeTarget } from '../helpers/fake-target.js';

const CODE = 0x1000n;
const BP = 0x1002n;
/** nop nop [BP: nop] nop hlt (exit 0) */
const PROGRAM = Uint8Array.of(0x90, 0x90, 0x90, 0x90, 0xf4);

function setup(capabilities: Partial<TargetCapabilities>, strategy: BreakpointStrategy = TRAP, program = PROGRAM) {
  const target = new FakeTarget({ regions: [{ base: CODE, bytes: program }], rip: CODE, capabilities });
  const patches = new PatchTable(target);
  const run = new RunControl(target, patches, strategy, stepper);
  return { target, patches, run };
}

for (const trapPc of ['after-int3', 'at-int3'] as const) {
  test(`memory breakpoints, trap pc ${trapPc}: int3 written, hit reported at the site with pc there, stepped off, restored`, async () => {
    const { target, patches, run } = setup({ trapPc });
    run.addSite(BP, 'bp');
    const stop = await run.continueAll(0);
    assert.deepEqual(stop, { kind: 'site', vcpu: 0, address: BP });
    assert.equal((await target.readRegisters(0)).get('rip'), BP, 'pc is at the breakpoint, whatever the target reported');
    assert.deepEqual(target.peek(BP, 1), Uint8Array.of(0xcc), 'int3 in memory');
    assert.deepEqual(await patches.read(BP, 1), Uint8Array.of(0x90), 'reads are masked');
    // Continuing steps off the site (no endless trap at the same pc) and runs to the exit.
    assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
    assert.deepEqual(await run.removeAll(), []);
    assert.deepEqual(target.peek(BP, 1), Uint8Array.of(0x90), 'original byte restored');
  });
}

test('a trap at an address that is no site is a SIGTRAP, with either pc rule', async () => {
  for (const trapPc of ['after-int3', 'at-int3'] as const) {
    const { run } = setup({ trapPc }, TRAP, Uint8Array.of(0x90, 0xcc, 0x90, 0xf4));
    assert.deepEqual(await run.continueAll(0), { kind: 'signal', vcpu: 0, signal: 5, name: 'SIGTRAP' });
  }
});

test('the trap strategy takes the breakpoint address from the capability', () => {
  const isSite = (a: bigint) => a === BP;
  assert.equal(TRAP.hitAddress(BP + 1n, isSite, 'after-int3'), BP);
  assert.equal(TRAP.hitAddress(BP, isSite, 'at-int3'), BP);
  assert.equal(TRAP.hitAddress(BP, isSite, 'after-int3'), undefined);
  assert.equal(TRAP.hitAddress(BP + 1n, isSite, 'at-int3'), undefined);
});

for (const trapPc of ['after-int3', 'at-int3'] as const) {
  test(`target breakpoints, trap pc ${trapPc}: planted by insertBreakpoint, never written to memory, removed on the way out`, async () => {
    const { target, patches, run } = setup({ breakpoints: 'target', trapPc });
    run.addSite(BP, 'bp');
    assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: BP });
    assert.deepEqual([...target.planted], [BP]);
    assert.equal((await target.readRegisters(0)).get('rip'), BP);
    assert.deepEqual(await patches.read(BP, 1), Uint8Array.of(0x90));
    assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
    assert.deepEqual(await run.removeAll(), []);
    assert.equal(target.planted.size, 0, 'removed');
    assert.deepEqual(target.writes, [], 'core wrote no breakpoint bytes');
  });
}

test('a user write over a target-planted breakpoint goes through unchanged', async () => {
  const { target, patches, run } = setup({ breakpoints: 'target' });
  run.addSite(BP, 'bp');
  await run.sync();
  await patches.write(BP, Uint8Array.of(0x90));
  assert.deepEqual(target.writes, [{ address: BP, bytes: Uint8Array.of(0x90) }]);
  assert.deepEqual([...target.planted], [BP]);
});

test('spin sites are handed over to the target explicitly, and taken back when removed', async () => {
  // nop [0x1001: 66 90] hlt
  const { target, run } = setup({ hardwareStep: false, rangeStep: false, spinPoll: 'read-while-running' }, SPIN, Uint8Array.of(0x90, 0x66, 0x90, 0xf4));
  run.addSite(0x1001n, 'bp');
  const stop = await run.continueAll(0);
  assert.deepEqual(stop, { kind: 'site', vcpu: 0, address: 0x1001n });
  assert.deepEqual(target.spinSites, [0x1001n]);
  assert.deepEqual(target.peek(0x1001n, 2), Uint8Array.of(0xeb, 0xfe));
  await run.removeAll();
  assert.deepEqual(target.spinSites, []);
  assert.deepEqual(target.peek(0x1001n, 2), Uint8Array.of(0x66, 0x90));
});

/** FakeTarget that can hold back events (as Xen's PV upcalls), logging holds, releases and resumes in order. */
class EventFake extends FakeTarget {
  readonly log: string[] = [];
  decline = false;
  async holdEvents(vcpu: number, data: readonly bigint[] | undefined): Promise<(() => Promise<void>) | undefined> {
    if (this.decline) return undefined;
    this.log.push(`hold ${vcpu} [${data?.map((a) => a.toString(16)).join(',')}]`);
    return async () => void this.log.push('release');
  }
  override async resume(opts: { step?: number; only?: number }): Promise<void> {
    this.log.push(opts.only === undefined ? 'resume all' : `resume only ${opts.only}`);
    return super.resume(opts);
  }
}

for (const [strategy, capabilities] of [[SPIN, { hardwareStep: false, rangeStep: false, spinPoll: 'read-while-running' }], [TRAP, {}]] as const) {
  test(`${strategy.name}: events are held ${strategy === SPIN ? 'for exactly the step off a site' : 'never (a hardware step lets handlers run unstepped)'}`, async () => {
    // nop [0x1001: 66 90 = the site] [0x1003: 66 90] hlt
    const target = new EventFake({ regions: [{ base: CODE, bytes: Uint8Array.of(0x90, 0x66, 0x90, 0x66, 0x90, 0xf4) }], rip: CODE, capabilities });
    const run = new RunControl(target, new PatchTable(target), strategy, stepper);
    run.addSite(0x1001n, 'bp');
    assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: 0x1001n });
    target.log.length = 0;
    assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
    if (strategy === SPIN) {
      // the stepper's data addresses reach the target; released before the run at full speed
      assert.deepEqual(target.log, ['hold 0 []', 'resume only 0', 'release', 'resume all']);
    } else {
      assert.ok(!target.log.some((l) => l.startsWith('hold')), target.log.join('; '));
    }
  });
}

test('a target that declines to hold events is stepped all the same', async () => {
  const target = new EventFake({ regions: [{ base: CODE, bytes: Uint8Array.of(0x90, 0x66, 0x90, 0x66, 0x90, 0xf4) }], rip: CODE, capabilities: { hardwareStep: false, rangeStep: false, spinPoll: 'read-while-running' } });
  target.decline = true;
  const run = new RunControl(target, new PatchTable(target), SPIN, stepper);
  run.addSite(0x1001n, 'bp');
  assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: 0x1001n });
  assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
  assert.ok(!target.log.some((l) => l.startsWith('hold') || l === 'release'));
});

test('a domain destroyed during a spin step is reported as such, not as the failed release of its events', async () => {
  class DyingFake extends EventFake {
    override async holdEvents(): Promise<(() => Promise<void>) | undefined> {
      return async () => { throw new Error('Xen: unmasking the event upcalls failed'); };
    }
    override async resume(opts: { step?: number; only?: number }): Promise<void> {
      if (opts.only !== undefined) throw new TargetGoneError('The domain was destroyed.', true);
      return super.resume(opts);
    }
  }
  const target = new DyingFake({ regions: [{ base: CODE, bytes: Uint8Array.of(0x90, 0x66, 0x90, 0x66, 0x90, 0xf4) }], rip: CODE, capabilities: { hardwareStep: false, rangeStep: false, spinPoll: 'read-while-running' } });
  const run = new RunControl(target, new PatchTable(target), SPIN, stepper);
  run.addSite(0x1001n, 'bp');
  assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: 0x1001n });
  await assert.rejects(run.continueAll(0), TargetGoneError);
});

test('spin polling by interrupt-and-read finds the spinning vCPU too', async () => {
  const { target, run } = setup({ hardwareStep: false, rangeStep: false, spinPoll: 'interrupt-and-read' }, SPIN, Uint8Array.of(0x90, 0x66, 0x90, 0xf4));
  run.addSite(0x1001n, 'bp');
  assert.deepEqual(await run.continueAll(0), { kind: 'site', vcpu: 0, address: 0x1001n });
  assert.ok(target.resumes >= 1);
});

test('a target that cannot execute: execution commands and restart say "The program is not being run."', async () => {
  const exe = compileFixture(['contract/contract.c'], ['-g', '-O0', '-no-pie'], 'contract');
  const target = new FakeTarget({ regions: [{ base: CODE, bytes: PROGRAM }], rip: CODE, capabilities: { canExecute: false } });
  const session = await Session.start({ program: new Program(openElf(exe)), target });
  const refused = (e: unknown) => e instanceof UserError && e.message === 'The program is not being run.';
  await assert.rejects(session.execute(async (v) => ({ raw: await session.run.continueAll(v) })), refused);
  await assert.rejects(session.restart(), refused);
  assert.equal(target.resumes, 0);
  assert.equal(session.state, 'stopped', 'still a stopped (post-mortem) session: everything that reads works');
  assert.equal((await session.rawRegisters()).get('rip'), CODE);
});
