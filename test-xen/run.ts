// Runs every dist/test-xen/*.test.js in ONE node process (node start-up costs 4-5 s under
// the lab's emulated CPU, and `node --test` would spawn one process per file). Used inside
// dom0 by test/xen-lab/test-xen.sh:  node --test-reporter=spec dist/test-xen/run.js
// Optional filter: DUSTER_LAB_TESTS=<substring of a file name>.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.DUSTER_LAB_TESTS;
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.js') && (!only || f.includes(only)))
  .sort();
if (files.length === 0) {
  console.error(`no test files in ${here}${only ? ` matching ${only}` : ''}`);
  process.exit(1);
}
for (const f of files) await import(pathToFileURL(join(here, f)).href);
