// Run-time array bounds (VLAs) are read as "dynamic" with their DWARF expression or variable, printed [variable length].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO } from '../eval/oracle.js';
import { openElf } from '../../src/elf/elf.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { DW_TAG } from '../../src/dwarf/constants.js';
import type { Die } from '../../src/dwarf/die.js';
import { DwarfTypes } from '../../src/symbols/types-dwarf.js';
import { ptypeString, whatisString } from '../../src/symbols/type-format.js';
import { resolve } from '../../src/symbols/types.js';
import { LIVE_BUILDS, buildFormats, compareLive } from '../cli/gdb-compare.js';

function find(d: Die, pred: (x: Die) => boolean): Die | undefined {
  if (pred(d)) return d;
  for (const c of d.children()) {
    const r = find(c, pred);
    if (r) return r;
  }
  return undefined;
}

for (const build of [MATRIX[0]!, MATRIX[2]!]) {
  test(`VLA locals have dynamic bounds (${build.label})`, () => {
    const dwarf = DwarfFile.open(openElf(compileFixture(ZOO, build.flags, 'zoo')));
    const types = new DwarfTypes(dwarf);
    const fn = dwarf.index.definedFunctions('vla_sum')[0] ?? dwarf.index.functions.get('vla_sum')![0]!;
    const die = dwarf.dieAt(fn.offset);
    const vla = find(die, (d) => d.tag === DW_TAG.variable && d.name === 'vla');
    const m = find(die, (d) => d.tag === DW_TAG.variable && d.name === 'm');
    assert.ok(vla && m, 'VLA variables present');
    const t = resolve(types.typeOf(vla));
    assert.equal(t.kind, 'array');
    if (t.kind !== 'array') return;
    assert.equal(t.bound.kind, 'dynamic');
    if (t.bound.kind === 'dynamic') assert.ok(t.bound.expr !== undefined || t.bound.variableDie !== undefined);
    assert.equal(ptypeString(types.typeOf(vla)), 'int [variable length]');
    assert.equal(whatisString(types.typeOf(m), false), 'int [variable length][2]');
  });
}

// Live: the VLA in test/fixtures/formats at its last use, printed as gdb prints it over the same gdbserver.
// gcc gives the bound as an exprloc at -O0 (DW_OP_fbreg; DW_OP_deref: the value itself) and as a
// location list or an artificial variable at -O2.
for (const build of LIVE_BUILDS) {
  test(`VLA values, sizeof, ptype and info locals equal gdb's (${build.label})`, async () => {
    const exe = buildFormats(build.flags);
    const cmds = ['break 36', 'continue', 'print values', 'print sizeof(values)', 'print values[2]', 'ptype values', 'whatis values',
      'info locals', 'print/x values', 'output values', 'print *&values', 'print values[1]@3', 'print sizeof values / sizeof values[0]'];
    const r = await compareLive(exe, cmds);
    assert.ok(r.gdb.some((l) => l.includes('{0, 1, 4, 9, 16}')), `gdb printed the VLA:\n${r.gdb.join('\n')}`);
    // The stop line's frame arguments are another helper's (n=n@entry=5 at -O2): compare from the first answer on.
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('$1 = ')));
    assert.deepEqual(from(r.ours), from(r.gdb), r.stderr);
  });
}
