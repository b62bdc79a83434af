// A Linux core's auxv and shared libraries against gdb's `info auxv` / `info sharedlibrary` on the same core.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { test } from 'node:test';
import { openElf } from '../../../src/elf/elf.js';
import { AT, auxvValue } from '../../../src/target/auxv.js';
import { mappedLibraries } from '../../../src/target/core-file/core-libraries.js';
import { LinuxCore } from '../../../src/target/core-file/linux-core.js';
import { LinuxCoreTarget } from '../../../src/target/core-file/linux-target.js';
import { compileFixture, gdbBatch } from '../../helpers/build.js';
import { assertSameAsGdb, gdbLibraries } from '../../helpers/gdb-solib.js';
import { crashCore } from './crash-core.js';

const CASES = [
  { label: 'segv, gcc defaults (PIE)', src: 'segv.c', flags: ['-g'] },
  { label: 'segv, -O2', src: 'segv.c', flags: ['-g', '-O2'] },
  { label: 'segv, -no-pie', src: 'segv.c', flags: ['-g', '-no-pie'] },
  { label: 'four threads (libc + pthread)', src: 'threads.c', flags: ['-g', '-pthread'] },
];

for (const c of CASES) {
  test(`Linux core, ${c.label}: auxv and libraries equal gdb's`, { timeout: 120_000 }, async () => {
    const exe = compileFixture([`crash/${c.src}`], c.flags, c.src.replace(/\.c$/, ''));
    const { core } = crashCore(exe);
    const gdb = gdbBatch(exe, [`core-file ${core}`, 'info auxv', 'info sharedlibrary']);
    const t = LinuxCoreTarget.open(core, openElf(exe));
    try {
      const auxv = await t.processImage.auxv();
      const gdbEntry = /^9\s+AT_ENTRY\s+.*\s(0x[0-9a-f]+)$/m.exec(gdb)?.[1];
      assert.ok(gdbEntry, `AT_ENTRY in gdb's info auxv:\n${gdb}`);
      assert.equal(auxvValue(auxv, AT.ENTRY), BigInt(gdbEntry));
      const gdbRows = gdbLibraries(gdb);
      const list = await t.processImage.libraries();
      assertSameAsGdb(list, gdbRows, 'link_map in the core');
      assert.ok(list.mainLm && list.libraries.every((l) => l.lm !== 0n && l.l_ld !== 0n), 'link_map addresses known');
      // The NT_FILE fallback finds the same files at the same biases and dynamic sections (only lm is unknown).
      const lc = LinuxCore.open(core);
      try {
        const mapped = await mappedLibraries((a, n) => t.readMemory(a, n), auxv, lc.mappings);
        // NT_FILE names the files the kernel resolved (/usr/lib/... under usrmerge), link_map the paths ld.so opened.
        assertSameAsGdb({ libraries: mapped }, gdbRows.map((g) => ({ ...g, name: realpathSync(g.name) })), 'NT_FILE');
        for (const m of mapped) {
          const l = list.libraries.find((x) => realpathSync(x.name) === m.name)!;
          assert.deepEqual({ ...m, lm: l.lm, name: l.name }, l, `${m.name}: NT_FILE's l_addr and l_ld equal link_map's`);
        }
      } finally {
        lc.close();
      }
    } finally {
      t.close();
    }
  });
}
