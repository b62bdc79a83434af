// XenDump on a real `xl dump-core` of the demo guest: vCPU registers and memory equal the live backend's; bt and print through --core equal the live session's.
// Runs inside the lab's dom0 only (npm run test:xen); the integrator runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { connectXen } from '../src/target/xen/connect.js';
import { openElf } from '../src/elf/elf.js';
import { XenDump } from '../src/target/core-file/xen-dump.js';
import { CLI, consoleLog, createGuestCopy, labEnv, roundsStarted, symbolAddress, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-dump';
const elf = openElf(env.elfO0);
const sym = (name: string): bigint => symbolAddress(elf, name);
const quiet = { print: () => {}, error: () => {} };
const MARK = '@@cmd';

/** Runs the CLI in batch mode with `target` options; returns each command's output (a marker echoed before each). */
function answers(target: string[], before: string[], commands: string[]): string[] {
  const ex = [...before, ...commands.flatMap((c) => [`echo ${MARK}\\n`, c])].flatMap((c) => ['-ex', c]);
  const r = spawnSync(process.execPath, [CLI, ...target, '--path', env.elfO0, '--batch', ...ex], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, '', `no errors from ${target.join(' ')}`);
  return r.stdout.split(`${MARK}\n`).slice(1).map((t) => t.trimEnd());
}

test('xl dump-core of the paused demo guest: registers and memory equal the live xc_vcpu_getcontext and reads', async () => {
  createGuestCopy(GUEST);
  const core = join(mkdtempSync('/tmp/duster-dump-'), 'demo.core');
  try {
    xl('unpause', GUEST);
    await waitFor('a round of the demo', () => roundsStarted(consoleLog(GUEST)) >= 1, 120_000);
    xl('pause', GUEST);
    xl('dump-core', GUEST, core);
    const dump = XenDump.open(core);
    const { target } = await connectXen({ domain: GUEST }, quiet);
    try {
      assert.equal(dump.domainType, 'pv');
      assert.ok(dump.xenVersion && /^4\.\d+/.test(dump.xenVersion), `Xen version ${dump.xenVersion}`);
      assert.equal(dump.vcpus.length, 1);
      const live = await target.readRegisters(0);
      const dumped = dump.vcpus[0]!.registers;
      for (const [name, value] of live) assert.equal(dumped.get(name), value, `register ${name}`);
      assert.equal(dumped.get('cs'), 0xe033n);
      const reads: [string, bigint, number][] = [
        ['demo (text)', sym('demo'), 32],
        ['rounds_done (.data/.bss)', sym('rounds_done'), 4],
        ['sleep_ms (.data)', sym('sleep_ms'), 4],
        ['the stack at rsp', live.get('rsp')!, 64],
      ];
      for (const [what, addr, len] of reads) {
        assert.deepEqual([...dump.readVirtual(addr, len)], [...(await target.readMemory(addr, len))], what);
      }
      assert.ok(new DataView(dump.readVirtual(sym('rounds_done'), 4).buffer).getInt32(0, true) >= 0);
    } finally {
      target.close();
      dump.close();
    }
  } finally {
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});

test('--core on a dump of the guest stopped at kernel.c:73: bt and print answer as the live session did at that stop', async () => {
  createGuestCopy(GUEST);
  const core = join(mkdtempSync('/tmp/duster-dump-'), 'at-73.core');
  const commands = ['bt', 'print my_integer', 'print *pointer_tester', 'print pointer_tester->val + 1', 'info registers rip', 'x/4xg $sp', 'info threads'];
  try {
    // The live session stops at the breakpoint and leaves the guest paused there (patches restored).
    const live = answers(['--domain', GUEST, '--leave-paused'], ['break kernel.c:73', 'continue'], commands);
    assert.match(live[0]!, /^#0  demo \(\) at kernel\.c:73/);
    xl('dump-core', GUEST, core);
    const dumped = answers(['--core', core], [], commands);
    assert.equal(dumped.length, commands.length);
    for (const [i, c] of commands.entries()) assert.equal(dumped[i], live[i], c);
  } finally {
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});
