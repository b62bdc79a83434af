// GNU vectors and mixed / flag enums in test/fixtures/formats: print, print/FMT, ptype and whatis equal gdb's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX } from '../helpers/build.js';
import { gdbAnswers, staticScope, ourAnswers, differences } from './oracle.js';
import { buildFormats } from '../cli/gdb-compare.js';

const VECTORS = ['g_v4c', 'g_v4si', 'g_v4sf', 'g_vec_plain'];
const ENUMS = ['g_mixed', 'g_mixed_big', 'g_uflags', 'g_uflags_unk', 'g_uflags_zero', 'g_pflags', 'g_wide', 'g_wide_neg', 'g_flags64', 'g_flags64_unk'];
const FORMATS = ['', '/x', '/d', '/u', '/o', '/t', '/c', '/s', '/z'];

const COMMANDS = [
  ...[...VECTORS, ...ENUMS].flatMap((g) => [...FORMATS.map((f) => `print${f} ${g}`), `ptype ${g}`, `whatis ${g}`, `output ${g}`]),
  'print g_v4c[1]', 'whatis g_v4c[1]', 'print g_v4si[3]', 'print &g_v4c', 'print *&g_v4si', 'print sizeof(g_v4si)',
  'ptype &g_v4si', 'whatis &g_v4c', 'ptype v4c', 'whatis (v4si *)0', 'ptype int __attribute__ ((vector_size (8)))',
  // Vector arithmetic (valarith.c): element-wise, scalars widened, no decay to pointers.
  'print g_v4c + g_v4c', 'print -g_v4si', 'print ~g_v4si', 'print g_v4si * 2', 'print 1 + g_v4si', 'print g_v4sf * g_v4sf',
  'print g_v4si + g_v4c', 'print (long)g_v4c', 'print (int)g_v4c', 'print (v4c)5', 'print (v4c)g_long', 'print g_v4c + 300',
  'print/x g_v4si << 1', 'print g_v4sf + 1', 'print +g_v4c', 'whatis g_v4c + g_v4c', 'whatis -g_v4c', 'print g_v4si > 5',
  'print g_v4si == 5', 'print g_v4si != g_v4si', 'print g_v4si % 7', 'print g_v4sf % 2', 'print !g_v4si',
  'ptype enum mixed', 'ptype enum uflags', 'ptype enum pflags',
  'print (enum uflags)0x80000003', 'print (enum uflags)0x80000000', 'print (enum pflags)0', 'print (enum pflags)24',
  'print (enum mixed)5', 'print (enum mixed)-1', 'print/x (enum mixed)-2', 'print/d UF_C', 'print UF_C', 'print MX_NEG',
  'print UF_A | UF_B', 'print (enum uflags)(UF_A | UF_B)',
  'ptype enum wide', 'ptype enum flags64', 'print sizeof(enum wide)', 'print (enum wide)5', 'print (enum flags64)0', 'print (enum flags64)2',
  'print W_BIG', 'print W_NEG', 'whatis W_BIG', 'print -W_BIG', 'print F64_HIGH', 'print/u g_wide_neg', 'print/x (enum flags64)-1',
];

// Static (no process): the default gcc build (PIE) and -O2, DWARF 5 and 4.
for (const build of [MATRIX[0]!, MATRIX[3]!]) {
  test(`vectors and enums print as gdb prints them (${build.label})`, async () => {
    const exe = buildFormats(build.flags);
    const gdb = gdbAnswers(exe, COMMANDS);
    assert.ok(gdb.includes('type = char __attribute__ ((vector_size(4)))'), 'gdb answered');
    const ours = await ourAnswers(staticScope(exe), COMMANDS);
    assert.deepEqual(differences(COMMANDS, gdb, ours), []);
  });
}
