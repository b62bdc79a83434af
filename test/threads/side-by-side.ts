// Test helper for the thread tests: the same commands through duster-tui and through gdb, each over its own gdbserver,
// with stdout and stderr in one stream (errors and warnings land where they were printed).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';

/**
 * The workers fixture as the tests build it: the default build (PIE, libc.so, -O0) as users build it, and
 * -O2 -no-pie (unikernels are linked without PIE). `work` is noinline so both stop in it.
 */
export const BUILDS = [
  { label: 'default (PIE)', flags: ['-g', '-pthread'] },
  { label: '-O2 -no-pie', flags: ['-g', '-O2', '-no-pie', '-pthread'] },
];

/** main's `go = 1;`: every worker exists, is named and spins in worker() (our own code, so frames have lines). */
export const GO_LINE = readFileSync(`${FIXTURES}/threads/workers.c`, 'utf8').split('\n').findIndex((l) => l.includes('/* all named */')) + 1;

export function workers(flags: string[]): string {
  return compileFixture(['threads/workers.c'], flags, 'workers');
}

async function runMerged(argv: string[], timeoutMs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'duster-threads-'));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  try {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${argv[0]} did not finish within ${timeoutMs} ms:\n${readFileSync(file, 'utf8')}`));
      }, timeoutMs);
      child.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.on('error', reject);
    });
    return readFileSync(file, 'utf8');
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export type Debugger = 'duster' | 'gdb';

/** Runs `commands` in batch mode against `exe` under a fresh gdbserver; returns what the debugger printed (stdout + stderr). */
export async function session(which: Debugger, exe: string, commands: string[], opts: { strategy?: 'trap' | 'spin'; timeoutMs?: number } = {}): Promise<string> {
  const gs = await startGdbserver(exe);
  try {
    const ex = commands.flatMap((c) => ['-ex', c]);
    const argv = which === 'duster'
      ? [process.execPath, CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--batch', ...(opts.strategy ? ['--breakpoints', opts.strategy] : []), ...ex]
      : ['gdb', '-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `target remote ${gs.host}:${gs.port}`, ...ex, exe];
    const out = await runMerged(argv, opts.timeoutMs ?? 120_000);
    // gdb's chatter about fetching files from the target, and the frame it prints on connecting (we print
    // none in batch mode), have nothing to compare.
    return out.split('\n').filter((l) => !/^(Reading |warning: File transfers|.*Use "set sysroot"|0x[0-9a-f]+ in _start \(\) from )/.test(l)).join('\n');
  } finally {
    await gs.stop();
  }
}

/** Both debuggers on the same program and commands, concurrently (`strategy`: our breakpoint strategy). */
export async function sideBySide(exe: string, commands: string[], strategy?: 'trap' | 'spin'): Promise<{ ours: string; gdb: string }> {
  const [ours, gdb] = await Promise.all([session('duster', exe, commands, strategy ? { strategy } : {}), session('gdb', exe, commands)]);
  return { ours, gdb };
}

/** A breakpoint report: `Thread 2 "worker-1" hit Breakpoint 1, work (id=1, i=3) at workers.c:14`. */
export interface Hit {
  thread: number;
  name: string;
  text: string;
}

export function hits(out: string): Hit[] {
  const re = /^Thread (\d+) "([^"]*)" hit (.*)$/gm;
  return [...out.matchAll(re)].map((m) => ({ thread: Number(m[1]), name: m[2]!, text: m[3]! }));
}

/**
 * gdb prints entry values at -O2 (`id=id@entry=2`) from call-site DWARF, which duster-tui does not read yet
 * (the frame-values tests leave -O2 out for the same reason): compared as the plain value.
 */
export function withoutEntryValues(text: string): string {
  return text.replace(/\b(\w+)=\1@entry=/g, '$1=');
}

/** Target ids vary between runs (pid, LWP): replaced by their shape. */
export function normaliseIds(text: string): string {
  return text.replace(/Thread \d+\.\d+/g, 'Thread PID.LWP');
}
