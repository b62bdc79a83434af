// The Xen shim on a host without Xen: it compiles (both API variants), loads through koffi, and fails with codes, never crashes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DX_E, REGS_SIZE, loadShim, type Shim } from '../../src/target/xen/ffi.js';
import { describeLoadError } from '../../src/target/xen/connect.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shimDir = join(root, 'native-shim');
const haveHeaders = existsSync('/usr/include/xenctrl.h');
const inDom0 = existsSync('/proc/xen/capabilities');

let built: { dir: string; shim: Shim } | undefined;
function shim(): Shim {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), 'duster-shim-'));
    execFileSync('make', ['-s', '-C', shimDir, `B=${dir}`], { stdio: 'pipe' });
    built = { dir, shim: loadShim(join(dir, 'libduster_xen.so')) };
  }
  return built.shim;
}
process.on('exit', () => { if (built) rmSync(built.dir, { recursive: true, force: true }); });

test('the shim compiles against the installed Xen headers and detects the getinfo API', { skip: !haveHeaders && 'no libxen-dev' }, () => {
  shim();
  const config = readFileSync(join(built!.dir, 'dx_config.h'), 'utf8');
  // Debian 12 ships Xen 4.17: no xc_domain_getinfo_single, so the getinfolist path is compiled
  const single = readFileSync('/usr/include/xenctrl.h', 'utf8').includes('xc_domain_getinfo_single');
  assert.equal(/DX_HAVE_GETINFO_SINGLE/.test(config), single);
});

test('the Xen >= 4.18 variant compiles too (xc_domain_getinfo_single declared by a stand-in header)', { skip: !haveHeaders && 'no libxen-dev' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-shim418-'));
  try {
    // pretend the configure step found the 4.18 API; the prototype matches Xen 4.18's xenctrl.h
    execFileSync('sh', ['-c', `mkdir -p ${dir}/b && echo '#define DX_HAVE_GETINFO_SINGLE 1' > ${dir}/b/dx_config.h && ` +
      `printf '#include <xenctrl.h>\\nint xc_domain_getinfo_single(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info);\\n' > ${dir}/pre.h && ` +
      `cd ${shimDir} && gcc -fsyntax-only -Wall -Werror -include ${dir}/pre.h -I${dir}/b dx_core.c dx_mem.c dx_wait.c`], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('koffi loads the shim; error texts for every code', { skip: !haveHeaders && 'no libxen-dev' }, () => {
  const s = shim();
  assert.equal(s.strerror(DX_E.UNMAPPED), 'guest address not mapped');
  assert.equal(s.strerror(DX_E.NOGDBSX), 'hypervisor built without GDBSX');
  assert.equal(s.strerror(-2), 'No such file or directory');
  assert.equal(s.strerror(0), 'success');
});

test('without Xen, or with a stale handle, every call returns an error code instead of crashing', { skip: (!haveHeaders && 'no libxen-dev') || (inDom0 && 'running in dom0') }, async () => {
  const s = shim();
  const h = s.open(1);
  assert.ok(h < 0, `dx_open on a host without Xen: ${h}`);
  for (const bad of [-1, 3, 15, 16, 1_000_000]) {
    assert.equal(s.pause(bad), DX_E.BADHANDLE);
    assert.equal(s.info(bad), DX_E.BADHANDLE);
    assert.equal(s.getRegs(bad, 0, Buffer.alloc(REGS_SIZE)), DX_E.BADHANDLE);
    assert.equal(s.readMem(bad, 0, 0x1000n, Buffer.alloc(16), Buffer.alloc(8)), DX_E.BADHANDLE);
    assert.equal(s.gdbsxProbe(bad), DX_E.BADHANDLE);
    assert.equal(s.translate(bad, 0, 0x1000n), DX_E.BADHANDLE);
    assert.equal(s.upcallMask(bad, 0x1234n, 0, -1), DX_E.BADHANDLE);
    assert.equal(s.close(bad), DX_E.BADHANDLE);
  }
  assert.equal(s.getRegs(0, 0, Buffer.alloc(8)), DX_E.RANGE, 'a short register buffer is refused on our side');
  const w = await s.waitStop(5, 10, 10, 1000);
  assert.equal(w.rc, DX_E.BADHANDLE);
  assert.ok(s.findDomain('nope') < 0);
  assert.ok(typeof s.domainName(1) === 'number');
});

test('load failures become one line naming what is missing', () => {
  assert.equal(describeLoadError('libxenctrl.so.4.17: cannot open shared object file: No such file or directory'),
    'libxenctrl.so.4.17 not found (install the Xen tools: apt-get install libxen-dev or xen-utils)');
  assert.match(describeLoadError('Cannot find module \'koffi\'\nRequire stack: ...'), /^koffi cannot be loaded: Cannot find module 'koffi'$/);
  assert.match(describeLoadError('/x/libduster_xen.so: invalid ELF header'), /^the Xen shim cannot be loaded: /);
});
