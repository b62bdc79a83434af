// Helpers for the tests that run INSIDE the lab's dom0 (see docs/LAB.md). The host-side
// runner (test/xen-lab/test-xen.sh) boots the VM, builds and creates the demo guest, then
// runs `node dist/test-xen/run.js` in dom0 with these environment variables:
//   DUSTER_LAB_HYPERVISOR   "stock" (Debian's build) or "gdbsx" (rebuilt with CONFIG_GDBSX)
//   DUSTER_LAB_GUEST        name of the demo guest (created paused with `xl create -p`)
//   DUSTER_LAB_DOMID        its domain id
//   DUSTER_LAB_GUEST_DIR    dom0 folder with kernel-O0.elf, kernel-O2.elf, the xl config
//                           and the probes (gdbsx-status)
//   DUSTER_LAB_SOURCE_DIR   the unikernel's sources as seen from dom0
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Hypervisor = 'stock' | 'gdbsx';

export interface LabEnv {
  hypervisor: Hypervisor;
  guest: string;
  domid: number;
  guestDir: string;
  sourceDir: string;
  /** The demo guest's images: -g -O0 (the one that is running) and -g -O2. */
  elfO0: string;
  elfO2: string;
  /** xl config of the running demo guest. */
  config: string;
}

/** True when this process runs in a Xen control domain (dom0). */
export function inDom0(): boolean {
  try {
    return readFileSync('/proc/xen/capabilities', 'utf8').includes('control_d');
  } catch {
    return false;
  }
}

/** Reads the lab's environment; throws with a hint when not started by the lab runner. */
export function labEnv(): LabEnv {
  const e = process.env;
  const missing = ['DUSTER_LAB_HYPERVISOR', 'DUSTER_LAB_GUEST', 'DUSTER_LAB_DOMID', 'DUSTER_LAB_GUEST_DIR']
    .filter((k) => !e[k]);
  if (missing.length || !inDom0()) {
    throw new Error(`the Xen tests run inside the lab's dom0 (npm run test:xen); missing: ${missing.join(', ') || 'dom0'}`);
  }
  const hv = e.DUSTER_LAB_HYPERVISOR;
  if (hv !== 'stock' && hv !== 'gdbsx') throw new Error(`DUSTER_LAB_HYPERVISOR=${hv}: expected stock or gdbsx`);
  const guestDir = e.DUSTER_LAB_GUEST_DIR!;
  return {
    hypervisor: hv,
    guest: e.DUSTER_LAB_GUEST!,
    domid: Number(e.DUSTER_LAB_DOMID),
    guestDir,
    sourceDir: e.DUSTER_LAB_SOURCE_DIR ?? '/project/test/fixtures/unikernel',
    elfO0: join(guestDir, 'kernel-O0.elf'),
    elfO2: join(guestDir, 'kernel-O2.elf'),
    config: join(guestDir, `${e.DUSTER_LAB_GUEST}.cfg`),
  };
}

/** Runs xl with the given arguments; returns stdout. Throws (with stderr) on failure. */
export function xl(...args: string[]): string {
  return execFileSync('xl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

export interface DomainRow {
  name: string;
  id: number;
  state: string;   // e.g. "-b----", "--p---", "r-----"
  cpuSeconds: number;
}

/** One row of `xl list <name>`, or undefined when the domain does not exist. */
export function domain(name: string): DomainRow | undefined {
  let out: string;
  try {
    out = xl('list', name);
  } catch {
    return undefined;
  }
  const line = out.trim().split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/);
  return { name: f[0]!, id: Number(f[1]), state: f[4]!, cpuSeconds: Number(f[5]) };
}

/** Where xenconsoled (--log=guest) writes a guest's console. */
export function consoleLogPath(name: string): string {
  return `/var/log/xen/console/guest-${name}.log`;
}

export function consoleLog(name: string): string {
  const p = consoleLogPath(name);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** The demo loop prints "round N (sleep_ms M)" at the start of every round. */
export function roundsStarted(log: string): number {
  return (log.match(/^round \d+ /gm) ?? []).length;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes (TCG is slow: be generous). */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Creates a copy of the demo guest under `name` (each test file uses its own, so they never
 * disturb each other or the shared `duster-demo`), paused unless `paused` is false; returns its id.
 */
export function createGuestCopy(name: string, paused = true): number {
  const dir = mkdtempSync(`/tmp/${name}-`);
  const cfg = join(dir, 'guest.cfg');
  writeFileSync(cfg, readFileSync(labEnv().config, 'utf8').replace(/^name = .*$/m, `name = "${name}"`));
  try { xl('destroy', name); } catch { /* not there */ }
  try { writeFileSync(consoleLogPath(name), ''); } catch { /* no log yet */ }
  xl('create', ...(paused ? ['-p'] : []), cfg);
  return Number(xl('domid', name).trim());
}
