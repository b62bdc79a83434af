// The gdb-remote backend against a real gdbserver: registers, memory, breakpoints, stepping, threads, interrupt, exit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MemoryError } from '../../src/target/contract.js';
import { GdbRemoteTarget, type GdbRemoteOptions } from '../../src/target/gdb-remote/target.js';
import { compileFixture, gdbBatch } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';

const DEMO = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
const BUSY = compileFixture(['remote/busy.c'], ['-g', '-O0', '-no-pie', '-pthread'], 'busy');

function symbol(exe: string, name: string): bigint {
  const line = execFileSync('nm', [exe], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(` ${name}`));
  assert.ok(line, `${name} in nm output`);
  return BigInt(`0x${line.split(' ')[0]}`);
}

/** Address of the instruction after the one at `addr`, from objdump. */
function nextInstruction(exe: string, addr: bigint): bigint {
  const out = execFileSync('objdump', ['-d', exe, `--start-address=0x${addr.toString(16)}`, `--stop-address=0x${(addr + 32n).toString(16)}`], { encoding: 'utf8' });
  const addrs = [...out.matchAll(/^\s+([0-9a-f]+):\t/gm)].map((m) => BigInt(`0x${m[1]}`));
  assert.equal(addrs[0], addr);
  return addrs[1]!;
}

/** Runs `body` with a target connected to a fresh gdbserver running `exe args`. */
async function withTarget(
  exe: string,
  args: string[],
  body: (t: GdbRemoteTarget, gs: GdbserverHandle) => Promise<void>,
  opts: GdbRemoteOptions = {},
): Promise<void> {
  const gs = await startGdbserver(exe, args);
  const t = await GdbRemoteTarget.connect(gs.host, gs.port, opts);
  try {
    await body(t, gs);
  } finally {
    t.close();
    await gs.stop();
  }
}

async function firstVcpu(t: GdbRemoteTarget): Promise<number> {
  const [v] = await t.listVcpus();
  assert.ok(v);
  return v.id;
}

test('connecting to gdbserver negotiates no-ack mode, target.xml, vCont and Z0, and knows the pid', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t, gs) => {
    assert.ok(t.features.noAckMode && t.features.targetXml && t.features.packetSize! > 1000);
    assert.equal(t.layout.source, 'target.xml');
    assert.ok(t.z0Supported);
    assert.deepEqual(t.capabilities, { canExecute: true, trapPc: 'after-int3', breakpoints: 'memory', hardwareStep: true, rangeStep: true, spinPoll: 'interrupt-and-read' });
    assert.equal(t.lastStop?.kind, 'signal');
    assert.equal(t.processId, Number(/pid = (\d+)/.exec(gs.log)?.[1]));
  });
});

test('initial registers: rip is the dynamic loader entry gdb reports for starti, rsp is on the stack', { timeout: 60_000 }, async () => {
  const oracle = /\$1 = (0x[0-9a-f]+)/.exec(gdbBatch(DEMO, ['starti', 'p/x $pc']));
  assert.ok(oracle, 'gdb printed $pc');
  await withTarget(DEMO, [], async (t) => {
    const regs = await t.readRegisters(await firstVcpu(t));
    assert.equal(regs.get('rip'), BigInt(oracle[1]!));
    assert.ok(regs.get('rsp')! > 0x7ff000000000n && regs.get('rsp')! % 8n === 0n);
    assert.equal(regs.get('cs'), 0x33n);
    for (const name of ['rax', 'r15', 'eflags', 'fs_base', 'gs_base']) assert.ok(regs.has(name), name);
  });
});

test('the built-in register layout (no target.xml) decodes the same values as the expedited ones', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    assert.equal(t.layout.source, 'built-in amd64');
    const regs = await t.readRegisters(await firstVcpu(t));
    const stop = t.lastStop;
    assert.ok(stop?.kind === 'signal');
    assert.equal(regs.get('rip'), stop.registers.get(16)!.readBigUInt64LE());
    assert.equal(regs.get('rsp'), stop.registers.get(7)!.readBigUInt64LE());
    assert.equal(regs.get('eflags')! & 0x2n, 0x2n); // bit 1 of eflags is always set
    assert.equal(regs.get('mxcsr'), 0x1f80n);
  }, { useTargetXml: false });
});

test('memory: ELF header read at 0x400000, X round trip with bytes that need escaping, reads beyond one packet', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    const file = readFileSync(DEMO);
    assert.deepEqual(Buffer.from(await t.readMemory(0x400000n, 64)), file.subarray(0, 64));
    const rsp = (await t.readRegisters(await firstVcpu(t))).get('rsp')!;
    const data = Buffer.alloc(40_000);
    for (let i = 0; i < data.length; i++) data[i] = [0x23, 0x24, 0x7d, 0x2a, i & 0xff][i % 5]!;
    const at = rsp - 50_000n;
    await t.writeMemory(at, data);
    assert.deepEqual(Buffer.from(await t.readMemory(at, data.length)), data);
  });
});

test('memory: M writes when binary writes are turned off', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    const at = symbol(DEMO, 'iterations_done');
    await t.writeMemory(at, Uint8Array.of(0x2a, 0x23, 0, 0));
    assert.deepEqual([...(await t.readMemory(at, 4))], [0x2a, 0x23, 0, 0]);
  }, { useBinaryWrites: false });
});

test('memory at address 0 fails with MemoryError and gdb\'s message, for reads and writes', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    await assert.rejects(t.readMemory(0n, 4), (e: unknown) => e instanceof MemoryError && e.message === 'Cannot access memory at address 0x0');
    await assert.rejects(t.writeMemory(0n, Uint8Array.of(1)), MemoryError);
    assert.deepEqual([...(await t.readMemory(0x400000n, 4))], [0x7f, 0x45, 0x4c, 0x46]); // still usable afterwards
  });
});

test('Z0 breakpoint at demo: continue stops with a swbreak trap, rip already back at demo; a single-step goes to the next instruction', { timeout: 60_000 }, async () => {
  const demo = symbol(DEMO, 'demo');
  await withTarget(DEMO, [], async (t) => {
    const v = await firstVcpu(t);
    await t.insertBreakpoint(demo);
    await t.resume({});
    const stop = await t.waitForStop();
    assert.deepEqual(stop.reason, { kind: 'trap', swbreak: true });
    assert.equal(stop.vcpu, v);
    const regs = await t.readRegisters(v);
    assert.equal(regs.get('rip'), demo); // swbreak negotiated: gdbserver has rewound rip itself
    await t.removeBreakpoint(demo);
    await t.resume({ step: v, only: v });
    assert.deepEqual((await t.waitForStop()).reason, { kind: 'trap' });
    const after = await t.readRegisters(v);
    assert.equal(after.get('rip'), nextInstruction(DEMO, demo));
    assert.equal(after.get('rsp'), regs.get('rsp')! - 8n); // push %rbp
  });
});

test('an int3 written by hand stops as a swbreak trap with rip at demo; restoring the byte lets the program finish', { timeout: 60_000 }, async () => {
  const demo = symbol(DEMO, 'demo');
  await withTarget(DEMO, ['1'], async (t, gs) => {
    const v = await firstVcpu(t);
    const original = await t.readMemory(demo, 1);
    await t.writeMemory(demo, Uint8Array.of(0xcc));
    await t.resume({});
    const stop = await t.waitForStop();
    assert.deepEqual(stop.reason, { kind: 'trap', swbreak: true });
    assert.equal((await t.readRegisters(v)).get('rip'), demo);
    await t.writeMemory(demo, original);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { reason: { kind: 'exited', code: 0 } });
    t.close(); // gdbserver --once stays up after the exit until the connection closes
    await gs.exited;
    assert.match(gs.stdout, /We are on the 0 iteration of the loop/);
  });
});

test('register writes read back (P, or g + G where the stub has no P, as gdbserver)', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    const v = await firstVcpu(t);
    await t.writeRegisters(v, new Map([['rax', 0x1122334455667788n], ['r15', 0xffffffffffffffffn], ['eflags', 0x246n]]));
    const regs = await t.readRegisters(v);
    assert.equal(regs.get('rax'), 0x1122334455667788n);
    assert.equal(regs.get('r15'), 0xffffffffffffffffn);
    assert.equal(regs.get('eflags'), 0x246n);
    await assert.rejects(t.writeRegisters(v, new Map([['nosuch', 1n]])), /Invalid register/);
  });
});

test('program exit is reported with its status, and its stdout and stderr reach the helper separately', { timeout: 60_000 }, async () => {
  await withTarget(BUSY, ['exit', '7'], async (t, gs) => {
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { reason: { kind: 'exited', code: 7 } });
    await assert.rejects(t.readMemory(0x400000n, 1), /not being run/);
    assert.deepEqual(await t.listVcpus(), []);
    t.close(); // gdbserver --once stays up after the exit until the connection closes
    await gs.exited;
    assert.equal(gs.stdout, 'hello stdout\n');
    assert.equal(gs.stderr, 'hello stderr\n');
    assert.doesNotMatch(gs.log, /hello/);
  });
});

test('a SIGSEGV is reported as a signal stop of the faulting thread', { timeout: 60_000 }, async () => {
  await withTarget(BUSY, ['segv'], async (t) => {
    const v = await firstVcpu(t);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { vcpu: v, reason: { kind: 'signal', signal: 11, name: 'SIGSEGV' } });
  });
});

test('interrupting a spinning program stops it; its three threads are listed with their own registers', { timeout: 60_000 }, async () => {
  const counter = symbol(BUSY, 'counter');
  await withTarget(BUSY, ['spin'], async (t) => {
    await t.resume({});
    await new Promise((r) => setTimeout(r, 300));
    await t.interrupt();
    const stop = await t.waitForStop();
    assert.equal(stop.reason.kind, 'interrupted');
    const vcpus = await t.listVcpus();
    assert.equal(vcpus.length, 3);
    for (const v of vcpus) assert.ok((await t.readRegisters(v.id)).get('rip')! > 0n);
    const count = (await t.readMemory(counter, 8)) as Uint8Array;
    assert.ok(Buffer.from(count).readBigUInt64LE() > 0n, 'the main loop ran');
  });
});

test('without vCont (Hc + c/s) stepping and continuing still work', { timeout: 60_000 }, async () => {
  // gdbserver's legacy 's' after a breakpoint stop runs on into the lazy-binding resolver (gdb sees
  // the same with vCont disabled), so this steps from the first instruction, where it behaves.
  const demo = symbol(DEMO, 'demo');
  await withTarget(DEMO, ['1'], async (t) => {
    const v = await firstVcpu(t);
    const start = (await t.readRegisters(v)).get('rip')!;
    await t.resume({ step: v });
    assert.deepEqual(await t.waitForStop(), { vcpu: v, reason: { kind: 'trap' } });
    const next = (await t.readRegisters(v)).get('rip')!;
    assert.ok(next > start && next - start < 16n, `one instruction from 0x${start.toString(16)} to 0x${next.toString(16)}`);
    await t.insertBreakpoint(demo);
    await t.resume({});
    assert.deepEqual((await t.waitForStop()).reason, { kind: 'trap', swbreak: true });
    assert.equal((await t.readRegisters(v)).get('rip'), demo);
    await t.removeBreakpoint(demo);
    await t.resume({});
    assert.deepEqual(await t.waitForStop(), { reason: { kind: 'exited', code: 0 } });
  }, { useVCont: false });
});

test('monitor output arrives as O packets and is decoded', { timeout: 60_000 }, async () => {
  await withTarget(DEMO, [], async (t) => {
    assert.match(await t.monitor('help'), /monitor commands/);
  });
});

test('detach lets the program run to its end; kill ends gdbserver', { timeout: 60_000 }, async () => {
  await withTarget(BUSY, ['exit', '3'], async (t, gs) => {
    await t.detach();
    assert.equal(await gs.exited, 0);
    assert.equal(gs.stdout, 'hello stdout\n');
  });
  await withTarget(BUSY, ['spin'], async (t, gs) => {
    await t.resume({});
    await t.kill(); // interrupts first, then vKill
    await gs.exited;
    assert.doesNotMatch(gs.stdout, /hello/);
  });
});

test('round trips over loopback: single-step and 8-byte memory read take well under 10 ms', { timeout: 60_000 }, async (ctx) => {
  await withTarget(DEMO, [], async (t) => {
    const v = await firstVcpu(t);
    const rsp = (await t.readRegisters(v)).get('rsp')!;
    let t0 = performance.now();
    for (let i = 0; i < 200; i++) await t.readMemory(rsp, 8);
    const read = (performance.now() - t0) / 200;
    t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      await t.resume({ step: v, only: v });
      await t.waitForStop();
    }
    const step = (performance.now() - t0) / 200;
    t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      await t.resume({ step: v, only: v });
      await t.waitForStop();
      await t.readRegisters(v);
    }
    const stepRegs = (performance.now() - t0) / 100;
    ctx.diagnostic(`memory read ${read.toFixed(3)} ms, step ${step.toFixed(3)} ms, step+registers ${stepRegs.toFixed(3)} ms`);
    assert.ok(read < 10 && step < 10);
  });
});
