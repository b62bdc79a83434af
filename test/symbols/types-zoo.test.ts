// ptype and whatis of every zoo global and named type equal gdb's text, over the build matrix and strict DWARF 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFixture } from '../helpers/build.js';
import { ZOO, ZOO_BUILDS, zooGlobals, gdbAnswers, staticScope, ourAnswers, differences } from '../eval/oracle.js';

const TYPE_NAMES = [
  'struct test', 'struct bits', 'struct nested', 'union number', 'enum color', 'enum sparse', 'enum flags', 'enum big',
  'enum multi', 'enum dup', 'enum neg', 'myint', 'myint2', 'test_t', 'test_ptr', 'binop_t', 'arr3_t', 'anon_enum_t', 'u8',
  'struct flex', 'struct with_ptrs', 'struct empty_s', 'struct opaque', 'struct other_cu_thing', 'struct deep',
  'struct nosuch', 'union nosuch', 'enum nosuch', 'nosuch_t',
  'int', 'unsigned', 'long unsigned int', 'short', 'unsigned char', 'signed char', 'long long', 'long double', '_Bool',
  'int *', 'int[3]', 'char **', 'int (*)(int)', 'struct test *[2]', 'const char * const', 'int (*[3])(void)',
  'char (*)[4]', 'void (*)()', 'int (*)(int, ...)', 'volatile unsigned long *', 'struct test **', 'myint *', 'test_ptr[2]',
  'square', 'add', 'sub', 'vararg_fn', 'kr_fn', 'strfn', 'main', 'ret1', 'g_kr2', 'vla_sum',
  '*g_iptr', '&g_int', 'g_arr[1]', '&g_arr', 'g_test.no', 'g_tptrs[0]', '*g_tptrs[0]', '&square', '*square', 'g_arr + 1',
  'g_char + 1', 'g_float * 2', 'g_int == 1', 'sizeof(int)', "'a'", '"hi"', '1.5f', '1.5l', '2147483648', '0xffffffff',
  '(char)1', 'g_nested.point', 'g_nested.i', '&g_nested.m[1]', 'g_fp', '*g_fp', 'g_binop', 'RED', 'g_str[0]', 'g_arr[1]@2',
  'g_test2.my_pointer->my_pointer', 'g_color + 1', '-g_uchar', '!g_double', 'g_iptr - g_iptr', '$nonexistent', '$1',
];

for (const build of ZOO_BUILDS) {
  test(`ptype and whatis of every zoo global match gdb (${build.label})`, async () => {
    const exe = compileFixture(ZOO, build.flags, 'zoo');
    const cmds = zooGlobals().flatMap((g) => [`whatis ${g}`, `ptype ${g}`]);
    const gdb = gdbAnswers(exe, cmds);
    const ours = await ourAnswers(staticScope(exe), cmds);
    assert.deepEqual(differences(cmds, gdb, ours), []);
  });

  test(`ptype and whatis of type names and expressions match gdb (${build.label})`, async () => {
    const exe = compileFixture(ZOO, build.flags, 'zoo');
    const cmds = TYPE_NAMES.flatMap((t) => [`whatis ${t}`, `ptype ${t}`]);
    const gdb = gdbAnswers(exe, cmds);
    const ours = await ourAnswers(staticScope(exe), cmds);
    assert.deepEqual(differences(cmds, gdb, ours), []);
  });
}
