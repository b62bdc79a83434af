// vCPUs of a Xen PV guest: a 2-vCPU domain lists vCPU 1 offline (the demo never brings it up); per-vCPU pause exists
// only as a GDBSX domctl (answered on the GDBSX hypervisor, refused on the stock one). Runs inside dom0 only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectXen } from '../src/target/xen/connect.js';
import { DX_E } from '../src/target/xen/ffi.js';
import type { XenTarget } from '../src/target/xen/target.js';
import { labEnv, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-2vcpu';

test('a 2-vCPU guest: listing, per-vCPU registers, per-vCPU pause only with GDBSX', async () => {
  const dir = mkdtempSync('/tmp/duster-2v-');
  const cfg = readFileSync(env.config, 'utf8').replace(/^name = .*$/m, `name = "${GUEST}"`).replace(/^vcpus = .*$/m, 'vcpus = 2');
  writeFileSync(join(dir, 'v.cfg'), cfg);
  try { xl('destroy', GUEST); } catch { /* not there */ }
  xl('create', '-p', join(dir, 'v.cfg'));
  const { target } = await connectXen({ domain: GUEST }, { print: () => {}, error: () => {} });
  const x = target as XenTarget;
  try {
    assert.deepEqual(await target.listVcpus(), [{ id: 0, name: 'vCPU 0', online: true }, { id: 1, name: 'vCPU 1', online: false }]);
    assert.equal(x.snapshot().info.maxVcpuId, 1);
    assert.equal((await target.readRegisters(0)).get('cs'), 0xe033n);
    const r1 = x.shim.vcpuPause(x.handle, 1);
    if (env.hypervisor === 'gdbsx') {
      assert.equal(r1, 0, x.shim.strerror(r1));
      assert.equal(x.shim.vcpuUnpause(x.handle, 1), 0);
      assert.equal(x.shim.vcpuUnpause(x.handle, 1), -22, 'unpausing a vCPU that is not paused: EINVAL');
    } else {
      assert.equal(r1, DX_E.NOGDBSX);
    }
    // resume only vCPU 0 and interrupt: the bookkeeping leaves nothing paused behind
    await target.resume({ only: 0 });
    await target.interrupt();
    const ev = await target.waitForStop();
    assert.equal(ev.vcpu, 0);
    await target.detach({});
    assert.doesNotMatch(xl('list', GUEST).split('\n')[1] ?? '', /\s--p/, 'running after detach');
  } finally {
    target.close();
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});
