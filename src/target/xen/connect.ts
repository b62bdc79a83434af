// connectXen: checks (root, shim, libxenctrl, domain, PV, 64-bit), probes GDBSX, picks the breakpoint strategy, attaches.
import { existsSync } from 'node:fs';
import type { Target } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { DX_E, DX_F, loadShim, shimPath, type Shim } from './ffi.js';
import { XenTarget } from './target.js';

export interface XenConnection {
  target: Target;
  strategy: 'trap' | 'spin';
  pid?: number;
}

interface Out { print(t: string): void; error(t: string): void }

const XENCTRL = 'libxenctrl.so.4.17';

/** One line for a failure to load koffi / the shim / the Xen libraries (dlopen names the missing file). */
export function describeLoadError(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const lib = /(libxen\w*\.so[.\d]*)/.exec(first)?.[1];
  if (lib) return `${lib === 'libxenctrl.so' ? XENCTRL : lib} not found (install the Xen tools: apt-get install libxen-dev or xen-utils)`;
  if (/koffi/i.test(first)) return `koffi cannot be loaded: ${first}`;
  return `the Xen shim cannot be loaded: ${first}`;
}

/** Loads the shim with one-line reasons for every way it can be missing. */
export function openShim(): Shim {
  const path = shimPath();
  if (!existsSync(path)) throw new UserError('the Xen shim is not built: run npm run build:shim (needs libxen-dev)');
  try {
    return loadShim(path);
  } catch (e) {
    throw new UserError(describeLoadError((e as Error).message));
  }
}

/** A domain id or name to an id. */
export function resolveDomain(shim: Shim, spec: string): number {
  if (/^\d+$/.test(spec)) return Number(spec);
  const id = shim.findDomain(spec);
  if (id === DX_E.NODOMAIN) throw new UserError(`no Xen domain named "${spec}"`);
  if (id === DX_E.NOXENSTORE) throw new UserError(`cannot look up domain "${spec}": xenstore is not available (use the domain id)`);
  if (id < 0) throw new UserError(`cannot look up domain "${spec}": ${shim.strerror(id)}`);
  return id;
}

/** What the Xen backend reads of the command-line options. */
export interface XenConnectOptions {
  domain?: string;
  breakpoints?: 'trap' | 'spin';
}

export async function connectXen(opts: XenConnectOptions, out: Out): Promise<XenConnection> {
  if (opts.domain === undefined) throw new UserError('no domain given (--domain ID|NAME)');
  if (process.getuid?.() !== 0) throw new UserError('debugging Xen domains needs root (try sudo)');
  const shim = openShim();
  const domid = resolveDomain(shim, opts.domain);
  if (domid === 0) throw new UserError('domain 0 is the control domain running this debugger: pick a guest');
  const h = shim.open(domid);
  if (h === DX_E.NODOMAIN) throw new UserError(`no Xen domain ${domid}`);
  if (h === -13 || h === -1) throw new UserError(`cannot open the Xen control interface (${shim.strerror(h)}): run in dom0 as root`);
  if (h < 0) throw new UserError(`cannot open Xen domain ${domid}: ${shim.strerror(h)}`);
  let target: XenTarget | undefined;
  try {
    const info = shim.info(h);
    if (typeof info === 'number') throw new UserError(`cannot read Xen domain ${domid}: ${shim.strerror(info)}`);
    if (!(info.flags & DX_F.EXISTS)) throw new UserError(`no Xen domain ${domid}`);
    const hvm = (info.flags & DX_F.HVM) !== 0;
    if (info.flags & DX_F.DYING) throw new UserError(`Xen domain ${domid} is being destroyed`);
    if (hvm && info.guestWidth !== 8) throw new UserError(`Xen domain ${domid} is a PVH/HVM guest whose vCPU 0 is not in 64-bit mode: only 64-bit guests are supported`);
    if (info.guestWidth !== 8) throw new UserError(`Xen domain ${domid} is a ${info.guestWidth * 8}-bit PV guest: only 64-bit guests are supported`);
    if (info.flags & DX_F.SHUTDOWN) throw new UserError(`Xen domain ${domid} has shut down${info.flags & DX_F.CRASHED ? ' (crashed)' : ''}`);
    const probe = shim.gdbsxProbe(h);
    if (probe < 0) throw new UserError(`probing the hypervisor for GDBSX failed: ${shim.strerror(probe)}`);
    const gdbsx = probe === 1;
    let strategy: 'trap' | 'spin';
    if (hvm) {
      // Xen reports a PVH/HVM guest's int3 to GDBSX or to a vm_event monitor; the monitor is not built
      // yet, and under QEMU's TCG neither sees one (docs/LAB.md, "PVH"): an int3 would reach the guest.
      if (opts.breakpoints === 'trap') throw new UserError(`--breakpoints trap is not supported on a PVH/HVM guest yet (Xen domain ${domid}): use spin, the default for them`);
      strategy = 'spin';
      out.print('duster-tui: PVH/HVM guest: using spin breakpoints (jmp .)\n');
    } else if (opts.breakpoints === 'trap') {
      if (!gdbsx) throw new UserError('--breakpoints trap needs a hypervisor built with CONFIG_GDBSX; this one has none (use spin, the default here)');
      strategy = 'trap';
      out.print('duster-tui: using trap breakpoints (int3), as asked\n');
    } else if (opts.breakpoints === 'spin') {
      strategy = 'spin';
      out.print(`duster-tui: using spin breakpoints (jmp .), as asked${gdbsx ? ' (the hypervisor has GDBSX; trap would work too)' : ''}\n`);
    } else {
      strategy = gdbsx ? 'trap' : 'spin';
      out.print(gdbsx
        ? 'duster-tui: hypervisor with GDBSX: using trap breakpoints (int3)\n'
        : 'duster-tui: hypervisor without GDBSX: using spin breakpoints (jmp .)\n');
    }
    const name = shim.domainName(domid);
    target = new XenTarget(shim, h, domid, typeof name === 'string' ? name : '', strategy, gdbsx);
    await target.attach();
    return { target, strategy };
  } catch (e) {
    if (target) target.close();
    else shim.close(h);
    throw e;
  }
}
