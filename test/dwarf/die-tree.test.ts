// The lazy DIE reader agrees with readelf on every DIE: offsets, nesting, tags, attributes and decoded values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openElf } from '../../src/elf/elf.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { DW_AT, DW_FORM, DW_TAG, dwName } from '../../src/dwarf/constants.js';
import type { Die } from '../../src/dwarf/die.js';
import { compileFixture, MATRIX } from '../helpers/build.js';
import { readelfDies, readelfString } from './readelf.js';

const PROGRAMS: { label: string; sources: string[] }[] = [
  { label: 'demo kernel.c', sources: ['demo/kernel.c'] },
  { label: 'two units + header inline', sources: ['symbols/main.c', 'symbols/shapes.c'] },
];

function preorder(d: DwarfFile): { die: Die; depth: number }[] {
  const out: { die: Die; depth: number }[] = [];
  const walk = (die: Die, depth: number): void => {
    out.push({ die, depth });
    for (const c of die.children()) walk(c, depth + 1);
  };
  for (const u of d.units) walk(u.root, 0);
  return out;
}

/** Beyond the standard matrix: old versions, and type units (.debug_types in v4, DW_UT_type in v5). */
export const EXTRA: { label: string; flags: string[] }[] = [
  { label: 'dwarf2 -O0', flags: ['-g', '-gdwarf-2', '-O0'] },
  { label: 'dwarf3 -O2', flags: ['-g', '-gdwarf-3', '-O2'] },
  { label: 'dwarf4 -fdebug-types-section', flags: ['-g', '-gdwarf-4', '-O0', '-fdebug-types-section'] },
  { label: 'dwarf5 -fdebug-types-section -O2', flags: ['-g', '-gdwarf-5', '-O2', '-fdebug-types-section'] },
];

for (const p of PROGRAMS) {
  for (const m of [...MATRIX, ...EXTRA]) {
    test(`every DIE matches readelf (offset, depth, tag, attributes, forms, names, refs, addresses): ${p.label}, ${m.label}`, () => {
      const exe = compileFixture(p.sources, m.flags);
      const dwarf = DwarfFile.open(openElf(exe));
      const ours = preorder(dwarf);
      const theirs = readelfDies(exe);
      assert.equal(ours.length, theirs.length, 'DIE count');
      for (let i = 0; i < ours.length; i++) {
        const { die, depth } = ours[i]!;
        const t = theirs[i]!;
        const where = `DIE <0x${t.offset.toString(16)}>`;
        assert.equal(die.offset - die.unit.section.base, t.offset, `${where}: offset`);
        assert.equal(depth, t.depth, `${where}: depth`);
        assert.equal(die.tagName, t.tag, `${where}: tag`);
        const attrs = die.attrs();
        assert.deepEqual(attrs.map((a) => dwName(DW_AT, a.at)), t.attrs.map((a) => a.name), `${where}: attribute names`);
        attrs.forEach((a, j) => {
          const text = t.attrs[j]!.text;
          const v = a.value;
          assert.equal(dwName(DW_FORM, a.form), `DW_FORM_${t.attrs[j]!.form}`, `${where} ${dwName(DW_AT, a.at)}: form`);
          if (v.kind === 'string') assert.equal(v.value, readelfString(text), `${where} ${dwName(DW_AT, a.at)}`);
          else if (v.kind === 'ref') assert.equal(`<0x${(v.value - die.unit.section.base).toString(16)}>`, text.split(',')[0], `${where} ${dwName(DW_AT, a.at)}`);
          else if (v.kind === 'sig8') {
            assert.match(text, new RegExp(`0x0*${v.value.toString(16)}`), `${where} signature`);
            const target = die.refDie(a.at);
            assert.ok(target && target.unit.typeSignature === v.value, `${where}: ref_sig8 resolves into its type unit`);
          }
          else if (v.kind === 'address') assert.equal(BigInt(text.split(/\s/)[0]!), v.value, `${where} ${dwName(DW_AT, a.at)}`);
          else if (a.at === DW_AT.decl_line || a.at === DW_AT.byte_size || a.at === DW_AT.call_line) {
            assert.equal(Number(text.split(/\s/)[0]), Number(v.value), `${where} ${dwName(DW_AT, a.at)}`);
          }
        });
      }
    });
  }
}

test('dieAt resolves references and parent links agree with children()', () => {
  const exe = compileFixture(['demo/kernel.c'], MATRIX[0]!.flags);
  const dwarf = DwarfFile.open(openElf(exe));
  const demo = dwarf.index.definedFunctions('demo')[0]!;
  const die = dwarf.dieAt(demo.offset);
  assert.equal(die.tag, DW_TAG.subprogram);
  assert.equal(die.name, 'demo');
  assert.equal(die.num(DW_AT.decl_line), 59);
  for (const c of die.children()) assert.equal(c.parent, die);
  const v = die.children().find((c) => c.name === 'my_integer')!;
  assert.equal(v.refDie(DW_AT.type)?.name, 'int');
  assert.equal(die.parent, dwarf.units[0]!.root);
});
