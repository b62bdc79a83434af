// `npm run demo`'s build step (scripts/build-if-stale.mjs): tsc runs when a source changed, and not when nothing did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/build.js';

/** A tiny project laid out as ours (scripts/, src/, tsconfig.json, node_modules with typescript). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duster-stale-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src'));
  for (const f of ['build-if-stale.mjs', 'bundle.mjs']) copyFileSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.', module: 'NodeNext', target: 'ES2022', strict: true }, include: ['src/**/*.ts'] }));
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a: number = 1;\n');
  mkdirSync(join(dir, 'src', 'cli'));
  writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "import { a } from '../a.js';\nconsole.log(`bundled ${a}`);\n");
  return dir;
}

function run(dir: string, ...args: string[]): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build-if-stale.mjs'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
}

/** Sets a file's times `secondsAgo` in the past (the stamp and the sources are compared by modification time). */
function age(path: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, t, t);
}

test('build-if-stale: builds the first time, skips when nothing changed, rebuilds after an edit or a failed build, runs a script after', { timeout: 300_000 }, () => {
  const dir = project();
  try {
    const out = join(dir, 'dist', 'src', 'a.js');
    const stamp = join(dir, 'dist', '.build-stamp');
    assert.equal(run(dir).status, 0);
    assert.ok(existsSync(out), 'first run compiled');
    const bundled = spawnSync(process.execPath, [join(dir, 'dist', 'cli', 'main.js')], { encoding: 'utf8' });
    assert.equal(bundled.stdout, 'bundled 1\n', `the CLI's bundle was built from tsc's output: ${bundled.stderr}`);
    assert.ok(existsSync(stamp), 'and stamped');

    // Sources older than the stamp: tsc does not run (the deleted output is not written again).
    for (const p of [join(dir, 'src', 'a.ts'), join(dir, 'src', 'cli', 'main.ts'), join(dir, 'src', 'cli'), join(dir, 'src'), join(dir, 'tsconfig.json'), join(dir, 'package.json')]) age(p, 60);
    age(stamp, 30);
    rmSync(out);
    assert.equal(run(dir).status, 0);
    assert.ok(!existsSync(out), 'nothing changed: no tsc');

    // An edited source is newer than the stamp: built again.
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a: number = 2;\n');
    assert.equal(run(dir).status, 0);
    assert.ok(existsSync(out), 'an edit rebuilds');

    // A type error fails the step and leaves no fresh stamp, so the next run tries again.
    const stamped = statSync(stamp).mtimeMs;
    writeFileSync(join(dir, 'src', 'b.ts'), 'export const b: number = "x";\n');
    const failed = run(dir);
    assert.notEqual(failed.status, 0, failed.out);
    assert.equal(statSync(stamp).mtimeMs, stamped, 'a failed build is not stamped');
    rmSync(join(dir, 'src', 'b.ts'));
    rmSync(out);
    assert.equal(run(dir).status, 0);
    assert.ok(existsSync(out), 'after a failed build the next run builds');

    // With a script: built if needed, then run in the same process with its own argv (as `node SCRIPT ARGS`).
    writeFileSync(join(dir, 'src', 'show.ts'), 'process.stdout.write(JSON.stringify([process.argv.length, process.argv.slice(2)]));\n');
    const shown = run(dir, 'dist/src/show.js', '--no-tui', 'x y');
    assert.equal(shown.status, 0, shown.out);
    assert.equal(shown.stdout, JSON.stringify([4, ['--no-tui', 'x y']]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
