// Decoding of the PV start_info page and the console ring (layouts checked against the installed Xen headers with gcc).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleRingText, parseStartInfo, START_INFO_SIZE, startInfoFlags } from '../../src/target/xen-start-info.js';

test('start_info field offsets match xen/xen.h (x86_64) and xen/io/console.h', { skip: !existsSync('/usr/include/xen/xen.h') && 'no Xen headers' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-si-'));
  try {
    writeFileSync(join(dir, 'o.c'), `#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#define __XEN_INTERFACE_VERSION__ 0x00040d00
#include <xen/xen.h>
#include <xen/io/console.h>
#define O(f) printf("%zu ", offsetof(start_info_t, f));
int main(void) {
  O(nr_pages) O(shared_info) O(flags) O(store_mfn) O(store_evtchn) O(console.domU.mfn) O(console.domU.evtchn)
  O(pt_base) O(nr_pt_frames) O(mfn_list) O(mod_start) O(mod_len) O(cmd_line) O(first_p2m_pfn) O(nr_p2m_frames)
  printf("%zu %zu %zu %zu\\n", sizeof(start_info_t), offsetof(struct xencons_interface, out),
         offsetof(struct xencons_interface, out_prod), sizeof(((struct xencons_interface *)0)->out));
  return 0;
}
`);
    execFileSync('gcc', ['-o', join(dir, 'o'), join(dir, 'o.c')]);
    const got = execFileSync(join(dir, 'o'), { encoding: 'utf8' }).trim().split(' ').map(Number);
    assert.deepEqual(got, [32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 1152, 1160, START_INFO_SIZE, 1024, 3084, 2048]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseStartInfo reads the fields the talk\'s console printed and refuses other pages', () => {
  const b = Buffer.alloc(4096);
  b.write('xen-3.0-x86_64', 0, 'latin1');
  b.writeBigUInt64LE(4096n, 32);
  b.writeBigUInt64LE(0xb9224000n, 40);
  b.writeUInt32LE(0, 48);
  b.writeBigUInt64LE(0xb9000n, 56);
  b.writeUInt32LE(1, 64);
  b.writeBigUInt64LE(0xb9001n, 72);
  b.writeUInt32LE(2, 80);
  b.writeBigUInt64LE(0x214000n, 88);
  b.write('console=hvc0 debug', 128, 'latin1');
  const si = parseStartInfo(b)!;
  assert.equal(si.magic, 'xen-3.0-x86_64');
  assert.equal(si.nrPages, 4096n);
  assert.equal(si.sharedInfo, 0xb9224000n);
  assert.equal(si.storeMfn, 0xb9000n);
  assert.equal(si.consoleMfn, 0xb9001n);
  assert.equal(si.consoleEvtchn, 2);
  assert.equal(si.ptBase, 0x214000n);
  assert.equal(si.cmdLine, 'console=hvc0 debug');
  assert.equal(parseStartInfo(Buffer.alloc(4096)), undefined);
  assert.equal(parseStartInfo(b.subarray(0, 100)), undefined);
  assert.deepEqual(startInfoFlags(3), ['privileged', 'initdomain']);
});

test('the console ring gives the last bytes written, across the wrap', () => {
  const page = Buffer.alloc(4096);
  const text = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('');
  for (let i = 0; i < text.length; i++) page[1024 + (i & 2047)] = text.charCodeAt(i);
  page.writeUInt32LE(text.length, 3084);
  const got = consoleRingText(page);
  assert.equal(got.length, 2048);
  assert.ok(text.endsWith(got));
  page.writeUInt32LE(9, 3084);
  page.write('hello!!!\n', 1024, 'latin1');
  assert.equal(consoleRingText(page), 'hello!!!\n');
});
