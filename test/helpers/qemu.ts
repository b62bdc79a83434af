// Test helper: builds the multiboot x86-64 fixture kernel (test/fixtures/qemu-kernel) and boots it
// stopped under QEMU's gdbstub (qemu-system-x86_64 -S -gdb tcp:...), so tests can debug a real kernel.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, compileFixture, FIXTURES, gdbBatch } from './build.js';

export const QEMU = 'qemu-system-x86_64';

/** True when qemu-system-x86_64 can be run here (tests skip otherwise). */
export function haveQemu(): boolean {
  return spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
}

const KERNEL_DIR = 'qemu-kernel';
const SOURCES = ['boot.S', 'libk.c', 'kernel.c'].map((f) => `${KERNEL_DIR}/${f}`);
/** Files the build reads that are not compiler inputs: they go into the cache key through a -D flag. */
const AUX = ['link.ld', 'libk.h'];

/** Flags every kernel build gets on top of the caller's (-g -gdwarf-5 -O0 and the like). */
export const KERNEL_FLAGS = [
  '-ffreestanding', '-nostdlib', '-mno-red-zone', '-fno-pic', '-no-pie', '-static',
  // gcc would turn the loops in libk.c's memset/memcpy into calls to memset/memcpy
  '-fno-tree-loop-distribute-patterns',
  '-z', 'max-page-size=0x1000', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-T', 'link.ld',
];

export interface QemuKernel {
  /** The ELF64 the debugger reads (DWARF, symbols); its addresses are the ones the guest runs at. */
  elf64: string;
  /** The same image as ELF32 (objcopy -O elf32-i386, no debug info): QEMU's multiboot loader refuses ELF64. */
  bootImage: string;
}

/**
 * Builds the fixture kernel with `flags` (e.g. ['-g', '-gdwarf-5', '-O0']); cached like compileFixture
 * (by sources, linker script, header and flags), so parallel test files share one build.
 */
export function compileQemuKernel(flags: string[] = ['-g', '-gdwarf-5', '-O0']): QemuKernel {
  const aux = createHash('sha256');
  for (const f of AUX) aux.update(f).update(readFileSync(join(FIXTURES, KERNEL_DIR, f)));
  const elf64 = compileFixture(SOURCES, [...KERNEL_FLAGS, ...flags, `-DQEMU_KERNEL_AUX=${aux.digest('hex').slice(0, 16)}`], 'kernel.elf');
  const bootImage = `${elf64}.boot32`;
  if (!existsSync(bootImage)) {
    const tmp = `${bootImage}.${process.pid}.tmp`;
    execFileSync('objcopy', ['-O', 'elf32-i386', '--strip-debug', elf64, tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, bootImage); // atomic: a parallel test never boots a half-written image
  }
  return { elf64, bootImage };
}

export interface QemuHandle {
  host: string;
  /** The gdbstub's port: the guest sits at the reset vector (real mode, before SeaBIOS) until a client resumes it. */
  port: number;
  proc: ChildProcess;
  /** What the guest wrote to COM1 so far (read from QEMU's -serial file). */
  readonly serial: string;
  /** QEMU's own stderr so far. */
  readonly log: string;
  /** Resolves with QEMU's exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once the guest's serial output contains `text`; rejects after `timeoutMs`. */
  waitForSerial(text: string, timeoutMs?: number): Promise<string>;
  /** Kills QEMU if still running, waits for it to exit and removes its temporary files. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (bind port 0, read it, close). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Boots `kernel` under `qemu-system-x86_64 -S -gdb tcp:127.0.0.1:PORT` (TCG, no display, COM1 to a file)
 * and resolves once the gdbstub accepts connections. The port is found by binding port 0; if another
 * process takes it before QEMU does, QEMU exits and we retry with a new one.
 *
 *   const q = await startQemu(compileQemuKernel());
 *   try { ...connect to q.host:q.port...; await q.waitForSerial('done: halting'); } finally { await q.stop(); }
 */
export async function startQemu(kernel: QemuKernel, opts: { extraArgs?: string[]; timeoutMs?: number } = {}): Promise<QemuHandle> {
  const host = '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(host);
    const dir = mkdtempSync(join(tmpdir(), 'duster-tui-qemu-'));
    const serialFile = join(dir, 'serial.txt');
    const args = [
      '-nographic', '-no-reboot', '-m', '64', '-kernel', kernel.bootImage, '-S', '-gdb', `tcp:${host}:${port}`,
      '-serial', `file:${serialFile}`, '-display', 'none', '-monitor', 'none', '-accel', 'tcg', ...(opts.extraArgs ?? []),
    ];
    const proc = spawn(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let alive = true;
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
    // If the test process dies without calling stop(), QEMU must not outlive it.
    const reap = () => proc.kill('SIGKILL');
    process.once('exit', reap);
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => {
        alive = false;
        process.off('exit', reap);
        resolve(code);
      }),
    );
    proc.once('error', (e) => (log += String(e)));
    const readSerial = () => {
      try {
        return readFileSync(serialFile, 'latin1');
      } catch {
        return '';
      }
    };
    const stop = async () => {
      if (alive) {
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    // A connect-and-close probe is harmless: QEMU stops the VM on every new client (it already is, -S)
    // and listens again for the next one.
    const deadline = Date.now() + timeoutMs;
    let up = false;
    while (alive && Date.now() < deadline) {
      if (await accepts(host, port)) {
        up = true;
        break;
      }
      await sleep(25);
    }
    if (up && alive) {
      return {
        host,
        port,
        proc,
        get serial() {
          return readSerial();
        },
        get log() {
          return log;
        },
        exited,
        async waitForSerial(text: string, ms = 20_000) {
          const end = Date.now() + ms;
          for (;;) {
            const s = readSerial();
            if (s.includes(text)) return s;
            if (Date.now() > end || !alive) throw new Error(`QEMU serial never showed ${JSON.stringify(text)}; it has: ${JSON.stringify(s.slice(-400))}`);
            await sleep(25);
          }
        },
        stop,
      };
    }
    await stop();
    lastLog = log;
    if (!/in use|bind/i.test(log)) break; // not a port collision: retrying would not help
  }
  throw new Error(`qemu-system-x86_64 did not start its gdbstub: ${lastLog.trim() || 'timed out'}`);
}

export interface QemuSessionRun {
  /** What the debugger printed on stdout / stderr, and its exit status. */
  stdout: string;
  stderr: string;
  code: number | null;
  /** The guest's COM1 output once it printed `done: halting` after the session (or what it had by then). */
  serial: string;
}

/** Until the guest reports its end on COM1 (after a detach it runs on by itself), or 20 s. */
async function serialAtEnd(q: QemuHandle): Promise<string> {
  return q.waitForSerial('done: halting').catch(() => q.serial);
}

/**
 * Boots `kernel` in a fresh QEMU and runs the real duster-tui CLI on it in batch mode:
 * `duster-tui --path kernel.elf --gdb HOST:PORT --batch -ex c1 -ex c2 ...`.
 */
export async function runDusterOnQemu(kernel: QemuKernel, commands: string[], timeoutMs = 60_000): Promise<QemuSessionRun> {
  const q = await startQemu(kernel);
  try {
    const argv = [CLI, '--path', kernel.elf64, '--gdb', `${q.host}:${q.port}`, '--batch', ...commands.flatMap((c) => ['-ex', c])];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`duster-tui did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { stdout, stderr, code, serial: await serialAtEnd(q) };
  } finally {
    await q.stop();
  }
}

/** gdb (the oracle) running the same commands after `target remote` on the same kernel in a fresh QEMU. */
export async function runGdbOnQemu(kernel: QemuKernel, commands: string[]): Promise<QemuSessionRun> {
  const q = await startQemu(kernel);
  try {
    const stdout = gdbBatch(kernel.elf64, [`target remote ${q.host}:${q.port}`, ...commands]);
    return { stdout, stderr: '', code: 0, serial: await serialAtEnd(q) };
  } finally {
    await q.stop();
  }
}
