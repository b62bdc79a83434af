// LineTable.covers, the light pass that answers "no line here" without decoding rows, agrees with the rows
// themselves (every sequence from its first row to its end) on the fixtures and on the dynamic linker's debug file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openElf } from '../../src/elf/elf.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { Program } from '../../src/symbols/program.js';
import { findPcLine } from '../../src/symbols/lines.js';
import { compileFixture, MATRIX } from '../helpers/build.js';
import { dynamicLinkerDebugFile } from '../helpers/system-debug.js';

/** Sequences as the decoded rows give them. */
function spansFromRows(dwarf: DwarfFile, unit: DwarfFile['compileUnits'][number]): { start: bigint; end: bigint }[] {
  const spans: { start: bigint; end: bigint }[] = [];
  let start: bigint | undefined;
  for (const r of dwarf.lineTable(unit)?.rows ?? []) {
    start ??= r.address;
    if (r.endSequence) {
      spans.push({ start, end: r.address });
      start = undefined;
    }
  }
  return spans;
}

/** Every address worth asking about: each sequence's edges and a step inside. */
function probes(spans: { start: bigint; end: bigint }[]): bigint[] {
  const out: bigint[] = [];
  for (const s of spans) out.push(s.start - 1n, s.start, s.start + 1n, (s.start + s.end) / 2n, s.end - 1n, s.end, s.end + 1n);
  return out;
}

function check(path: string): number {
  const fresh = () => DwarfFile.open(openElf(path));
  const rowsSide = fresh();
  const light = fresh();
  let asked = 0;
  for (const [i, u] of rowsSide.compileUnits.entries()) {
    const spans = spansFromRows(rowsSide, u);
    const table = light.lineTable(light.compileUnits[i]!);
    if (!table) continue;
    for (const a of probes(spans)) {
      asked++;
      assert.equal(table.covers(a), spans.some((s) => a >= s.start && a < s.end), `0x${a.toString(16)} in unit 0x${u.offset.toString(16)} of ${path}`);
    }
  }
  return asked;
}

for (const b of MATRIX) {
  test(`[${b.label}] covers() equals the sequences of the decoded rows; a pc it rules out has no line in gdb's tables either`, () => {
    const exe = compileFixture(['demo/kernel.c'], b.flags, 'kernel');
    assert.ok(check(exe) >= 7, "every sequence probed");
    // The shortcut changes no answer: lineForPc equals findPcLine over the full per-file tables at every probe.
    const program = new Program(openElf(exe));
    const reference = new Program(openElf(exe));
    const dwarf = DwarfFile.open(openElf(exe));
    for (const u of dwarf.compileUnits) {
      for (const a of probes(spansFromRows(dwarf, u))) {
        const ours = program.lineForPc(a);
        const unit = reference.dwarf.unitForPc(a);
        const full = unit ? findPcLine((reference as unknown as { model(u: unknown): { files: Parameters<typeof findPcLine>[0] } }).model(unit).files, a, () => a + 1n) : undefined;
        assert.equal(ours?.line, full?.line, `line at 0x${a.toString(16)}`);
      }
    }
  });
}


test('covers() equals the decoded rows\' sequences in the dynamic linker\'s debug file (libc6-dbg)', { skip: dynamicLinkerDebugFile() ? false : 'libc6-dbg is not installed' }, () => {
  assert.ok(check(dynamicLinkerDebugFile()!) > 100);
});
