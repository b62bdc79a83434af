// The backend contract suite: what every Target must do, run against each backend (fake, gdbserver, Xen in the lab).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryError, type StopEvent, type Target } from '../../src/target/contract.js';

/** One backend, attached to a program the suite may drive. */
export interface ContractSubject {
  target: Target;
  /** A one-byte instruction the program reaches when resumed from where it is now. */
  breakAddress: bigint;
  /** The instruction right after breakAddress (where a single step from it lands). */
  afterBreak: bigint;
  /** The instruction after afterBreak (where a range step over the two lands). */
  afterThat: bigint;
  /**
   * The backend reports int3 traps (default true). False for Xen without GDBSX, whose only
   * breakpoints are spin sites: the breakpoint checks are skipped and detach is checked alone.
   */
  traps?: boolean;
  /** Eight bytes of mapped, writable memory. */
  dataAddress: bigint;
  /** An address nothing is mapped at. */
  unmappedAddress: bigint;
  /** A general register the suite may change and restore (default rbx). */
  scratchRegister?: string;
  /** After detach: true once the program has shown that it runs on without us (and without traps). */
  ranOnAfterDetach(): Promise<boolean>;
  /** Frees what makeSubject started. Called after every check. */
  dispose(): Promise<void>;
}

const STOP_TIMEOUT_MS = 20_000;

async function stopWithin(t: Target, what: string): Promise<StopEvent> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no stop within ${STOP_TIMEOUT_MS} ms (${what})`)), STOP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([t.waitForStop(), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function firstVcpu(t: Target): Promise<number> {
  const vcpus = await t.listVcpus();
  assert.ok(vcpus.length > 0, 'the target lists at least one vCPU');
  return (vcpus.find((v) => v.online) ?? vcpus[0]!).id;
}

async function pc(t: Target, vcpu: number): Promise<bigint> {
  const rip = (await t.readRegisters(vcpu)).get('rip');
  assert.ok(rip !== undefined, 'registers include rip');
  return rip;
}

/** Plants a trap breakpoint the way the capabilities say; returns how to take it out again. */
async function plant(t: Target, address: bigint): Promise<() => Promise<void>> {
  const original = await t.readMemory(address, 1);
  if (t.capabilities.breakpoints === 'target') {
    await t.insertBreakpoint!(address);
    // The target plants its own way: memory still shows the program's byte.
    assert.deepEqual(await t.readMemory(address, 1), original, 'a target-planted breakpoint is invisible in memory');
    return () => t.removeBreakpoint!(address);
  }
  await t.writeMemory(address, Uint8Array.of(0xcc));
  assert.deepEqual(await t.readMemory(address, 1), Uint8Array.of(0xcc), 'memory shows the int3 written');
  return () => t.writeMemory(address, original);
}

/** Runs to the breakpoint and checks the trap and the pc rule; leaves pc at the breakpoint, the breakpoint removed. */
async function runToBreakpoint(s: ContractSubject): Promise<number> {
  const t = s.target;
  const unplant = await plant(t, s.breakAddress);
  await t.resume({});
  const ev = await stopWithin(t, 'running to the breakpoint');
  assert.equal(ev.reason.kind, 'trap', `stopped by a trap (got ${JSON.stringify(ev.reason)})`);
  assert.ok(ev.vcpu !== undefined, 'the stop names its vCPU');
  // A trap reported as swbreak (gdbserver once offered it) is already back on the int3, whatever trapPc says.
  const atInt3 = ev.reason.kind === 'trap' && ev.reason.swbreak === true;
  const expected = t.capabilities.trapPc === 'after-int3' && !atInt3 ? s.breakAddress + 1n : s.breakAddress;
  assert.equal(await pc(t, ev.vcpu), expected, `pc after the trap follows trapPc '${t.capabilities.trapPc}'${atInt3 ? ' and swbreak' : ''}`);
  await unplant();
  if (expected !== s.breakAddress) await t.writeRegisters(ev.vcpu, new Map([['rip', s.breakAddress]]));
  assert.equal(await pc(t, ev.vcpu), s.breakAddress);
  return ev.vcpu;
}

/**
 * Registers the contract checks under `name`; each check gets a fresh subject from makeSubject.
 * Execution checks are skipped when the target says it cannot execute (a core file).
 */
export function runContractSuite(name: string, makeSubject: () => Promise<ContractSubject>, opts: { timeout?: number } = {}): void {
  const timeout = opts.timeout ?? 60_000;
  const check = (title: string, body: (s: ContractSubject) => Promise<void>, when?: (t: Target) => boolean) =>
    test(`${name}: ${title}`, { timeout }, async (ctx) => {
      const s = await makeSubject();
      try {
        if (when && !when(s.target)) {
          ctx.skip('not applicable to this backend');
          return;
        }
        await body(s);
      } finally {
        await s.dispose();
      }
    });
  const executes = (t: Target) => t.capabilities.canExecute;

  check('capabilities are consistent', async ({ target: t }) => {
    const c = t.capabilities;
    assert.ok(c.trapPc === 'after-int3' || c.trapPc === 'at-int3', 'trapPc');
    assert.ok(c.breakpoints === 'memory' || c.breakpoints === 'target', 'breakpoints');
    assert.ok(c.spinPoll === 'read-while-running' || c.spinPoll === 'interrupt-and-read', 'spinPoll');
    if (c.breakpoints === 'target') assert.ok(t.insertBreakpoint && t.removeBreakpoint, "'target' breakpoints need insertBreakpoint/removeBreakpoint");
    if (c.rangeStep) assert.ok(c.hardwareStep, 'range stepping is hardware stepping');
    if (!c.canExecute) await assert.rejects(t.resume({}), 'a target that cannot execute refuses resume');
  });

  check('registers: a write reads back, other registers are unchanged, the original restores', async (s) => {
    const t = s.target;
    const v = await firstVcpu(t);
    const name = s.scratchRegister ?? 'rbx';
    const before = new Map(await t.readRegisters(v));
    for (const r of ['rip', 'rsp', name]) assert.ok(before.has(r), `registers include ${r}`);
    const value = before.get(name)! ^ 0x5a5a_1234_5678_9abcn;
    if (!t.capabilities.canExecute) {
      await assert.rejects(t.writeRegisters(v, new Map([[name, value]])), 'a target that cannot execute cannot write');
      assert.equal((await t.readRegisters(v)).get(name), before.get(name));
      return;
    }
    await t.writeRegisters(v, new Map([[name, value]]));
    const after = await t.readRegisters(v);
    assert.equal(after.get(name), value, `${name} reads back what was written`);
    assert.equal(after.get('rip'), before.get('rip'), 'rip unchanged');
    assert.equal(after.get('rsp'), before.get('rsp'), 'rsp unchanged');
    await t.writeRegisters(v, new Map([[name, before.get(name)!]]));
    assert.equal((await t.readRegisters(v)).get(name), before.get(name));
  });

  check('memory: a write reads back, the original restores, unmapped memory is a MemoryError', async (s) => {
    const t = s.target;
    const original = await t.readMemory(s.dataAddress, 8);
    assert.equal(original.length, 8);
    const pattern = Uint8Array.from(original, (b, i) => b ^ (0xa5 + i));
    await assert.rejects(t.readMemory(s.unmappedAddress, 8), (e) => e instanceof MemoryError, 'MemoryError on unmapped memory');
    if (!t.capabilities.canExecute) {
      await assert.rejects(t.writeMemory(s.dataAddress, pattern), 'a target that cannot execute cannot write');
      assert.deepEqual(await t.readMemory(s.dataAddress, 8), original);
      return;
    }
    await t.writeMemory(s.dataAddress, pattern);
    assert.deepEqual(await t.readMemory(s.dataAddress, 8), pattern);
    assert.deepEqual(await t.readMemory(s.dataAddress + 2n, 3), pattern.subarray(2, 5), 'a read inside the write');
    await t.writeMemory(s.dataAddress, original);
    assert.deepEqual(await t.readMemory(s.dataAddress, 8), original);
  });

  check('a breakpoint stops the program with a trap, pc as trapPc says; a single step reaches the next instruction', async (s) => {
    const t = s.target;
    if (s.traps === false) return;
    const v = await runToBreakpoint(s);
    if (!t.capabilities.hardwareStep) {
      await assert.rejects(t.resume({ step: v, only: v }), 'no hardware step: resume({ step }) is refused');
      return;
    }
    await t.resume({ step: v, only: v });
    const ev = await stopWithin(t, 'single step');
    assert.equal(ev.reason.kind, 'trap', 'a completed step reports a trap');
    assert.equal(ev.vcpu, v);
    assert.equal(await pc(t, v), s.afterBreak, 'one instruction executed');
    if (t.capabilities.rangeStep) {
      await t.writeRegisters(v, new Map([['rip', s.breakAddress]]));
      await t.resume({ step: v, only: v, range: { start: s.breakAddress, end: s.afterThat } });
      const r = await stopWithin(t, 'range step');
      assert.equal(r.reason.kind, 'trap');
      assert.equal(await pc(t, v), s.afterThat, 'a range step stops at the first pc outside the range');
    }
  }, executes);

  check('interrupt stops a running target', async (s) => {
    const t = s.target;
    const v = await firstVcpu(t);
    await t.resume({});
    await new Promise((r) => setTimeout(r, 100));
    if (t.capabilities.spinPoll === 'read-while-running') {
      assert.ok((await t.readRegisters(v)).get('rip') !== undefined, "'read-while-running' reads registers of a running vCPU");
    }
    await t.interrupt();
    const ev = await stopWithin(t, 'interrupt');
    assert.equal(ev.reason.kind, 'interrupted', `stopped on our request (got ${JSON.stringify(ev.reason)})`);
    assert.ok((await t.readRegisters(ev.vcpu ?? v)).get('rip') !== undefined, 'stopped: registers readable');
  }, executes);

  check('detach leaves the program running on its original bytes', async (s) => {
    const t = s.target;
    const original = await t.readMemory(s.breakAddress, 2);
    if (s.traps !== false) await runToBreakpoint(s);
    assert.deepEqual(await t.readMemory(s.breakAddress, 2), original, 'the breakpoint is gone from memory');
    await t.detach();
    assert.ok(await s.ranOnAfterDetach(), 'the program ran on after detach');
  }, executes);
}
