// The contract suite against FakeTarget in every capability combination core distinguishes.
import { FakeTarget, type FakeTargetOptions } from '../helpers/fake-target.js';
import { runContractSuite, type ContractSubject } from './contract-suite.js';

/** nop nop [bp: nop] [after: nop] nop jmp . — the program every fake runs. */
const FAKE_CODE = { base: 0x1000n, bytes: Uint8Array.of(0x90, 0x90, 0x90, 0x90, 0x90, 0xeb, 0xfe) };
const FAKE_DATA = { base: 0x8000n, bytes: Uint8Array.from({ length: 16 }, (_, i) => i) };

function subject(capabilities: FakeTargetOptions['capabilities']): () => Promise<ContractSubject> {
  return async () => {
    const target = new FakeTarget({ regions: [FAKE_CODE, FAKE_DATA], rip: FAKE_CODE.base, capabilities });
    return {
      target,
      breakAddress: 0x1002n,
      afterBreak: 0x1003n,
      afterThat: 0x1004n,
      dataAddress: 0x8004n,
      unmappedAddress: 0x10n,
      ranOnAfterDetach: async () =>
        target.detached?.leavePaused === false && target.planted.size === 0 && target.peek(0x1002n, 1)[0] === 0x90,
      dispose: async () => target.close(),
    };
  };
}

runContractSuite('fake (gdbserver-like)', subject({}));
runContractSuite('fake (QEMU-like: target breakpoints, pc at the int3, no range step)', subject({ breakpoints: 'target', trapPc: 'at-int3', rangeStep: false }));
runContractSuite('fake (Xen spin-like: no hardware step, registers read while running)', subject({ hardwareStep: false, rangeStep: false, spinPoll: 'read-while-running' }));
runContractSuite('fake (post-mortem)', subject({ canExecute: false }));
