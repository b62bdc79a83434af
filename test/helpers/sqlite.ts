// Test and bench helper: SQLite's amalgamation (from the better-sqlite3 npm tarball) and programs linked with it, cached under /var/tmp.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtAfter, FIXTURES } from './build.js';

/** Outside the tree and kept between runs: sqlite3.c takes 5 s (-O0) to 30 s (-O2) to compile on this machine. */
export const SQLITE_CACHE = join(process.env.DUSTER_BENCH_CACHE ?? '/var/tmp/duster-bench', 'sqlite');

function log(msg: string): void {
  process.stderr.write(`sqlite: ${msg}\n`);
}

/** The directory holding sqlite3.c and sqlite3.h, fetched with `npm pack better-sqlite3@12` the first time (throws when that fails). */
export function sqliteSources(): string {
  const dir = SQLITE_CACHE;
  if (existsSync(join(dir, 'sqlite3.c')) && existsSync(join(dir, 'sqlite3.h'))) return dir;
  mkdirSync(dir, { recursive: true });
  log('fetching better-sqlite3@12 with npm pack (for its bundled sqlite3.c)');
  execFileSync('npm', ['pack', 'better-sqlite3@12'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  const tgz = readdirSync(dir).find((f) => /^better-sqlite3-.*\.tgz$/.test(f));
  if (!tgz) throw new Error('npm pack produced no tarball');
  execFileSync('tar', ['xzf', tgz, '--strip-components=3', 'package/deps/sqlite3/sqlite3.c', 'package/deps/sqlite3/sqlite3.h'], { cwd: dir });
  return dir;
}

/** Runs `gcc args` writing `out` atomically (parallel test files never see a half-written file). */
function gccTo(out: string, args: string[], cwd: string): void {
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync('gcc', [...args, '-o', tmp], { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 });
  renameSync(tmp, out);
}

/** sqlite3.c compiled with `flags` into an object file, cached by flags and the amalgamation's content. */
export function sqliteObject(flags: string[]): string {
  const dir = sqliteSources();
  const key = createHash('sha256').update(flags.join(' ')).update(readFileSync(join(dir, 'sqlite3.c'))).digest('hex').slice(0, 12);
  const obj = join(dir, `sqlite3-${key}.o`);
  if (!existsSync(obj)) {
    const t0 = Date.now();
    gccTo(obj, [...flags, '-c', 'sqlite3.c'], dir);
    log(`compiled sqlite3.c with ${flags.join(' ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return obj;
}

/**
 * A program: `source` (relative to test/fixtures, compiled in its own directory so DW_AT_name is the bare file
 * name) linked with the cached SQLite object built with the same flags. Returns the executable's path.
 */
export function sqliteProgram(source: string, flags: string[], name = 'sqlite-prog'): string {
  const obj = sqliteObject(flags);
  const abs = join(FIXTURES, source);
  // The source's directory is in the key: it is the compilation directory the debug info records, where the source is found.
  const key = createHash('sha256').update(readFileSync(abs)).update(abs).update(flags.join(' ')).update(obj).digest('hex').slice(0, 12);
  const exe = join(SQLITE_CACHE, `${name}-${key}`);
  if (!builtAfter(exe, [abs])) gccTo(exe, [...flags, `-I${SQLITE_CACHE}`, abs.slice(dirname(abs).length + 1), obj, '-lm'], dirname(abs));
  return exe;
}
