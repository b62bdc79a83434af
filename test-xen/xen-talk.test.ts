// The talk's session on the PV demo unikernel, values included: read/der, finish, set var seen by the guest, detach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, consoleLog, createGuestCopy, labEnv, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-talk';

test(`the talk's values on Xen (${env.hypervisor}): my_integer 300, my_float 1.5, my_boolean true, *pointer_tester; finish; set var reaches the guest`, async () => {
  createGuestCopy(GUEST);
  try {
    const r = spawnSync(process.execPath, [CLI, '--domain', GUEST, '--path', env.elfO0, '--batch',
      '-ex', 'break kernel.c:73', '-ex', 'continue', '-ex', 'read my_integer', '-ex', 'read my_float', '-ex', 'read my_boolean',
      '-ex', 'der pointer_tester', '-ex', 'print pointer_tester->val + 1', '-ex', 'finish', '-ex', 'set var sleep_ms = 300', '-ex', 'print sleep_ms',
      '-ex', 'detach'], { encoding: 'utf8', timeout: 240_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.match(out, /Breakpoint 1, demo \(\) at kernel\.c:73\n73\t    printf\("%d\\n", pointer_tester->val\);\n/);
    assert.match(out, /\$1 = 300\n\$2 = 1\.5\n\$3 = true\n\$4 = \{val = 20, no = 0\.109999999, my_pointer = 0x0\}\n\$5 = 21\n/);
    assert.match(out, /kernel_main \(\) at kernel\.c:83\n83\t/, 'finish returns to the loop in kernel_main');
    assert.match(out, /\$6 = 300\n/);
    // The guest reads sleep_ms every round and prints it: the write reached guest memory.
    await waitFor('a round with the new sleep_ms', () => /round \d+ \(sleep_ms 300\)/.test(consoleLog(GUEST)), 90_000);
  } finally {
    try { xl('destroy', GUEST); } catch { /* already gone */ }
  }
});
