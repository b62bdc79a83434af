// The Xen backend in the lab's dom0: connect checks, registers and memory through the shim, the talk's session via the
// real CLI (trap on GDBSX, spin everywhere), detach and SIGTERM/SIGHUP/SIGINT mid-run leave the guest running correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectXen } from '../src/target/xen/connect.js';
import { DX_F } from '../src/target/xen/ffi.js';
import type { XenTarget } from '../src/target/xen/target.js';
import { MemoryError } from '../src/target/contract.js';
import { openElf } from '../src/elf/elf.js';
import { assertGuestHealthy as assertGuestHealthyOn, consoleLog, createGuestCopy, labEnv, roundsStarted, runCli as runCliOn, sleep, symbolAddress, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-be';
const elf = openElf(env.elfO0);
const sym = (name: string): bigint => symbolAddress(elf, name);
const quiet = { print: () => {}, error: () => {} };
const cliOpts = (over: Record<string, unknown> = {}) =>
  ({ domain: GUEST, batch: true, tui: false, commands: [], leavePaused: false, help: false, version: false, ...over });

function createGuest(): number {
  return createGuestCopy(GUEST);
}

const runCli = (args: string[], onOutput?: Parameters<typeof runCliOn>[3], timeoutMs?: number) => runCliOn(GUEST, env.elfO0, args, onOutput, timeoutMs);
const assertGuestHealthy = (what: string, patched: bigint[]) => assertGuestHealthyOn(GUEST, env.elfO0, what, patched);

const defaultStrategy = env.hypervisor === 'gdbsx' ? 'trap' : 'spin';

test('connectXen refuses what it cannot debug, with one line each', async () => {
  createGuest();
  await assert.rejects(connectXen(cliOpts({ domain: '4242' }), quiet), /^UserError: no Xen domain 4242$/);
  await assert.rejects(connectXen(cliOpts({ domain: 'no-such-guest' }), quiet), /no Xen domain named "no-such-guest"/);
  await assert.rejects(connectXen(cliOpts({ domain: '0' }), quiet), /control domain/);
  if (env.hypervisor === 'stock') {
    await assert.rejects(connectXen(cliOpts({ breakpoints: 'trap' }), quiet), /--breakpoints trap needs a hypervisor built with CONFIG_GDBSX/);
  }
});

test(`the backend: attach, registers, memory across pages, unmapped addresses, writes, resume/interrupt (${defaultStrategy})`, async () => {
  const domid = createGuest();
  const lines: string[] = [];
  const { target, strategy } = await connectXen(cliOpts(), { print: (t) => lines.push(t), error: (t) => lines.push(t) });
  const x = target as XenTarget;
  try {
    assert.equal(strategy, defaultStrategy);
    assert.match(lines.join(''), env.hypervisor === 'gdbsx' ? /with GDBSX: using trap breakpoints/ : /without GDBSX: using spin breakpoints \(jmp \.\)/);
    assert.equal(target.capabilities.hardwareStep, strategy === 'trap');
    assert.deepEqual(await target.listVcpus(), [{ id: 0, name: 'vCPU 0', online: true }]);
    const regs = await target.readRegisters(0);
    assert.equal(regs.get('rip'), elf.entry, 'created paused: at the ELF entry');
    assert.equal(regs.get('cs'), 0xe033n, '64-bit PV kernel code segment');
    const entryBytes = await target.readMemory(elf.entry, 32);
    assert.deepEqual([...entryBytes], [...elf.readVirtual(elf.entry, 32)!]);
    const main = sym('kernel_main');
    const page = (main & ~0xfffn) - 8n; // 16 bytes of .text straddling a page boundary (not the hypercall page Xen fills)
    assert.deepEqual([...(await target.readMemory(page, 16))], [...elf.readVirtual(page, 16)!]);
    await assert.rejects(target.readMemory(0x7f0000000000n, 4), (e) => e instanceof MemoryError && e.address === 0x7f0000000000n);
    const orig = await target.readMemory(main, 2);
    await target.writeMemory(main, Uint8Array.of(0xeb, 0xfe));
    assert.deepEqual([...(await target.readMemory(main, 2))], [0xeb, 0xfe]);
    await target.writeMemory(main, orig);
    const snap = x.snapshot();
    assert.equal(snap.domid, domid);
    assert.equal(snap.name, GUEST);
    assert.equal(snap.info.totPages, 4096n);
    await target.resume({});
    await sleep(3000);
    assert.ok(roundsStarted(consoleLog(GUEST)) >= 1 || consoleLog(GUEST).length > 0, 'the guest ran');
    const t0 = Date.now();
    await target.interrupt();
    const ev = await target.waitForStop();
    assert.deepEqual(ev.reason, { kind: 'interrupted' });
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(x.info().flags & DX_F.PAUSED);
    await target.detach({});
  } finally {
    target.close();
  }
  await assertGuestHealthy('after the backend test', [main0()]);
});
const main0 = () => sym('kernel_main');

for (const strategy of env.hypervisor === 'gdbsx' ? ['trap', 'spin'] as const : ['spin'] as const) {
  test(`the talk's session through the CLI (${strategy}): break kernel.c:73, continue, backtrace, next, step, detach`, async () => {
    createGuest();
    const r = await runCli(['--breakpoints', strategy, '-ex', 'break kernel.c:73', '-ex', 'continue', '-ex', 'bt', '-ex', 'next', '-ex', 'next',
      '-ex', 'step', '-ex', 'bt', '-ex', 'continue', '-ex', 'info breakpoints', '-ex', 'detach']);
    assert.equal(r.code, 0, r.out);
    const out = r.out;
    assert.match(out, new RegExp(`using ${strategy} breakpoints`));
    assert.match(out, /Breakpoint 1 at 0x[0-9a-f]+: file kernel\.c, line 73\./);
    assert.match(out, /Breakpoint 1, demo \(\) at kernel\.c:73\n73\t/);
    assert.match(out, /#0  demo \(\) at kernel\.c:73\n#1  0x[0-9a-f]+ in kernel_main \(\) at kernel\.c:82\n#2  0x[0-9a-f]+ in start_kernel \(si=0x[0-9a-f]+\) at start\.c:\d+\n#3  0x[0-9a-f]+ in _start \(\) at head\.S:\d+/);
    assert.match(out, /\n74\t[^\n]*\nkernel_main \(\) at kernel\.c:83\n83\t[^\n]*\ntick \(round=0\) at kernel\.c:49\n/);
    assert.match(out, /#0  tick \(round=0\) at kernel\.c:49\n#1  0x[0-9a-f]+ in kernel_main \(\) at kernel\.c:83/);
    assert.equal((out.match(/Breakpoint 1, demo \(\) at kernel\.c:73/g) ?? []).length, 2, 'hit again on the next round');
    assert.match(out, /breakpoint already hit 2 times/);
    assert.match(out, /detached/);
    const bp = BigInt(/Breakpoint 1 at (0x[0-9a-f]+)/.exec(out)![1]!);
    await assertGuestHealthy(`after detach (${strategy})`, [bp]);
  });
}

for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
  test(`${sig} while the guest runs with breakpoints planted: patches restored, guest runs on (${defaultStrategy})`, async () => {
    createGuest();
    let sent = false;
    // stop once in the loop (tick), plant two sites the loop never reaches, drop tick, run forever
    const r = await runCli(['-ex', 'break tick', '-ex', 'continue', '-ex', 'break factorial', '-ex', 'break sum_to', '-ex', 'delete 1', '-ex', 'continue'],
      (all, child) => {
        // the last site is planted right before the final continue
        if (!sent && /Breakpoint 3 at 0x/.test(all)) {
          sent = true;
          setTimeout(() => child.kill(sig), 10_000);
        }
      });
    assert.ok(sent, r.out);
    if (sig === 'SIGINT') {
      assert.equal(r.code, 0, `batch mode: Ctrl-C interrupts, then the batch ends and detaches\n${r.out}`);
      assert.match(r.out, /Program received signal SIGINT|Interrupt|interrupted/i);
    } else {
      assert.equal(r.code, sig === 'SIGTERM' ? 143 : 129, r.out);
    }
    const addrs = [...r.out.matchAll(/Breakpoint \d+ at (0x[0-9a-f]+)/g)].map((m) => BigInt(m[1]!));
    assert.equal(addrs.length, 3, r.out);
    await assertGuestHealthy(`after ${sig}`, addrs);
  });
}

test('cleanup: the test guest is destroyed', () => {
  try { xl('destroy', GUEST); } catch { /* already gone */ }
});
