// The import graph of src/ stays acyclic and follows the layer order (scripts/check-imports.mjs); the checker itself catches both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/build.js';

const SCRIPT = join(ROOT, 'scripts', 'check-imports.mjs');

function check(dir?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...(dir ? [dir] : [])], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('src/ has no import cycle (type-only imports included) and no import against the layer order', () => {
  const r = check();
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, / 0 import cycle\(s\), 0 other problem\(s\)/);
});

test('the checker reports a type-only cycle and an upward import, and fails', () => {
  const src = mkdtempSync(join(tmpdir(), 'duster-imports-'));
  for (const d of ['core', 'dwarf', 'util']) mkdirSync(join(src, d));
  writeFileSync(join(src, 'dwarf', 'a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
  writeFileSync(join(src, 'dwarf', 'b.ts'), "import type {\n  A,\n} from './a.js';\nexport interface B { a?: A }\n");
  writeFileSync(join(src, 'util', 'u.ts'), "export { x } from '../core/c.js';\n");
  writeFileSync(join(src, 'core', 'c.ts'), "// import { nothing } from '../cli/z.js';\nexport const x = 1;\n");
  const r = check(src);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import cycle: dwarf\/a\.ts > dwarf\/b\.ts > dwarf\/a\.ts/);
  assert.match(r.stderr, /util\/u\.ts imports core\/c\.ts: layer util may not import core/);
  assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
});
