// disassemble as gdb 13 prints it: <sym> in single brackets, /r raw bytes, /m and /s source interleaving,
// ranges, a data symbol, bad modifiers. Live over gdbserver, -O0 and -O2 (where /s and /m reorder most).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_BUILDS, buildFormats, compareLive } from './gdb-compare.js';

const COMMANDS = [
  'break two_args', 'continue',
  'disassemble', 'disassemble /r lookup_rate', 'disassemble /m lookup_rate', 'disassemble /s lookup_rate',
  'disassemble /rs sub_file_func', 'disassemble lookup_rate,+8', 'disassemble /r lookup_rate,lookup_rate+6',
  'disassemble /m main', 'disassemble /s main', 'disassemble /s vla_fill', 'disassemble /m vla_fill',
  'disassemble /m two_args', 'disassemble /s use_vectors', 'disassemble /sr two_args', 'disassemble g_array',
  'disassemble /q main', 'disassemble nosuch', 'x/3i $pc',
];

/**
 * The PLT of a -no-pie build, by address. In a PIE nothing is mapped there: gdb prints the line's label
 * ("   0x401030:\t") before its "Cannot access memory" error, we print the error alone (no partial output
 * before an error yet), so it is asked of the -no-pie builds only.
 */
const NO_PIE_ONLY = ['x/2i 0x401030'];

for (const build of LIVE_BUILDS) {
  test(`disassemble and its modifiers print what gdb prints (${build.label})`, async () => {
    const r = await compareLive(buildFormats(build.flags), build.flags.includes('-no-pie') ? [...COMMANDS, ...NO_PIE_ONLY] : COMMANDS);
    assert.ok(r.gdb.some((l) => l.startsWith('sub/dir/file.c:')), `gdb answered:\n${r.gdb.join('\n')}`);
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('Dump of assembler code')));
    // gdb names the PLT's GOT slot (<strlen@got.plt>): synthetic GOT symbols are the symbol helper's, not compared.
    const got = (ls: string[]): string[] => ls.map((l) => l.replace(/( # 0x[0-9a-f]+) <\w+@got\.plt>$/, '$1'));
    assert.deepEqual(from(r.ours), got(from(r.gdb)), r.stderr);
    assert.match(r.stderr, /Invalid disassembly modifier\./);
  });
}
