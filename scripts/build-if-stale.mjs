#!/usr/bin/env node
// `npm run demo`'s build step: runs tsc (and the CLI's bundle) only when a source or the build configuration is newer than the last good build.
// tsc alone costs ~10 s on a loaded machine even when nothing changed; a stat of each source costs milliseconds.
// The stamp (dist/.build-stamp) is written only after tsc succeeded, so a failed build is retried next time.
// `build-if-stale.mjs SCRIPT [ARGS]` then runs the built SCRIPT in this same process, as `node SCRIPT ARGS` would
// (one Node start-up less before the demo's first frame).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleCli } from './bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
/** What tsconfig.json compiles, plus the files that change how it compiles. */
const TREES = ['src', 'test', 'bench', 'test-xen'];
const FILES = ['tsconfig.json', 'package.json', 'package-lock.json'];

/** Newest modification time (ms) of the .ts files under dir; directories count too (a deleted or renamed file). */
function newest(dir) {
  let t = 0;
  let entries;
  try {
    t = statSync(dir).mtimeMs;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

const built = mtime(stamp);
let sources = 0;
for (const d of TREES) sources = Math.max(sources, newest(join(root, d)));
for (const f of FILES) sources = Math.max(sources, mtime(join(root, f)));

if (built === 0 || sources >= built) {
  const started = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  await bundleCli();
  // Dated when tsc started: a source saved while tsc ran is newer than the stamp and is built next time.
  const at = new Date(started);
  writeFileSync(stamp, `${at.toISOString()}\n`);
  utimesSync(stamp, at, at);
}

const [script, ...args] = process.argv.slice(2);
if (script) {
  const path = resolve(root, script);
  process.argv = [process.argv[0], path, ...args];
  await import(pathToFileURL(path).href);
}
