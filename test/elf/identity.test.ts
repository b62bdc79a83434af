// ElfFile.buildId / debugLink and the dynamic-section helpers against readelf and objcopy, on a fresh build, libc and its debug file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { debugSlotAddress, dynamicNames } from '../../src/elf/dynamic.js';
import { openElf, openElfBytes } from '../../src/elf/elf.js';
import { FormatError } from '../../src/util/errors.js';
import { Rng } from '../fuzz/mutate.js';
import { crc32, parseDebugLink } from '../../src/elf/notes.js';
import { FIXTURES, compileFixture } from '../helpers/build.js';

const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const DIR = mkdtempSync(join(tmpdir(), 'duster-elf-identity-'));

function readelf(args: string[]): string {
  return execFileSync('readelf', ['-W', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** readelf -n's "Build ID: ..." (hex), or undefined. */
function readelfBuildId(path: string): string | undefined {
  return /Build ID: ([0-9a-f]+)/.exec(readelf(['-n', path]))?.[1];
}

const hex = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString('hex') : undefined);

test('buildId equals readelf -n on a default gcc build, -O2, libc.so.6 and libc\'s installed debug file', () => {
  const files = [compileFixture(['demo/kernel.c'], ['-g'], 'kernel'), compileFixture(['demo/kernel.c'], ['-g', '-O2'], 'kernel'), LIBC];
  const libcId = readelfBuildId(LIBC)!;
  files.push(`/usr/lib/debug/.build-id/${libcId.slice(0, 2)}/${libcId.slice(2)}.debug`);
  for (const f of files) {
    const expected = readelfBuildId(f);
    assert.ok(expected, `readelf finds a build-id in ${f}`);
    assert.equal(hex(openElf(f).buildId()), expected, f);
  }
  const none = join(DIR, 'no-build-id');
  execFileSync('gcc', ['-g', '-Wl,--build-id=none', '-o', none, join(FIXTURES, 'demo', 'kernel.c')]);
  assert.equal(readelfBuildId(none), undefined);
  assert.equal(openElf(none).buildId(), undefined);
});

test('debugLink: objcopy --add-gnu-debuglink\'s name and CRC, which is crc32 of the debug file; libc\'s names its build-id file', () => {
  const exe = join(DIR, 'prog');
  copyFileSync(compileFixture(['demo/kernel.c'], ['-g'], 'kernel'), exe);
  execFileSync('objcopy', ['--only-keep-debug', exe, `${exe}.debug`]);
  execFileSync('objcopy', ['--strip-debug', `--add-gnu-debuglink=${exe}.debug`, exe, `${exe}.stripped`]);
  const link = openElf(`${exe}.stripped`).debugLink();
  assert.deepEqual(link, { name: 'prog.debug', crc: crc32(readFileSync(`${exe}.debug`)) });
  assert.equal(openElf(exe).debugLink(), undefined, 'an unstripped build has no debuglink');

  const libc = openElf(LIBC).debugLink();
  assert.ok(libc);
  const dump = readelf(['-p', '.gnu_debuglink', LIBC]);
  assert.ok(dump.includes(libc.name), `readelf -p .gnu_debuglink shows ${libc.name}`);
  const id = hex(openElf(LIBC).buildId())!;
  assert.equal(libc.name, `${id.slice(2)}.debug`);
  assert.equal(crc32(readFileSync(`/usr/lib/debug/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug`)), libc.crc, 'the installed debug file has the CRC libc names');
});

test('crc32 is zlib\'s CRC-32 (check value of "123456789"); malformed debuglink sections are refused', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('56789'), crc32(Buffer.from('1234'))), 0xcbf43926, 'running value');
  assert.equal(parseDebugLink(Buffer.from('abc')), undefined, 'no NUL');
  assert.equal(parseDebugLink(Buffer.from('\0\0\0\0abcd')), undefined, 'empty name');
  assert.equal(parseDebugLink(Buffer.from('abc\0\x01\x02')), undefined, 'no room for the CRC');
  assert.deepEqual(parseDebugLink(Buffer.from('abc\0\x01\x02\x03\x04')), { name: 'abc', crc: 0x04030201 });
  const corrupt = join(DIR, 'corrupt-debuglink');
  copyFileSync(compileFixture(['demo/kernel.c'], ['-g'], 'kernel'), corrupt);
  writeFileSync(`${corrupt}.sec`, 'no-terminator');
  execFileSync('objcopy', ['--add-section', `.gnu_debuglink=${corrupt}.sec`, corrupt]);
  assert.equal(openElf(corrupt).debugLink(), undefined);
});

test('dynamic section: NEEDED and SONAME as readelf -d lists them; the DT_DEBUG slot of a PIE', () => {
  for (const f of [compileFixture(['demo/kernel.c'], ['-g'], 'kernel'), LIBC]) {
    const d = readelf(['-d', f]);
    const needed = [...d.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    const soname = /\(SONAME\)\s+Library soname: \[([^\]]+)\]/.exec(d)?.[1];
    assert.deepEqual(dynamicNames(openElf(f)), soname ? { needed, soname } : { needed }, f);
  }
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel');
  const d = readelf(['-d', exe]).split('\n').filter((l) => /^\s*0x[0-9a-f]+ \(/.test(l));
  const index = d.findIndex((l) => l.includes('(DEBUG)'));
  assert.ok(index >= 0, 'a PIE has DT_DEBUG');
  const dynamicAddr = BigInt(`0x${/\.dynamic\s+DYNAMIC\s+([0-9a-f]+)/.exec(readelf(['-S', exe]))![1]}`);
  assert.equal(debugSlotAddress(openElf(exe)), dynamicAddr + BigInt(index * 16 + 8));
  assert.equal(debugSlotAddress(openElf(LIBC)), undefined, 'libc has no DT_DEBUG');
});

test('corrupt notes, debuglink and dynamic sections: answers or one FormatError, never anything else (3000 mutations)', () => {
  const src = compileFixture(['solib/shapes.c'], ['-g', '-shared', '-fPIC'], 'libshapes.so');
  const linked = join(DIR, 'libshapes-linked.so');
  execFileSync('objcopy', [`--add-gnu-debuglink=${src}`, src, linked]);
  const pristine = new Uint8Array(readFileSync(linked));
  const elf = openElfBytes(pristine, linked);
  const targets = ['.note.gnu.build-id', '.gnu_debuglink', '.dynamic', '.dynstr', '.note.gnu.property']
    .map((n) => elf.section(n)!).filter((s) => s && s.size > 0);
  assert.ok(targets.length >= 4);
  const rng = new Rng(0x5eed);
  let answered = 0;
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(pristine);
    const s = rng.pick(targets);
    for (let k = 1 + rng.int(6); k > 0; k--) {
      const at = s.offset + rng.int(s.size);
      // Bit flips, or a 32-bit field set to an absurd value (sizes, offsets, tags).
      if (rng.int(3)) b[at]! ^= 1 << rng.int(8);
      else if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, rng.pick([0xffffffff, 0x7fffffff, 0x10000, 0, 21, 1, 5, 14]), true);
    }
    try {
      const f = openElfBytes(b, `mutation ${i}`);
      f.buildId();
      f.debugLink();
      dynamicNames(f);
      debugSlotAddress(f);
      answered++;
    } catch (e) {
      assert.ok(e instanceof FormatError, `mutation ${i} in ${s.name}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  assert.ok(answered > 1000, `${answered} of 3000 mutations still answered`);
});
