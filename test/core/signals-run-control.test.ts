// Run control and the signal table on a FakeTarget whose program gets a SIGALRM: passed on silently while continuing,
// its handler run at full speed when it interrupts a step (gdb's step-resume breakpoint), stopping signals reported, QPassSignals sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatchTable } from '../../src/core/patches.js';
import { RunControl } from '../../src/core/run-control.js';
import { TRAP } from '../../src/core/strategy.js';
import type { ResumeOptions, StopEvent } from '../../src/target/contract.js';
import { gdbSignalByName } from '../../src/target/signal-numbers.js';
import { FAKE_STEPPER, FakeTarget } from '../helpers/fake-target.js';

const CODE = 0x1000n;
const HANDLER = 0x2000n;
const STACK = 0x8000n;
const SP = STACK + 0x100n;
const SIGALRM = gdbSignalByName('SIGALRM')!.number;
const SIGUSR1 = gdbSignalByName('SIGUSR1')!.number;

const stepper = FAKE_STEPPER;

/**
 * FakeTarget plus a kernel's signal delivery: `arrive(n)` says whether a signal comes in at the n-th
 * resume (reported before any instruction runs, as ptrace does); resuming with that signal enters the
 * handler (nop; nop; ret) with the interrupted pc pushed, so the handler returns exactly there.
 */
class SignalFake extends FakeTarget {
  readonly resumed: ResumeOptions[] = [];
  readonly passLists: number[][] = [];
  handlerRuns = 0;
  private pending: StopEvent | undefined;

  constructor(private readonly arrive: (n: number, opts: ResumeOptions) => number | undefined) {
    super({
      regions: [
        { base: CODE, bytes: Uint8Array.of(0x90, 0x90, 0x90, 0x90, 0xf4) },
        { base: HANDLER, bytes: Uint8Array.of(0x90, 0x90, 0xc3) },
        { base: STACK, bytes: new Uint8Array(0x200) },
      ],
      rip: CODE,
    });
    this.poke(0, { rsp: SP });
  }

  override async resume(opts: ResumeOptions): Promise<void> {
    this.resumed.push(opts);
    const { signal, ...rest } = opts;
    if (signal !== undefined) await this.deliver(signal);
    const incoming = this.arrive(this.resumed.length, opts);
    if (incoming !== undefined) {
      const name = incoming === SIGALRM ? 'SIGALRM' : 'SIGUSR1';
      this.pending = { vcpu: 0, reason: { kind: 'signal', signal: incoming, name } };
      return;
    }
    return super.resume(rest);
  }

  override waitForStop(): Promise<StopEvent> {
    const p = this.pending;
    this.pending = undefined;
    return p ? Promise.resolve(p) : super.waitForStop();
  }

  async setPassSignals(list: readonly number[]): Promise<void> {
    this.passLists.push([...list]);
  }

  private async deliver(_signal: number): Promise<void> {
    const regs = await this.readRegisters(0);
    const sp = regs.get('rsp')! - 8n;
    const frame = Buffer.alloc(8);
    frame.writeBigUInt64LE(regs.get('rip')!);
    await this.writeMemory(sp, frame);
    this.poke(0, { rsp: sp, rip: HANDLER });
    this.handlerRuns++;
  }
}

function setup(arrive: (n: number, opts: ResumeOptions) => number | undefined) {
  const target = new SignalFake(arrive);
  const patches = new PatchTable(target);
  const notices: string[] = [];
  const run = new RunControl(target, patches, TRAP, stepper, undefined, (t) => notices.push(t));
  return { target, patches, run, notices };
}

test('a quiet signal (SIGALRM) during a single step: the handler runs at full speed, the step then completes where it was', async () => {
  const { target, run, notices } = setup((n) => (n === 1 ? SIGALRM : undefined));
  const stop = await run.stepInstruction(0);
  assert.deepEqual(stop, { kind: 'stepped', vcpu: 0 });
  assert.equal((await target.readRegisters(0)).get('rip'), CODE + 1n, 'one instruction of the program, not one of the handler');
  assert.equal((await target.readRegisters(0)).get('rsp'), SP);
  assert.equal(target.handlerRuns, 1, 'the program got its signal');
  // step (signal came in), continue with the signal to the return breakpoint, the step again.
  assert.deepEqual(target.resumed.map((o) => [o.step !== undefined, o.signal]), [[true, undefined], [false, SIGALRM], [true, undefined]]);
  assert.deepEqual(target.peek(CODE, 1), Uint8Array.of(0x90), 'the return breakpoint is gone from memory');
  assert.deepEqual(await run.removeAll(), []);
  assert.deepEqual(notices, [], 'SIGALRM neither stops nor prints');
});

test('a quiet signal during a range step: the rest of the range is stepped after the handler returned', async () => {
  const { target, run } = setup((n, o) => (n === 1 && o.range ? SIGALRM : undefined));
  const stop = await run.rangeStep(0, CODE, CODE + 3n);
  assert.deepEqual(stop, { kind: 'stepped', vcpu: 0 });
  assert.equal((await target.readRegisters(0)).get('rip'), CODE + 3n);
  assert.equal(target.handlerRuns, 1);
  assert.deepEqual(target.resumed.at(-1)?.range, { start: CODE, end: CODE + 3n }, 'the range is resumed, not restarted as single steps');
});

test('a quiet signal while continuing is given back to the program and the program runs on to its end', async () => {
  const { target, run } = setup((n) => (n === 1 ? SIGALRM : undefined));
  assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
  assert.equal(target.handlerRuns, 1);
  assert.deepEqual(target.resumed.map((o) => o.signal), [undefined, SIGALRM]);
});

test('handle SIGALRM nopass: the signal is dropped, not delivered, and the step goes on', async () => {
  const { target, run } = setup((n) => (n === 1 ? SIGALRM : undefined));
  run.signals.set(new Map([[SIGALRM, { stop: false, print: false, pass: false }]]));
  assert.deepEqual(await run.stepInstruction(0), { kind: 'stepped', vcpu: 0 });
  assert.equal(target.handlerRuns, 0);
  assert.deepEqual(target.resumed.map((o) => o.signal), [undefined, undefined]);
});

test('a nostop print signal says "Program received signal ..." and goes on; a stop signal is reported and passed on the next resume', async () => {
  const { target, run, notices } = setup((n) => (n === 1 ? SIGUSR1 : undefined));
  run.signals.set(new Map([[SIGUSR1, { stop: false, print: true, pass: true }]]));
  assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
  assert.deepEqual(notices, ['\nProgram received signal SIGUSR1, User defined signal 1.\n']);
  assert.equal(target.handlerRuns, 1);

  const again = setup((n) => (n === 1 ? SIGUSR1 : undefined));
  const stop = await again.run.continueAll(0);
  assert.deepEqual(stop, { kind: 'signal', vcpu: 0, signal: SIGUSR1, name: 'SIGUSR1' }, 'SIGUSR1 stops by default');
  assert.equal(again.target.handlerRuns, 0);
  again.run.setPendingSignal({ vcpu: 0, signal: SIGUSR1, name: 'SIGUSR1' });
  assert.deepEqual(await again.run.continueAll(0), { kind: 'exited', code: 0 });
  assert.equal(again.target.handlerRuns, 1, 'passed when the program resumed');
});

test('a signal the user made nopass after it stopped the program is not delivered (gdb decides at resume)', async () => {
  const { target, run } = setup((n) => (n === 1 ? SIGUSR1 : undefined));
  assert.equal((await run.continueAll(0)).kind, 'signal');
  run.setPendingSignal({ vcpu: 0, signal: SIGUSR1, name: 'SIGUSR1' });
  run.signals.set(new Map([[SIGUSR1, { stop: true, print: true, pass: false }]]));
  assert.deepEqual(await run.continueAll(0), { kind: 'exited', code: 0 });
  assert.equal(target.handlerRuns, 0);
});

test('the target is told which signals to pass without stopping before it first runs, and again only after a change', async () => {
  const { target, run } = setup(() => undefined);
  await run.stepInstruction(0);
  await run.stepInstruction(0);
  const quiet = run.signals.rows().filter((r) => !r.stop && !r.print && r.pass).map((r) => r.number);
  assert.deepEqual(target.passLists, [quiet]);
  assert.ok(quiet.includes(SIGALRM) && !quiet.includes(SIGUSR1));
  run.signals.set(new Map([[SIGUSR1, { stop: false, print: false, pass: true }]]));
  await run.stepInstruction(0);
  assert.deepEqual(target.passLists, [quiet, [...quiet, SIGUSR1].sort((a, b) => a - b)]);
});
