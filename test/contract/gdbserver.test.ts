// The contract suite against the gdb-remote backend under a real gdbserver, with core-written and with Z0 breakpoints.
import { openElf } from '../../src/elf/elf.js';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { runContractSuite, type ContractSubject } from './contract-suite.js';

export const CONTRACT_EXE = compileFixture(['contract/contract.c'], ['-g', '-O0', '-no-pie'], 'contract');

/** A symbol's address in the fixture (non-PIE: the link-time address is the run-time one). */
export function fixtureSymbol(name: string): bigint {
  const s = openElf(CONTRACT_EXE).symbols().find((x) => x.name === name);
  if (!s) throw new Error(`${name} not in ${CONTRACT_EXE}`);
  return s.value;
}

function subject(opts: GdbRemoteOptions): () => Promise<ContractSubject> {
  return async () => {
    const gs = await startGdbserver(CONTRACT_EXE);
    let target: GdbRemoteTarget;
    try {
      target = await GdbRemoteTarget.connect(gs.host, gs.port, opts);
    } catch (e) {
      await gs.stop();
      throw e;
    }
    return {
      target,
      breakAddress: fixtureSymbol('contract_bp'),
      afterBreak: fixtureSymbol('contract_after'),
      dataAddress: fixtureSymbol('contract_data'),
      unmappedAddress: 0x10n,
      ranOnAfterDetach: async () => {
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
        const code = await Promise.race([gs.exited, timeout]);
        return code === 0 && gs.stdout.includes('contract done');
      },
      dispose: async () => {
        target.close();
        await gs.stop();
      },
    };
  };
}

runContractSuite('gdbserver', subject({}));
runContractSuite('gdbserver with Z0 breakpoints', subject({ breakpoints: 'target' }));
