// Hostile files given as --path: a FIFO, a device, gzip bombs. Each ends in one line, fast and in bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openElf } from '../../src/elf/elf.js';
import { UserError } from '../../src/util/errors.js';
import { CLI, compileFixture } from '../helpers/build.js';

const DIR = mkdtempSync(join(tmpdir(), 'duster-inputs-'));

/** The CLI in batch mode with a deadline; a hang or a crash fails the test instead of hanging it. */
function cli(path: string): { text: string; status: number | null; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, '--path', path, '--batch', '-ex', 'info functions'], { encoding: 'utf8', timeout: 10_000 });
  return { text: `${r.stdout}${r.stderr}`.trim(), status: r.status, ms: Date.now() - t0 };
}

test('a FIFO as --path is refused at once, without opening it (it would block forever)', () => {
  const fifo = join(DIR, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const r = cli(fifo);
  assert.equal(r.text, `duster-tui: ${fifo}: not in executable format: not a regular file`);
  assert.equal(r.status, 1);
});

test('a device as --path is refused (reading /dev/zero never ends)', () => {
  const r = cli('/dev/zero');
  assert.equal(r.text, 'duster-tui: /dev/zero: not in executable format: not a regular file');
  assert.equal(r.status, 1);
  assert.throws(() => openElf('/dev/null'), (e: unknown) => e instanceof UserError && /not a regular file/.test(e.message));
});

test('a gzip bomb stops at the size its trailer declares (concatenated members: 1.2 GB from 1 MB)', () => {
  const member = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
  const bomb = join(DIR, 'bomb.gz');
  writeFileSync(bomb, Buffer.concat(Array.from({ length: 80 }, () => member)));
  const r = cli(bomb);
  assert.equal(r.text, `duster-tui: ${bomb}: decompresses to more than the ${16 << 20} bytes its trailer declares (in gzip stream)`);
  assert.ok(r.ms < 5000, `${r.ms} ms`);
});

test('a gzip image declaring more than 1 GiB is refused before inflating; a real gzip image still opens', () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'demo');
  const gz = gzipSync(readFileSync(exe));
  const good = join(DIR, 'kernel.gz');
  writeFileSync(good, gz);
  assert.ok(openElf(good).section('.debug_info'));
  const liar = Buffer.from(gz);
  liar.writeUInt32LE(0xfff00000, liar.length - 4);
  const bad = join(DIR, 'liar.gz');
  writeFileSync(bad, liar);
  assert.equal(cli(bad).text, `duster-tui: ${bad}: declares ${0xfff00000} bytes uncompressed, more than the 1073741824-byte limit (in gzip stream)`);
});
