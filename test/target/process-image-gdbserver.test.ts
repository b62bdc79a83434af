// auxv and the shared-library list from a real gdbserver, compared with gdb's `info auxv` and `info sharedlibrary` over the same stub.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openElf } from '../../src/elf/elf.js';
import { AT, auxvValue } from '../../src/target/auxv.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { readLinkMap, readRDebug, withoutVdso } from '../../src/target/link-map.js';
import { compileFixture } from '../helpers/build.js';
import { runGdbRemote } from '../helpers/duster.js';
import { assertSameAsGdb, gdbLibraries } from '../helpers/gdb-solib.js';
import { startGdbserver } from '../helpers/gdbserver.js';

const BUILDS = [
  { label: 'gcc -g (PIE)', flags: ['-g'] },
  { label: 'gcc -g -O2 (PIE)', flags: ['-g', '-O2'] },
  { label: 'gcc -g -no-pie', flags: ['-g', '-no-pie'] },
];

for (const build of BUILDS) {
  test(`gdbserver, ${build.label}: auxv and the library list at main equal gdb's`, { timeout: 180_000 }, async () => {
    const exe = compileFixture(['demo/kernel.c'], build.flags, 'kernel');
    const elf = openElf(exe);
    const gdbAux = await runGdbRemote(exe, ['info auxv']);
    const gdbEntry = /^9\s+AT_ENTRY\s+.*\s(0x[0-9a-f]+)$/m.exec(gdbAux)?.[1];
    assert.ok(gdbEntry, `AT_ENTRY in gdb's info auxv:\n${gdbAux}`);
    const gdbOut = await runGdbRemote(exe, ['break main', 'continue', 'info sharedlibrary',
      'p/x &_r_debug_extended', 'p/x _r_debug_extended.base.r_brk', 'p/x _r_debug_extended.base.r_ldbase', 'p (int)_r_debug_extended.base.r_state']);
    const gdbAtMain = gdbLibraries(gdbOut);
    // glibc 2.35+ keeps r_debug in _r_debug_extended; libc6-dbg gives gdb its type.
    const gdbValues = [...gdbOut.matchAll(/^\$(\d+) = (\S+)$/gm)].map((m) => BigInt(m[2]!));
    assert.equal(gdbValues.length, 4, `gdb printed r_debug:\n${gdbOut}`);

    const gs = await startGdbserver(exe);
    const t = await GdbRemoteTarget.connect(gs.host, gs.port);
    try {
      assert.ok(t.processImage, 'gdbserver offers qXfer:auxv:read and qXfer:libraries-svr4:read');
      const auxv = await t.processImage.auxv();
      const entry = auxvValue(auxv, AT.ENTRY)!;
      assert.equal(entry, BigInt(gdbEntry), 'AT_ENTRY equals gdb\'s');
      // At the dynamic linker's entry: the stub's list and the one walked in memory agree (both empty or not).
      const early = await t.processImage.libraries();
      assert.deepEqual(early, withoutVdso(await readLinkMap((a, n) => t.readMemory(a, n), auxv), auxv));
      assert.equal(await readRDebug((a, n) => t.readMemory(a, n), auxv), undefined, 'DT_DEBUG is still 0 at the dynamic linker\'s entry');

      // Run to main (a Z0 breakpoint at main moved by the bias AT_ENTRY gives), then ask again.
      const main = elf.symbols().find((s) => s.name === 'main')!.value + (entry - elf.entry);
      await t.insertBreakpoint(main);
      await t.resume({});
      const stop = await t.waitForStop();
      assert.equal(stop.reason.kind, 'trap');
      await t.removeBreakpoint(main);
      const atMain = await t.processImage.libraries();
      assertSameAsGdb(atMain, gdbAtMain, 'libraries-svr4');
      assert.ok(atMain.mainLm && atMain.mainLm !== 0n);
      // The memory walk (for stubs without libraries-svr4, and cores) finds exactly the same entries.
      assert.deepEqual(withoutVdso(await readLinkMap((a, n) => t.readMemory(a, n), auxv), auxv), atMain, 'link_map walk = libraries-svr4');
      const rDebug = await readRDebug((a, n) => t.readMemory(a, n), auxv);
      assert.ok(rDebug);
      assert.deepEqual([rDebug.addr, rDebug.r_brk, rDebug.r_ldbase, BigInt(rDebug.r_state)], gdbValues, 'r_debug, r_brk, r_ldbase, r_state as gdb prints them');
      assert.equal(rDebug.r_map, atMain.mainLm);
    } finally {
      t.close();
      await gs.stop();
    }
  });
}
