// Helpers for the tests that run INSIDE the lab's dom0 (see docs/LAB.md). The host-side
// runner (test/xen-lab/test-xen.sh) boots the VM, builds and creates the demo guest, then
// runs `node dist/test-xen/run.js` in dom0 with these environment variables:
//   DUSTER_LAB_HYPERVISOR   "stock" (Debian's build) or "gdbsx" (rebuilt with CONFIG_GDBSX)
//   DUSTER_LAB_GUEST        name of the demo guest (created paused with `xl create -p`)
//   DUSTER_LAB_DOMID        its domain id
//   DUSTER_LAB_GUEST_DIR    dom0 folder with kernel-O0.elf, kernel-O2.elf, the xl config
//                           and the probes (gdbsx-status)
//   DUSTER_LAB_SOURCE_DIR   the unikernel's sources as seen from dom0
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openElf } from '../src/elf/elf.js';
import { DX_F, loadShim } from '../src/target/xen/ffi.js';

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
 * disturb each other or the shared `duster-demo`), paused unless `paused` is false, booting `kernel`
 * (default: the -O0 image the demo guest boots); returns its id.
 */
export function createGuestCopy(name: string, paused = true, kernel?: string, config = labEnv().config): number {
  const dir = mkdtempSync(`/tmp/${name}-`);
  const cfg = join(dir, 'guest.cfg');
  let text = readFileSync(config, 'utf8').replace(/^name = .*$/m, `name = "${name}"`);
  if (kernel) text = text.replace(/^kernel = .*$/m, `kernel = "${kernel}"`);
  writeFileSync(cfg, text);
  try { xl('destroy', name); } catch { /* not there */ }
  try { writeFileSync(consoleLogPath(name), ''); } catch { /* no log yet */ }
  xl('create', ...(paused ? ['-p'] : []), cfg);
  return Number(xl('domid', name).trim());
}

/** The CLI as dom0 runs it (compiled on the host, shared through /project). */
export const CLI = new URL('../cli/main.js', import.meta.url).pathname;

/** The address of a symbol of `elf` (the test fails naming it when the image has none). */
export function symbolAddress(elf: ReturnType<typeof openElf>, name: string): bigint {
  const s = elf.symbols().find((x) => x.name === name);
  assert.ok(s, `symbol ${name}`);
  return BigInt(s.value);
}

export interface CliExit { out: string; code: number | null; signal: NodeJS.Signals | null }

/** Runs the CLI in batch mode on `guest`; resolves with its output and exit status. `onOutput` may signal it. */
export function runCli(guest: string, elfPath: string, args: string[], onOutput?: (all: string, child: ChildProcess) => void, timeoutMs = 240_000): Promise<CliExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--domain', guest, '--path', elfPath, '--batch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`CLI timed out; output so far:\n${out}`)); }, timeoutMs);
    const take = (d: Buffer) => { out += d.toString(); onOutput?.(out, child); };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ out, code, signal }); });
  });
}

/** A CLI in line mode (commands on a pipe), driven a command at a time. */
export interface LineCli {
  child: ChildProcess;
  out(): string;
  send(...lines: string[]): void;
  /** Resolves when the output (from offset `from`) matches `re`. */
  waitOutput(re: RegExp, what: string, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Resolves at exit; `at` is Date.now() then. */
  exited: Promise<CliExit & { at: number }>;
}

export function startLineCli(guest: string, elfPath: string, args: string[] = []): LineCli {
  const child = spawn(process.execPath, [CLI, '--domain', guest, '--path', elfPath, '--no-tui', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin!.on('error', () => { /* it exited */ });
  const exited = new Promise<CliExit & { at: number }>((r) => child.on('exit', (code, signal) => r({ out, code, signal, at: Date.now() })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    out: () => out,
    send: (...lines) => { if (!done) child.stdin!.write(lines.map((l) => l + '\n').join('')); },
    waitOutput: async (re, what, timeoutMs = 90_000, from = 0) => {
      let m: RegExpExecArray | null = null;
      await waitFor(what, () => (m = re.exec(out.slice(from))) !== null || done, timeoutMs, 100)
        .catch((e: Error) => { throw new Error(`${e.message}; output:\n${out}`); });
      if (!m) throw new Error(`the CLI exited before ${what}; output:\n${out}`);
      return m;
    },
    exited,
  };
}

/** Bytes of the guest's running .text that differ from the ELF's (Xen's hypercall page excluded): what a debugger left patched. */
export function patchedTextBytes(guest: string, elfPath: string): { count: number; addresses: bigint[] } {
  const elf = openElf(elfPath);
  const text = elf.section('.text');
  if (!text) throw new Error(`${elfPath}: no .text`);
  const hcall = elf.symbols().find((s) => s.name === 'hypercall_page');
  const hStart = hcall ? BigInt(hcall.value) : -1n;
  const want = elf.data(text);
  const shim = loadShim();
  const h = shim.open(Number(xl('domid', guest).trim()));
  if (h < 0) throw new Error(`dx_open ${h}`);
  const addresses: bigint[] = [];
  try {
    for (let off = 0; off < want.length; off += 4096) {
      const len = Math.min(4096, want.length - off);
      const buf = Buffer.alloc(len);
      const rc = shim.readMem(h, 0, text.addr + BigInt(off), buf, Buffer.alloc(8));
      if (rc !== 0) throw new Error(`reading .text at +0x${off.toString(16)}: ${shim.strerror(rc)}`);
      for (let i = 0; i < len; i++) {
        const a = text.addr + BigInt(off + i);
        if (a >= hStart && a < hStart + 4096n) continue;
        if (buf[i] !== want[off + i]) addresses.push(a);
      }
    }
  } finally {
    shim.close(h);
  }
  return { count: addresses.length, addresses };
}

/** The guest runs on and prints correct rounds (the demo's three iterations, then 20), the patched bytes are back, debugging is off. */
export async function assertGuestHealthy(guest: string, elfPath: string, what: string, patched: bigint[]): Promise<void> {
  const before = roundsStarted(consoleLog(guest));
  await waitFor(`${what}: two more rounds`, () => roundsStarted(consoleLog(guest)) >= before + 2, 90_000);
  const log = consoleLog(guest);
  const rounds = log.split(/^round \d+ \(sleep_ms 500\)\n/m).slice(1, -1);
  assert.ok(rounds.length >= 2, `${what}: complete rounds in the log`);
  for (const r of rounds) {
    assert.equal(r, 'We are on the 0 iteration of the loop\nWe are on the 1 iteration of the loop\nWe are on the 2 iteration of the loop\n20\n', `${what}: a round printed\n${r}`);
  }
  const numbers = [...log.matchAll(/^round (\d+) /gm)].map((m) => Number(m[1]));
  numbers.forEach((n, i) => assert.equal(n, i, `${what}: rounds in order without a gap`));
  const state = xl('list', guest);
  assert.doesNotMatch(state.split('\n')[1] ?? '', /\s--p|c-/, `${what}: not paused or crashed: ${state}`);
  // the original code is back at every address the debugger patched
  const elf = openElf(elfPath);
  const shim = loadShim();
  const h = shim.open(Number(xl('domid', guest).trim()));
  assert.ok(h >= 0, `dx_open ${h}`);
  try {
    for (const a of patched) {
      const buf = Buffer.alloc(8);
      assert.equal(shim.readMem(h, 0, a, buf, Buffer.alloc(8)), 0);
      assert.deepEqual([...buf], [...elf.readVirtual(a, 8)!], `${what}: bytes at 0x${a.toString(16)} restored`);
    }
    const info = shim.info(h);
    assert.ok(typeof info !== 'number' && !(info.flags & DX_F.DEBUGGED), `${what}: Xen debugging switched off`);
  } finally {
    shim.close(h);
  }
}

/**
 * Xen's gdbsx (test/xen-lab/build-gdbsx-tool.sh) serving domain `domid` (64-bit) to gdb on `port`, once it listens.
 * gdbsx pauses the domain when it attaches and unpauses it once per `continue`: a guest created paused (xl create -p)
 * would stay paused by its creation's pause, so that one is dropped here (gdb then reports "SIGINT" at once otherwise).
 */
export async function startGdbsx(domid: number, port: number, createdPaused = true): Promise<{ stop(): void; log(): string }> {
  // gdbsx says "Listening on port N" through stdio, block-buffered on a pipe without stdbuf.
  const child = spawn('stdbuf', ['-oL', join(labEnv().guestDir, 'gdbsx'), '-a', String(domid), '64', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  await waitFor('gdbsx listening', () => /listening/i.test(log) || exited, 30_000, 100);
  if (exited) throw new Error(`gdbsx exited:\n${log}`);
  if (createdPaused) xl('unpause', String(domid));
  return { stop: () => { if (!exited) child.kill('SIGKILL'); }, log: () => log };
}
