// Lazy decoding gives the eager answers: DIE trees read part way, line programs streamed, type lookups by scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openElf } from '../../src/elf/elf.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { DW_TAG } from '../../src/dwarf/constants.js';
import type { Unit } from '../../src/dwarf/unit.js';
import type { LineRow } from '../../src/dwarf/line.js';
import { buildSubFiles } from '../../src/symbols/lines.js';
import { DwarfTypes } from '../../src/symbols/types-dwarf.js';
import { ptypeString } from '../../src/symbols/type-format.js';
import { compileFixture, MATRIX } from '../helpers/build.js';

const PROGRAMS: { label: string; sources: string[] }[] = [
  { label: 'demo kernel.c', sources: ['demo/kernel.c'] },
  { label: 'two units + header inline', sources: ['symbols/main.c', 'symbols/shapes.c'] },
  { label: 'type zoo (two units)', sources: ['types/zoo.c', 'types/zoo2.c'] },
];

interface Shape { offset: number; tag: number; parent: number; next: number; firstChild: number }

/** Every DIE's place in the tree, asked in preorder after the whole unit was read (the eager answer). */
function eagerShape(u: Unit): Shape[] {
  const n = u.dieCount;
  const out: Shape[] = [];
  for (let i = 0; i < n; i++) out.push({ offset: u.offsetAt(i), tag: u.tagAt(i), parent: u.parentIndex(i), next: u.nextIndex(i), firstChild: u.firstChildIndex(i) });
  return out;
}

/** A deterministic shuffle (the order questions arrive in should not matter). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

for (const p of PROGRAMS) {
  for (const m of MATRIX) {
    test(`DIE trees read part way answer as the whole tree does: ${p.label}, ${m.label}`, () => {
      const exe = compileFixture(p.sources, m.flags);
      const eager = DwarfFile.open(openElf(exe));
      const shapes = eager.units.map(eagerShape);
      assert.ok(shapes.some((s) => s.length > 20), 'the fixture has DIE trees worth the name');

      // Siblings first, without ever asking for the DIE count: the tree is read only as far as needed.
      const bySiblings = DwarfFile.open(openElf(exe));
      bySiblings.units.forEach((u, k) => {
        const want = shapes[k]!;
        const seen: Shape[] = [];
        const walk = (i: number): void => {
          for (; i >= 0; i = u.nextIndex(i)) {
            seen.push({ offset: u.offsetAt(i), tag: u.tagAt(i), parent: u.parentIndex(i), next: u.nextIndex(i), firstChild: u.firstChildIndex(i) });
            const c = u.firstChildIndex(i);
            if (c >= 0) walk(c);
          }
        };
        walk(0);
        assert.deepEqual(seen, want, `unit 0x${u.offset.toString(16)} walked by siblings`);
      });

      // DIEs by offset in a random order, and offsets where no DIE starts.
      const byOffset = DwarfFile.open(openElf(exe));
      byOffset.units.forEach((u, k) => {
        const want = shapes[k]!;
        const at = new Map(want.map((s, i) => [s.offset, i]));
        for (const s of shuffled(want, 7 + k)) {
          const d = u.dieAt(s.offset);
          assert.ok(d, `DIE at 0x${s.offset.toString(16)}`);
          assert.equal(d.tag, s.tag);
          assert.equal(d.parent?.offset, s.parent >= 0 ? want[s.parent]!.offset : undefined);
          if (!at.has(s.offset + 1)) assert.equal(u.dieAt(s.offset + 1), undefined, `no DIE at 0x${(s.offset + 1).toString(16)}`);
        }
        assert.equal(u.dieCount, want.length);
      });
    });

    test(`line programs streamed give the decoded rows and the same per-file tables: ${p.label}, ${m.label}`, () => {
      const exe = compileFixture(p.sources, m.flags);
      const streamed = DwarfFile.open(openElf(exe));
      const decoded = DwarfFile.open(openElf(exe));
      for (let k = 0; k < streamed.units.length; k++) {
        const su = streamed.units[k]!;
        const du = decoded.units[k]!;
        const st = streamed.lineTable(su);
        const dt = decoded.lineTable(du);
        if (!st || !dt) continue;
        // Rows seen through forEachRow, copied, equal the cached rows; the per-file tables built from a
        // table that streams and from one whose rows were decoded first are the same.
        const rows: LineRow[] = [];
        st.forEachRow((r) => rows.push({ ...r }));
        assert.ok(rows.length > 0);
        const tablesStreamed = buildSubFiles(st, su.bases);
        assert.deepEqual(rows, dt.rows);
        const tablesDecoded = buildSubFiles(dt, du.bases);
        assert.deepEqual(tablesStreamed, tablesDecoded);
        assert.ok(tablesStreamed.every((f) => f.entries.every((e, i) => i === 0 || f.entries[i - 1]!.pc <= e.pc)), 'entries sorted by pc');
      }
    });

    test(`struct, union and enum lookups by name scan agree with the name index: ${p.label}, ${m.label}`, () => {
      const exe = compileFixture(p.sources, m.flags);
      const indexed = DwarfFile.open(openElf(exe));
      const index = indexed.index; // built first: lookups then go through it
      const kinds = [['struct', DW_TAG.structure_type], ['union', DW_TAG.union_type], ['enum', DW_TAG.enumeration_type]] as const;
      let compared = 0;
      for (const [name, entries] of index.types) {
        for (const [kind, tag] of kinds) {
          if (!entries.some((e) => e.tag === tag)) continue;
          const scanned = new DwarfTypes(DwarfFile.open(openElf(exe))); // fresh: no index, the scan answers
          const want = new DwarfTypes(indexed).lookupTag(kind, name);
          const got = scanned.lookupTag(kind, name);
          assert.ok(want && got, `${kind} ${name}`);
          // The whole definition, as ptype prints it (members, their types, sizes of arrays).
          assert.equal(ptypeString(got), ptypeString(want), `${kind} ${name}`);
          assert.equal(got.kind === 'struct' || got.kind === 'union' || got.kind === 'enum' ? got.incomplete : true, want.kind === 'struct' || want.kind === 'union' || want.kind === 'enum' ? want.incomplete : true);
          compared++;
        }
      }
      assert.ok(compared >= 1, `compared ${compared} tags`);
    });
  }
}
