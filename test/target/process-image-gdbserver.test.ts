// auxv and the shared-library list from a real gdbserver, compared with gdb's `info auxv` and `info sharedlibrary` over the same stub.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openElf } from '../../src/elf/elf.js';
import { AT, auxvValue } from '../../src/target/auxv.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { readLinkMap, withoutVdso } from '../../src/target/link-map.js';
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
    const gdbAtMain = gdbLibraries(await runGdbRemote(exe, ['break main', 'continue', 'info sharedlibrary']));

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
    } finally {
      t.close();
      await gs.stop();
    }
  });
}
