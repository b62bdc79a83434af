// The talk's session on the demo unikernel built as a PVH guest (kernel-pvh-O0.elf): spin breakpoints, values, frames, stepping, detach.
// No gdb oracle here: gdb + gdbsx on a PVH guest plants int3, which QEMU's TCG delivers to the guest instead
// of Xen (docs/LAB.md, "PVH guests"). The answers are the PV session's, which xen-talk and gdbsx-oracle hold
// equal to gdb's on the same kernel.c; addresses differ between the builds and are not compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, assertGuestHealthy, createGuestCopy, labEnv, patchedTextBytes, roundsStarted, consoleLog, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-pvh';
const elf = join(env.guestDir, 'kernel-pvh-O0.elf');
const config = join(env.guestDir, `${env.guest}-pvh.cfg`);
const skip = existsSync(elf) && existsSync(config) ? false : 'no PVH image in the lab (test-xen.sh builds kernel-pvh-O0.elf)';

function run(args: string[]): { out: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, '--domain', GUEST, '--path', elf, '--batch', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { out: r.stdout + r.stderr, status: r.status };
}

test(`PVH guest on Xen (${env.hypervisor}): the talk's session with spin breakpoints, every byte restored, the guest runs on`, { skip }, async () => {
  createGuestCopy(GUEST, false, undefined, config);
  try {
    await waitFor('the PVH guest printing rounds', () => roundsStarted(consoleLog(GUEST)) >= 1, 120_000);
    const r = run(['-ex', 'info xen', '-ex', 'break kernel.c:73', '-ex', 'continue', '-ex', 'read my_integer', '-ex', 'read my_float',
      '-ex', 'read my_boolean', '-ex', 'der pointer_tester', '-ex', 'bt', '-ex', 'next', '-ex', 'next', '-ex', 'p $pc', '-ex', 'x/i $pc',
      '-ex', 'continue', '-ex', 'set var sleep_ms = 300', '-ex', 'detach']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /PVH\/HVM guest: using spin breakpoints \(jmp \.\)/);
    assert.match(r.out, /^Domain \d+ "duster-xen-pvh": [\w, ]+; HVM 64-bit$/m);
    assert.match(r.out, /Breakpoint 1, demo \(\) at kernel\.c:73\n73\t    printf\("%d\\n", pointer_tester->val\);\n/);
    assert.match(r.out, /\$1 = 300\n\$2 = 1\.5\n\$3 = true\n\$4 = \{val = 20, no = 0\.109999999, my_pointer = 0x0\}\n/);
    // Frames as in the PV build, ending in the entry function (pvh-head.S's 64-bit _start).
    const frames = [...r.out.matchAll(/^#(\d+) +(?:0x[0-9a-f]+ in )?(\S+) \(/gm)].map((m) => m[2]);
    assert.deepEqual(frames, ['demo', 'kernel_main', 'start_kernel_pvh', '_start'], r.out);
    assert.match(r.out, /\n74\t}\nkernel_main \(\) at kernel\.c:83\n83\t        tick\(round\);\n/, 'next leaves demo for kernel_main');
    assert.match(r.out, /\$5 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <kernel_main\+\d+>\n=> 0x[0-9a-f]+ <kernel_main\+\d+>:\t\S+/);
    assert.match(r.out, /\nBreakpoint 1, demo \(\) at kernel\.c:73\n[\s\S]*\[Inferior 1 \(process \?\) detached\]/, 'the next round hits again');
    // Nothing left patched anywhere in .text, and the guest runs on with the new sleep_ms.
    assert.equal(patchedTextBytes(GUEST, elf).count, 0);
    await waitFor('a round with the new sleep_ms', () => /round \d+ \(sleep_ms 300\)/.test(consoleLog(GUEST)), 90_000);
    xl('destroy', GUEST);

    // trap breakpoints are refused in one line, before anything is patched, and the guest is left running
    createGuestCopy(GUEST, false, undefined, config);
    await waitFor('the PVH guest printing rounds again', () => roundsStarted(consoleLog(GUEST)) >= 1, 120_000);
    const t = run(['--breakpoints', 'trap', '-ex', 'break kernel.c:73', '-ex', 'continue']);
    assert.notEqual(t.status, 0);
    assert.match(t.out, /--breakpoints trap is not supported on a PVH\/HVM guest yet \(Xen domain \d+\): use spin/);
    assert.doesNotMatch(t.out, /\n\s+at /, 'no stack trace');
    await assertGuestHealthy(GUEST, elf, 'after the refused trap session', []);
  } finally {
    try { xl('destroy', GUEST); } catch { /* already gone */ }
  }
});
