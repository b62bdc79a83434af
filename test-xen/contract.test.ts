// The backend contract suite against the Xen backend in the lab's dom0 (trap breakpoints on a GDBSX hypervisor, spin elsewhere).
import { test } from 'node:test';
import { openElf } from '../src/elf/elf.js';
import { connectXen } from '../src/target/xen/connect.js';
import { runContractSuite, type ContractSubject } from '../test/contract/contract-suite.js';
import { consoleLog, createGuestCopy, labEnv, roundsStarted, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-contract';
const elf = openElf(env.elfO0);
const quiet = { print: () => {}, error: () => {} };

function sym(name: string): bigint {
  const s = elf.symbols().find((x) => x.name === name);
  if (!s) throw new Error(`symbol ${name} not in ${env.elfO0}`);
  return s.value;
}

/**
 * tick() runs once a round. At -O0 it starts with push %rbp (1 byte) and mov %rsp,%rbp (3 bytes),
 * after an endbr64 when the compiler adds one: the suite needs those exact instruction boundaries.
 */
function tickInstructions(): { breakAddress: bigint; afterBreak: bigint; afterThat: bigint } {
  let at = sym('tick');
  const bytes = (a: bigint, n: number) => [...(elf.readVirtual(a, n) ?? [])];
  if (bytes(at, 4).join() === [0xf3, 0x0f, 0x1e, 0xfa].join()) at += 4n;
  if (bytes(at, 4).join() !== [0x55, 0x48, 0x89, 0xe5].join()) throw new Error(`tick does not start with push %rbp; mov %rsp,%rbp: ${bytes(at, 4)}`);
  return { breakAddress: at, afterBreak: at + 1n, afterThat: at + 4n };
}

let created = false;

async function subject(): Promise<ContractSubject> {
  if (!created) {
    createGuestCopy(GUEST, false);
    created = true;
    await waitFor('the guest runs its rounds', () => roundsStarted(consoleLog(GUEST)) >= 1, 90_000);
  }
  const { target, strategy } = await connectXen({ domain: GUEST }, quiet);
  return {
    target,
    ...tickInstructions(),
    dataAddress: sym('sleep_ms'),
    unmappedAddress: 0x7f0000000000n,
    traps: strategy === 'trap',
    ranOnAfterDetach: async () => {
      const before = roundsStarted(consoleLog(GUEST));
      await waitFor('two more rounds after detach', () => roundsStarted(consoleLog(GUEST)) >= before + 2, 90_000);
      const row = xl('list', GUEST).split('\n')[1] ?? '';
      return !/\s--p|c-/.test(row);
    },
    // Every check leaves the guest running (a second detach after the check's own does nothing).
    dispose: () => target.detach({}),
  };
}

runContractSuite(`xen (${env.hypervisor})`, subject, { timeout: 240_000 });

test('cleanup: the contract guest is destroyed', () => {
  try { xl('destroy', GUEST); } catch { /* already gone */ }
});
