// Benchmark inputs, built or fetched into a cache outside the tree: the demo, SQLite (-g -O0), a Debian cloud kernel's vmlinux.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFixture } from '../test/helpers/build.js';
import { SQLITE_CACHE, sqliteSources } from '../test/helpers/sqlite.js';

export const CACHE = process.env.DUSTER_BENCH_CACHE ?? '/var/tmp/duster-bench';

export interface Input {
  name: string;
  path: string;
  /** Working directory for both debuggers (where the sources are). */
  cwd: string;
  queries: string[];
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

export function demo(): Input {
  const path = compileFixture(['demo/kernel.c'], ['-g', '-O0']);
  return { name: 'demo', path, cwd: process.cwd(), queries: ['info line kernel.c:73', 'info line demo', 'ptype struct test'] };
}

/** SQLite's amalgamation from the better-sqlite3 npm tarball (deps/sqlite3/sqlite3.c), linked with a tiny main. */
export function sqlite(): Input {
  const dir = SQLITE_CACHE;
  const exe = join(dir, 'sqlite-O0');
  if (!existsSync(exe)) {
    sqliteSources();
    writeFileSync(join(dir, 'main.c'), '#include "sqlite3.h"\n#include <stdio.h>\nint main(void) {\n  sqlite3 *db;\n  if (sqlite3_open(":memory:", &db)) return 1;\n  puts(sqlite3_libversion());\n  return sqlite3_close(db);\n}\n');
    log('compiling sqlite3.c with -g -O0');
    execFileSync('gcc', ['-g', '-O0', '-o', exe, 'main.c', 'sqlite3.c', '-lpthread', '-lm'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // A line with code in the middle of the amalgamation: the opening line of sqlite3_open's body.
  // Issue 11's pair: a line in the middle of sqlite3VdbeExec, and the VDBE's struct.
  return {
    name: 'sqlite', path: exe, cwd: dir,
    queries: ['info line sqlite3.c:190906', 'info line sqlite3_open', 'ptype struct sqlite3', 'info line sqlite3.c:100000', 'ptype struct Vdbe'],
  };
}

/** vmlinux with full DWARF from Debian's linux-image-*-cloud-amd64-dbg (apt-get download; ~280 MB .deb). */
export function vmlinux(): Input {
  const dir = join(CACHE, 'vmlinux');
  mkdirSync(dir, { recursive: true });
  const find = (): string | undefined => {
    const boot = join(dir, 'usr/lib/debug/boot');
    const f = existsSync(boot) ? readdirSync(boot).find((x) => x.startsWith('vmlinux-')) : undefined;
    return f ? join(boot, f) : undefined;
  };
  let path = find();
  if (!path) {
    let deb = readdirSync(dir).find((f) => /^linux-image-.*-cloud-amd64-dbg_.*\.deb$/.test(f));
    if (!deb) {
      const meta = execFileSync('apt-cache', ['depends', 'linux-image-cloud-amd64-dbg'], { encoding: 'utf8' });
      const pkg = /Depends: (linux-image-\S+-cloud-amd64-dbg)/.exec(meta)?.[1];
      if (!pkg) throw new Error('cannot find the linux-image-*-cloud-amd64-dbg package (apt-get update?)');
      log(`apt-get download ${pkg}`);
      execFileSync('apt-get', ['download', pkg], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      deb = readdirSync(dir).find((f) => /^linux-image-.*-cloud-amd64-dbg_.*\.deb$/.test(f))!;
    }
    log(`extracting vmlinux from ${deb}`);
    execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile '${deb}' | tar -x --wildcards './usr/lib/debug/boot/vmlinux*'`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    path = find();
    if (!path) throw new Error('no vmlinux in the package');
  }
  return { name: 'vmlinux', path, cwd: dir, queries: ['info line fs/open.c:1300', 'info line do_sys_open', 'ptype struct task_struct'] };
}
