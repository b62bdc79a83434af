// DwarfFile.mayHoldName: the string test that lets `break NAME` skip a library's name index is never wrong when it says no.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { openElf } from '../../src/elf/elf.js';
import { compileFixture, MATRIX } from '../helpers/build.js';
import { dynamicLinkerDebugFile } from '../helpers/system-debug.js';

for (const b of MATRIX) {
  test(`[${b.label}] every name the index holds passes the string test; names absent from the debug info do not`, () => {
    const exe = compileFixture(['core/block-dict.c'], b.flags, 'block-dict');
    const fresh = () => DwarfFile.open(openElf(exe));
    const index = fresh().index;
    const names = [...index.functions.keys(), ...index.variables.keys(), ...index.types.keys()];
    assert.ok(names.includes('crunch') && names.length > 5, names.join(' '));
    const d = fresh();
    // Short names ("c", "p") are inline DW_FORM_string in .debug_info, long ones .debug_str (possibly as a suffix of a longer string).
    for (const n of [...names, 'c', 'p', 'alpha', 'total__x']) assert.ok(d.mayHoldName(n), `"${n}" is in the debug info`);
    for (const n of ['no_such_function', 'crunchy', 'zzz_not_here']) assert.equal(d.mayHoldName(n), false, `"${n}" is not`);
    assert.equal(d.indexed, false, 'the test itself built no index');
  });
}


// A real linked file: its .debug_str merges tails ("main" read from "dl_main"), so most short names occur somewhere.
test('the dynamic linker\'s debug file (libc6-dbg): every name its index holds passes; tails no DIE reads do not', { skip: dynamicLinkerDebugFile() ? false : 'libc6-dbg is not installed' }, () => {
  const file = dynamicLinkerDebugFile()!;
  const index = DwarfFile.open(openElf(file)).index;
  const names = [...index.functions.keys(), ...index.variables.keys(), ...index.types.keys()];
  assert.ok(names.length > 500, `${names.length} names`);
  const d = DwarfFile.open(openElf(file));
  for (const n of names) assert.ok(d.mayHoldName(n), `"${n}" is in the debug info`);
  // "main" names no DIE here, yet the 4-byte .debug_str offsets of its tails ("remain", "dl_main") occur in
  // .debug_info by chance: only the units holding those bytes are read, and they say no.
  const absent = ['main', 'hot', 'xyzzy', 'no_such_function'].filter((n) => !names.includes(n));
  assert.ok(absent.includes('main'), 'the dynamic linker has no function, variable or type called main');
  for (const n of absent) assert.equal(d.mayHoldName(n), false, `"${n}" is not`);
  assert.equal(d.indexed, false, 'the test itself built no index');
});
