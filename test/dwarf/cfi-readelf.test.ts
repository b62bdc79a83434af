// Every CIE and FDE row our CFI reader computes agrees with `readelf --debug-dump=frames-interp`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openElf } from '../../src/elf/elf.js';
import { CfiTable, initialState, unwindRowAt, unwindRows, type UnwindRow, type CfaRule, type RegisterRule, type Fde, type CfiKind } from '../../src/dwarf/cfi.js';
import { dwarfRegName, dwarfRegNumber } from '../../src/arch/x86-64/dwarf-regs.js';
import { MATRIX, compileFixture } from '../helpers/build.js';

interface ReadelfEntry {
  offset: number;
  kind: 'CIE' | 'FDE';
  cie?: number;
  pcBegin?: bigint;
  pcEnd?: bigint;
  columns: string[];
  rows: { loc: bigint; cells: string[] }[];
}

/** Parses frames-interp output into per-section entry lists. */
function parseFramesInterp(text: string): Map<CfiKind, ReadelfEntry[]> {
  const out = new Map<CfiKind, ReadelfEntry[]>();
  let list: ReadelfEntry[] | undefined;
  let cur: ReadelfEntry | undefined;
  for (const line of text.split('\n')) {
    const sec = /^Contents of the \.(eh_frame|debug_frame) section/.exec(line);
    if (sec) {
      list = [];
      out.set(sec[1] as CfiKind, list);
      cur = undefined;
      continue;
    }
    const head = /^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ (CIE|FDE)(?: cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+))?/.exec(line);
    if (head && list) {
      cur = { offset: parseInt(head[1]!, 16), kind: head[2] as 'CIE' | 'FDE', columns: [], rows: [] };
      if (head[3]) {
        cur.cie = parseInt(head[3], 16);
        cur.pcBegin = BigInt(`0x${head[4]}`);
        cur.pcEnd = BigInt(`0x${head[5]}`);
      }
      list.push(cur);
      continue;
    }
    if (!cur) continue;
    if (/^\s+LOC\s+CFA/.test(line)) {
      cur.columns = line.trim().split(/\s+/).slice(2);
      continue;
    }
    const row = /^([0-9a-f]{16}) (.*)$/.exec(line);
    if (row) {
      const cells = row[2]!.match(/r\d+ \([^)]*\)|\S+/g) ?? [];
      cur.rows.push({ loc: BigInt(`0x${row[1]}`), cells });
    }
  }
  return out;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `${n}`;
}

function cfaText(c: CfaRule): string {
  return c.kind === 'expression' ? 'exp' : `${dwarfRegName(c.reg)}${signed(c.offset)}`;
}

function ruleText(rule: RegisterRule | undefined): string {
  switch (rule?.kind) {
    case undefined: case 'undefined': return 'u';
    case 'same-value': return 's';
    case 'offset': return `c${signed(rule.offset)}`;
    case 'val-offset': return `v${signed(rule.offset)}`;
    case 'register': return `reg${rule.reg}`;
    case 'expression': return 'exp';
    case 'val-expression': return 'vexp';
  }
}

/** readelf's cell, normalised: "r12 (r12)" -> "reg12". */
function normalise(cell: string): string {
  const m = /^r(\d+) \(/.exec(cell);
  return m ? `reg${m[1]}` : cell;
}

function columnReg(name: string, raColumn: number): number {
  if (name === 'ra') return raColumn;
  const n = dwarfRegNumber(name) ?? (/^r(\d+)$/.exec(name) ? Number(name.slice(1)) : undefined);
  assert.ok(n !== undefined, `unknown readelf column ${name}`);
  return n;
}

function rowText(cfa: CfaRule, regs: Map<number, RegisterRule>, columns: number[]): string[] {
  return [cfaText(cfa), ...columns.map((c) => ruleText(regs.get(c)))];
}

/** Compares one section; returns the number of rows checked. */
function checkSection(file: string, table: CfiTable, entries: ReadelfEntry[]): number {
  let checked = 0;
  const fdes = new Map(table.fdes().map((f) => [f.offset, f]));
  const cies = new Map(table.allCies().map((c) => [c.offset, c]));
  assert.equal(fdes.size, entries.filter((e) => e.kind === 'FDE').length, `${file} ${table.section}: FDE count`);
  for (const e of entries) {
    const where = `${file} ${table.section} entry 0x${e.offset.toString(16)}`;
    if (e.kind === 'CIE') {
      const cie = cies.get(e.offset);
      assert.ok(cie, `${where}: CIE not found`);
      const st = initialState(table, cie);
      const cols = e.columns.map((c) => columnReg(c, cie.raColumn));
      for (const r of e.rows) assert.deepEqual(rowText(st.cfa, st.registers, cols), r.cells.map(normalise), where);
      checked += e.rows.length;
      continue;
    }
    const fde: Fde | undefined = fdes.get(e.offset);
    assert.ok(fde, `${where}: FDE not found`);
    assert.equal(fde.cie.offset, e.cie, `${where}: CIE`);
    assert.equal(fde.pcBegin, e.pcBegin, `${where}: pc begin`);
    assert.equal(fde.pcEnd, e.pcEnd, `${where}: pc end`);
    if (fde.pcEnd > fde.pcBegin) {
      assert.equal(table.fdeForPc(fde.pcBegin), fde, `${where}: lookup at start`);
      assert.equal(table.fdeForPc(fde.pcEnd - 1n), fde, `${where}: lookup at end-1`);
    }
    const mine = unwindRows(table, fde);
    if (!e.rows.length) {
      // readelf prints no rows when the FDE has no instructions: the CIE's row holds throughout.
      const st = initialState(table, fde.cie);
      assert.equal(mine.length, fde.pcEnd > fde.pcBegin ? 1 : 0, `${where}: one row`);
      for (const row of mine) assert.deepEqual([row.cfa, row.registers], [st.cfa, st.registers], where);
      continue;
    }
    const cols = e.columns.map((c) => columnReg(c, fde.cie.raColumn));
    const known = new Set(cols);
    const locs = new Set(e.rows.map((r) => r.loc));
    e.rows.forEach((r, i) => {
      if (r.loc >= fde.pcEnd) return;
      if (e.rows[i + 1]?.loc === r.loc) return; // an empty row: the next one starts at the same place
      const row = unwindRowAt(table, fde, r.loc);
      assert.ok(row, `${where}: no row at 0x${r.loc.toString(16)}`);
      assert.deepEqual(rowText(row.cfa, row.registers, cols), r.cells.map(normalise), `${where} row 0x${r.loc.toString(16)}`);
      for (const reg of row.registers.keys()) assert.ok(known.has(reg), `${where}: register ${reg} missing from readelf`);
      checked++;
    });
    for (const row of mine) {
      assert.ok(locs.has(row.start), `${where}: our row at 0x${row.start.toString(16)} is not in readelf`);
      const at: UnwindRow = unwindRowAt(table, fde, row.start)!;
      assert.deepEqual([at.start, at.end, at.cfa, at.registers], [row.start, row.end, row.cfa, row.registers], `${where}: rows agree`);
    }
  }
  return checked;
}

function checkFile(label: string, exe: string): number {
  const text = execFileSync('readelf', ['--debug-dump=frames-interp', exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const parsed = parseFramesInterp(text);
  const elf = openElf(exe);
  let checked = 0;
  for (const kind of ['eh_frame', 'debug_frame'] as const) {
    const sec = elf.section(`.${kind}`);
    const entries = parsed.get(kind);
    assert.equal(Boolean(sec && sec.size), Boolean(entries), `${label}: .${kind} presence`);
    if (!sec || !entries) continue;
    const table = new CfiTable(elf.data(sec), { kind, sectionAddress: sec.addr });
    checked += checkSection(label, table, entries);
  }
  return checked;
}

const builds: { label: string; sources: string[]; flags: string[] }[] = [
  ...MATRIX.map((m) => ({ label: `kernel.c ${m.label}`, sources: ['demo/kernel.c'], flags: m.flags })),
  { label: 'kernel.c -fno-asynchronous-unwind-tables', sources: ['demo/kernel.c'], flags: ['-g', '-O0', '-fno-asynchronous-unwind-tables'] },
  { label: 'kernel.c -O2 -fno-asynchronous-unwind-tables', sources: ['demo/kernel.c'], flags: ['-g', '-O2', '-fno-asynchronous-unwind-tables'] },
  ...MATRIX.map((m) => ({ label: `optvars.c ${m.label}`, sources: ['cfi/optvars.c'], flags: m.flags })),
  { label: 'ops.S', sources: ['cfi/ops.S', 'cfi/main.c'], flags: ['-g'] },
  { label: 'ops.S CIE version 3', sources: ['cfi/ops.S', 'cfi/main.c'], flags: ['-g', '-Wa,--gdwarf-cie-version=3'] },
  { label: 'ops.S CIE version 4', sources: ['cfi/ops.S', 'cfi/main.c'], flags: ['-g', '-Wa,--gdwarf-cie-version=4'] },
];

for (const b of builds) {
  test(`CFI rows match readelf frames-interp: ${b.label}`, () => {
    const exe = compileFixture(b.sources, b.flags);
    const n = checkFile(b.label, exe);
    assert.ok(n > 0, 'some rows were compared');
  });
}
