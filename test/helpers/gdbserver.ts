// Test helper: runs a program under a real gdbserver on a loopback port and captures its output apart from gdbserver's.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GdbserverHandle {
  host: string;
  /** The port gdbserver listens on (connect once: it runs with --once). */
  port: number;
  proc: ChildProcess;
  /** What the program wrote to stdout so far. */
  readonly stdout: string;
  /** What the program wrote to stderr so far. */
  readonly stderr: string;
  /** gdbserver's own messages ("Process ... created", "Listening on port", "Child exited ..."). */
  readonly log: string;
  /** Resolves with gdbserver's exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Kills gdbserver (and with it the program) if still running; waits for it to exit. */
  stop(): Promise<void>;
}

/** A wrapper gdbserver execs the program through: sends the program's stderr to fd 3. */
function stderrWrapper(): string {
  const dir = join(tmpdir(), 'duster-tui-test-gdbserver');
  const path = join(dir, 'stderr-to-fd3.sh');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}`;
    writeFileSync(tmp, '#!/bin/sh\nexec "$@" 2>&3\n');
    chmodSync(tmp, 0o755);
    renameSync(tmp, path); // atomic: parallel test files never run a half-written script
  }
  return path;
}

/**
 * gdbserver 13 (Debian 12) damages the AVX-512 state of a thread it stops and resumes, on machines
 * that have AVX-512: glibc's EVEX string functions then answer wrongly (strchrnul missed the '%' of
 * "worker-%d" after 84 of 211 interrupts, with a bare client sending only vCont;c and \x03). A plain
 * ptrace tracer stopping threads the same way, reading and writing their xstate back, damages
 * nothing; nor does gdbserver once glibc uses its AVX2 functions. Tests stop programs far more often
 * than users do (the spin strategy interrupts to look), so the programs they debug use AVX2.
 * test/target/spin-polling-intact.test.ts fails without this (42 wrong scans in 3 s).
 */
const AVX512_STRING_FUNCTIONS_OFF = 'glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW';

function withoutAvx512StringFunctions(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tunables = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${AVX512_STRING_FUNCTIONS_OFF}` : AVX512_STRING_FUNCTIONS_OFF;
  return { ...env, GLIBC_TUNABLES: tunables };
}

/** gdbservers still running: killed when the test file's process exits (npm test forces that exit after the last test). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

/**
 * Starts `gdbserver --once 127.0.0.1:0 exe ...args` and resolves once it listens. gdbserver picks a
 * free port itself (port 0), so parallel tests never collide. The program starts stopped at its
 * first instruction (in ld.so for dynamic executables); connect with GdbRemoteTarget.connect(host, port).
 *
 *   const gs = await startGdbserver(exe, ['3']);
 *   try { const t = await GdbRemoteTarget.connect(gs.host, gs.port); ... } finally { await gs.stop(); }
 */
export function startGdbserver(exe: string, args: string[] = [], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<GdbserverHandle> {
  const host = '127.0.0.1';
  const proc = spawn('gdbserver', ['--once', '--wrapper', stderrWrapper(), '--', `${host}:0`, exe, ...args], {
    cwd: opts.cwd,
    env: withoutAvx512StringFunctions(process.env),
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let log = '';
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  (proc.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (s: string) => (stderr += s));
  running.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    running.delete(proc);
    resolve(code);
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gdbserver did not start listening within ${opts.timeoutMs ?? 10_000} ms:\n${log}`));
    }, opts.timeoutMs ?? 10_000);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gdbserver exited (${code}) before listening:\n${log}`));
    });
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      const m = /Listening on port (\d+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        host,
        port: Number(m[1]),
        proc,
        get stdout() { return stdout; },
        get stderr() { return stderr; },
        get log() { return log; },
        exited,
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
