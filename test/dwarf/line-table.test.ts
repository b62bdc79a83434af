// Line programs (v2-v5) decode to exactly readelf's rows; .debug_aranges agrees with readelf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { openElf } from '../../src/elf/elf.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { compileFixture, MATRIX } from '../helpers/build.js';
import { readelfAranges, readelfDecodedLines } from './readelf.js';

const BUILDS = [...MATRIX, { label: 'dwarf2 -O0', flags: ['-g', '-gdwarf-2', '-O0'] }, { label: 'dwarf3 -O2', flags: ['-g', '-gdwarf-3', '-O2'] }];
const PROGRAMS = [['demo/kernel.c'], ['symbols/main.c', 'symbols/shapes.c']];

for (const sources of PROGRAMS) {
  for (const m of BUILDS) {
    test(`line rows (file, line, address, is_stmt) equal readelf's decoded lines: ${sources.join('+')}, ${m.label}`, () => {
      const exe = compileFixture(sources, m.flags);
      const dwarf = DwarfFile.open(openElf(exe));
      const ours: string[] = [];
      for (const u of dwarf.compileUnits) {
        const lt = dwarf.lineTable(u)!;
        for (const r of lt.rows) {
          if (r.endSequence) continue;
          ours.push(`${basename(lt.files[r.file]!.name)}:${r.line} 0x${r.address.toString(16)}${r.isStmt ? ' stmt' : ''}`);
        }
      }
      const theirs = readelfDecodedLines(exe).map((r) => `${basename(r.file)}:${r.line} 0x${r.address.toString(16)}${r.stmt ? ' stmt' : ''}`);
      assert.deepEqual(ours, theirs);
    });

    test(`aranges map each range to its compile unit as readelf shows: ${sources.join('+')}, ${m.label}`, () => {
      const exe = compileFixture(sources, m.flags);
      const dwarf = DwarfFile.open(openElf(exe));
      const theirs = readelfAranges(exe).map((a) => `${a.start}+${a.length}@${a.unitOffset}`).sort();
      const ours = dwarf.aranges.map((a) => `${a.start}+${a.end - a.start}@${a.unitOffset}`).sort();
      assert.deepEqual(ours, theirs);
      for (const a of dwarf.aranges) assert.equal(dwarf.unitForPc(a.start)?.offset, a.unitOffset);
    });
  }
}

test('unit ranges (DW_AT_ranges via .debug_ranges or .debug_rnglists) cover every aranges entry', () => {
  for (const m of BUILDS) {
    const exe = compileFixture(['symbols/main.c', 'symbols/shapes.c'], m.flags);
    const dwarf = DwarfFile.open(openElf(exe));
    for (const a of dwarf.aranges) {
      const u = dwarf.unitAt(a.unitOffset)!;
      const covered = u.root.pcRanges().some((r) => r.start <= a.start && r.end >= a.end);
      assert.ok(covered, `${m.label}: 0x${a.start.toString(16)} in unit 0x${a.unitOffset.toString(16)}`);
    }
  }
});
