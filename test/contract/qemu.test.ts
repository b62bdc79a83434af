// The contract suite against the gdb-remote backend connected to QEMU's gdbstub booting the fixture kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openElf } from '../../src/elf/elf.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { compileQemuKernel, haveQemu, startQemu } from '../helpers/qemu.js';
import { runContractSuite, type ContractSubject } from './contract-suite.js';

const SKIP = !haveQemu();
const KERNEL = SKIP ? undefined : compileQemuKernel(['-g', '-gdwarf-5', '-O0']);

function kernelSymbol(name: string): bigint {
  const s = openElf(KERNEL!.elf64).symbols().find((x) => x.name === name);
  if (!s) throw new Error(`${name} not in ${KERNEL!.elf64}`);
  return s.value;
}

async function subject(): Promise<ContractSubject> {
  const q = await startQemu(KERNEL!);
  let target: GdbRemoteTarget | undefined;
  try {
    target = await GdbRemoteTarget.connect(q.host, q.port);
    await runToLongMode(target);
  } catch (e) {
    target?.close();
    await q.stop();
    throw e;
  }
  const t = target;
  // demo at -O0 opens with push %rbp (1 byte) and mov %rsp,%rbp (3 bytes); kmain reaches it.
  const demo = kernelSymbol('demo');
  return {
    target: t,
    breakAddress: demo,
    afterBreak: demo + 1n,
    afterThat: demo + 4n,
    dataAddress: kernelSymbol('heap'),
    // Outside the kernel's page tables (they identity-map the first GiB).
    unmappedAddress: 0xdead_0000_0000n,
    ranOnAfterDetach: async () => (await q.waitForSerial('done: halting').then(() => true, () => false)),
    dispose: async () => {
      t.close();
      await q.stop();
    },
  };
}

/**
 * From the reset vector (real mode) to kmain (long mode), where the kernel being debugged lives: before
 * long mode QEMU reads and writes only the low 32 bits of the general registers (docs/QEMU.md).
 */
async function runToLongMode(target: GdbRemoteTarget): Promise<void> {
  const kmain = kernelSymbol('kmain');
  await target.insertBreakpoint(kmain);
  await target.resume({});
  const ev = await target.waitForStop();
  await target.removeBreakpoint(kmain);
  const pc = ev.vcpu === undefined ? undefined : (await target.readRegisters(ev.vcpu)).get('rip');
  if (ev.reason.kind !== 'trap' || pc !== kmain) throw new Error(`the kernel did not reach kmain: ${JSON.stringify(ev.reason)} at ${pc}`);
}

if (!SKIP) runContractSuite('QEMU gdbstub', subject);

test('QEMU gdbstub is recognised: Z0 breakpoints with pc at the breakpoint, no range stepping', { skip: SKIP && 'qemu-system-x86_64 is not installed' }, async () => {
  const s = await subject();
  try {
    const c = s.target.capabilities;
    assert.equal(c.breakpoints, 'target', 'an int3 in guest memory would be executed by the guest');
    assert.equal(c.trapPc, 'at-int3');
    assert.equal(c.rangeStep, false, 'no vCont;r');
    assert.equal(c.hardwareStep, true);
  } finally {
    await s.dispose();
  }
});
