// Reproducers of what the corrupt-input fuzz (bench/fuzz) found, through the real CLI in batch mode: a type that
// contains itself through a parameter or a member, and one bad unit among sound ones (gdb answers for the others).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { DW_TAG } from '../../src/dwarf/constants.js';
import type { Die } from '../../src/dwarf/die.js';
import { ElfFile } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { CLI, compileFixture, gdbBatch } from '../helpers/build.js';
import { makeTemplate } from './mutate.js';
import { INTERNAL_TEXT } from './run-case.js';

const DIR = mkdtempSync(join(tmpdir(), 'duster-regress-'));

function cli(path: string, commands: string[]): { out: string; err: string; status: number | null } {
  const args = [CLI, '--path', path, '--batch'];
  for (const c of commands) args.push('-ex', c);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/** The top-level DIE of the first unit named `name`. */
function topDie(dwarf: DwarfFile, name: string): Die {
  for (const u of dwarf.compileUnits) for (const d of u.root.children()) if (d.name === name) return d;
  throw new Error(`no DIE named ${name}`);
}

/** A copy of `exe` whose DW_AT_type of DIE `from` refers to DIE `to` instead (DW_FORM_ref4, unit-relative). */
function retarget(exe: string, from: Die, to: Die): string {
  const t = makeTemplate(exe, new Uint8Array(readFileSync(exe)));
  const ref = t.typeRefs.find((r) => r.dieOffset === from.offset);
  assert.ok(ref, `DIE 0x${from.offset.toString(16)} has a ref4 DW_AT_type`);
  const b = new Uint8Array(t.bytes);
  new DataView(b.buffer).setUint32(ref.pos, to.offset - ref.unitOffset, true);
  const out = join(DIR, `cycle-${from.offset.toString(16)}`);
  writeFileSync(out, b);
  return out;
}

function assertOneCleanLine(r: { out: string; err: string }, what: string): void {
  const text = r.out + r.err;
  assert.doesNotMatch(text, INTERNAL_TEXT, `${what}: ${text}`);
  assert.match(r.err, /cyclic type in the debug info/, `${what}: ${text}`);
}

const ZOO = compileFixture(['types/zoo.c', 'types/zoo2.c'], ['-g', '-gdwarf-5', '-O0'], 'zoo');

test('a function type whose parameter points back at it ends in one clean line (fuzz case 3333)', () => {
  const dwarf = DwarfFile.open(new ElfFile(new Uint8Array(readFileSync(ZOO)), ZOO));
  // int (*g_fp)(int): pointer P -> subroutine S; S's parameter made to be P: int (*)(int (*)(int (*)(...
  const pointer = dwarf.dieAt(topDie(dwarf, 'g_fp').type!);
  const subroutine = dwarf.dieAt(pointer.type!);
  const param = subroutine.children().find((c) => c.tag === DW_TAG.formal_parameter)!;
  const bad = retarget(ZOO, param, pointer);
  for (const c of ['ptype g_fp', 'whatis g_fp', 'print g_fp', 'info variables g_fp$']) {
    const r = cli(bad, [c]);
    if (c.startsWith('info')) assert.doesNotMatch(r.out + r.err, INTERNAL_TEXT, `${c}: ${r.out}${r.err}`);
    else assertOneCleanLine(r, c);
  }
  // The rest of the file still answers.
  assert.match(cli(bad, ['print g_test.val']).out, /^\$1 = 20$/m);
});

test('a struct containing itself through an anonymous member ends in one clean line', () => {
  const dwarf = DwarfFile.open(new ElfFile(new Uint8Array(readFileSync(ZOO)), ZOO));
  const nested = dwarf.dieAt(topDie(dwarf, 'g_nested').type!);
  const anonymous = nested.children().find((c) => c.tag === DW_TAG.member && c.name === undefined)!;
  const bad = retarget(ZOO, anonymous, nested);
  assertOneCleanLine(cli(bad, ['print g_nested']), 'print g_nested');
  assertOneCleanLine(cli(bad, ['print g_nested.no_such_member']), 'member search');
  // ptype stops at the member's name (struct nested), as gdb does.
  const ptype = cli(bad, ['ptype struct nested']);
  assert.match(ptype.out, /^ {4}struct nested;$/m);
  assert.doesNotMatch(ptype.out + ptype.err, INTERNAL_TEXT);
});

test('one bad unit: the sound unit still answers info line main, and the bad one is reported once (gdb: Dwarf Error)', () => {
  const exe = compileFixture(['symbols/main.c', 'symbols/shapes.c'], ['-g', '-gdwarf-5', '-O0'], 'shapes-pie');
  const t = makeTemplate(exe, new Uint8Array(readFileSync(exe)));
  const elf = new ElfFile(t.bytes, exe);
  const info = elf.section('.debug_info')!;
  const second = DwarfFile.open(elf).units[1]!;
  // The abbreviation code of the second unit's second DIE set to one its table does not have (bad-unit case 5).
  const at = t.dieCodes.find((p) => p - info.offset > second.firstDieOffset)!;
  const b = new Uint8Array(t.bytes);
  b[at] = 0x41;
  const bad = join(DIR, 'bad-unit');
  writeFileSync(bad, b);
  const expected = gdbBatch(exe, ['info line main']).trim();
  assert.match(expected, /^Line \d+ of "main\.c"/);
  assert.equal(cli(bad, ['info line main']).out.trim(), expected);
  const program = new Program(new ElfFile(new Uint8Array(readFileSync(bad)), bad));
  const seen: string[] = [];
  program.dwarf.onWarning((m) => seen.push(m));
  program.functionInstances('main');
  program.sourceFiles();
  program.functionInstances('area');
  assert.deepEqual(seen, [`Dwarf Error: abbreviation code 65 not in the table at .debug_abbrev+0x${(second.abbrevOffset).toString(16)} (in .debug_info at offset 0x${(at - info.offset).toString(16)}) [in module ${bad}]`]);
});
