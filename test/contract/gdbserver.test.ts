// The contract suite against the gdb-remote backend under a real gdbserver, with core-written and with Z0 breakpoints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../src/core/session.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { runContractSuite, type ContractSubject } from './contract-suite.js';

const CONTRACT_EXE = compileFixture(['contract/contract.c'], ['-g', '-O0', '-no-pie'], 'contract');

/** A symbol's address in the fixture (non-PIE: the link-time address is the run-time one). */
function fixtureSymbol(name: string): bigint {
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
      afterThat: fixtureSymbol('contract_after') + 1n,
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

test('core plants its breakpoints with Z0 when gdbserver is connected with breakpoints: target', { timeout: 60_000 }, async () => {
  const gs = await startGdbserver(CONTRACT_EXE);
  const target = await GdbRemoteTarget.connect(gs.host, gs.port, { breakpoints: 'target' });
  try {
    const session = await Session.start({ program: new Program(openElf(CONTRACT_EXE)), target });
    const bp = fixtureSymbol('contract_bp');
    const original = await target.readMemory(bp, 1);
    await session.addBreakpoint(`*0x${bp.toString(16)}`);
    // The user's continue: a stop at the dynamic linker's event breakpoint (also a Z0) is a library event, not the user's.
    const stop = await session.stepping.continue();
    assert.equal(stop?.cause.kind, 'breakpoint');
    assert.equal(stop?.location.address, bp, 'pc at the breakpoint (gdbserver reports Z0 traps as swbreak, rewound)');
    assert.equal(session.patches.get(bp)?.byTarget, true, 'planted by the target');
    assert.deepEqual(await target.readMemory(bp, 1), original, 'no int3 of ours in memory');
    // Stepping off a Z0 breakpoint and running to the end.
    const end = await session.stepping.continue();
    assert.equal(end, undefined, 'the program exited');
    target.close(); // gdbserver --once leaves when its client hangs up
    assert.equal(await gs.exited, 0);
    assert.match(gs.stdout, /contract done/);
  } finally {
    target.close();
    await gs.stop();
  }
});
