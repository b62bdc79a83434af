// Test helper: runs a crash fixture under `ulimit -c unlimited` and returns the kernel's core (gdb's gcore as fallback).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CrashCore {
  core: string;
  /** 'kernel': dumped by the kernel on the fatal signal; 'gcore': written by gdb at the signal stop. */
  source: 'kernel' | 'gcore';
}

/** Runs `exe` in a fresh directory; the kernel writes `core` or `core.PID` there (core_pattern `core`). */
export function crashCore(exe: string, args: string[] = []): CrashCore {
  const dir = mkdtempSync(join(tmpdir(), 'duster-crash-'));
  spawnSync('sh', ['-c', 'ulimit -c unlimited; exec "$0" "$@"', exe, ...args], { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  const name = readdirSync(dir).find((f) => f === 'core' || /^core\.\d+$/.test(f));
  if (name) return { core: join(dir, name), source: 'kernel' };
  const core = join(dir, 'gcore');
  spawnSync('gdb', ['-nx', '-batch', '-ex', ['run', ...args].join(' '), '-ex', `gcore ${core}`, exe], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
  if (!existsSync(core)) throw new Error(`${exe}: neither the kernel (core_pattern) nor gdb's gcore produced a core`);
  return { core, source: 'gcore' };
}
