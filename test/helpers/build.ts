// Test helper: compiles C fixtures with the machine's gcc into a per-run cache, and runs gdb as the oracle.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root (tests run from dist/test/..., sources stay in test/fixtures). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
const CACHE = join(tmpdir(), 'duster-tui-test-build');

/**
 * Compile `sources` (paths relative to test/fixtures) with `flags`; returns the executable's path.
 * Builds run in the fixture's own directory so DW_AT_name is the bare file name, as users write it.
 * Cached by content and flags, so parallel test files share one build.
 */
export function compileFixture(sources: string[], flags: string[], name = 'prog'): string {
  const abs = sources.map((s) => join(FIXTURES, s));
  const h = createHash('sha256');
  for (const f of abs) h.update(f).update(readFileSync(f));
  h.update(flags.join(' '));
  const outDir = join(CACHE, h.digest('hex').slice(0, 16));
  const out = join(outDir, name);
  // A build older than its sources (a fresh checkout over a kept cache) would make gdb warn "Source file
  // is more recent than executable." in every answer: rebuild it.
  if (builtAfter(out, abs)) return out;
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cwd = dirname(abs[0]!);
  execFileSync('gcc', [...flags, '-o', tmp, ...abs.map((f) => f.slice(cwd.length + 1))], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  // Another test file may have built the same fixture meanwhile and be running it: replacing that file would make
  // the kernel call the running executable "(deleted)" (a core's NT_FILE, /proc/PID/exe). Only a stale build is replaced.
  if (!existsSync(out)) {
    try {
      linkSync(tmp, out);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } else if (!builtAfter(out, abs)) renameSync(tmp, out);
  rmSync(tmp, { force: true });
  return out;
}

/** Whether `out` exists and is newer than every one of `sources` (a kept build, still valid for gdb). */
export function builtAfter(out: string, sources: string[]): boolean {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return sources.every((f) => statSync(f).mtimeMs <= built);
}

/** The standard build matrix every DWARF test runs over. */
export const MATRIX: { label: string; flags: string[] }[] = [
  { label: 'dwarf5 -O0', flags: ['-g', '-gdwarf-5', '-O0'] },
  { label: 'dwarf5 -O2', flags: ['-g', '-gdwarf-5', '-O2'] },
  { label: 'dwarf4 -O0', flags: ['-g', '-gdwarf-4', '-O0'] },
  { label: 'dwarf4 -O2', flags: ['-g', '-gdwarf-4', '-O2'] },
  { label: 'dwarf5 -O0 -gz', flags: ['-g', '-gdwarf-5', '-O0', '-gz'] },
];

/** Run gdb in batch mode on `exe` with the given commands; returns stdout (the oracle's answer). */
export function gdbBatch(exe: string, commands: string[]): string {
  const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off'];
  for (const c of commands) args.push('-ex', c);
  args.push(exe);
  const r = spawnSync('gdb', args, { encoding: 'utf8', timeout: 120_000 });
  return r.stdout;
}

/** The path of our built CLI entry point. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
