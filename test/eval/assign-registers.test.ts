// Assignments (set var, =, op=, ++/--, bitfields, structs) and $registers behave as in gdb on a started process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO, gdbAnswers, ourAnswers, differences } from './oracle.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { StaticScope } from '../../src/eval/static-scope.js';
import { ValueHistory } from '../../src/eval/history.js';

const ASSIGNMENTS = [
  'set var g_int = 5', 'print g_int', 'print g_int++', 'print g_int', 'print ++g_int', 'print g_int--', 'print --g_int',
  'print g_int += 10', 'print g_int *= 2', 'print g_int <<= 1', 'print g_int %= 7', 'print g_arr[1] = 7', 'print g_arr',
  'print g_bits.mode = 2', 'print g_bits', 'print g_bits.delta = -7', 'print g_bits.delta = 100', 'print g_bits',
  'print g_bits.wide = 0xfffffffff', 'print g_bits.flag = 3', 'print g_bits.b = 1', 'print g_bits', 'print/x g_bits',
  'print g_test.no = 2.5', 'print g_test', 'print g_test = g_test2', 'print g_test', 'print *g_iptr = 9', 'print g_int',
  'print g_char = 66', 'print g_char', 'print g_color = BLUE', 'print g_color = 2', 'print g_color = 7', 'print g_double = 1.0/3',
  'print g_float = g_double', 'print g_ldouble = 1.0L/3', 'print g_ldouble * 3', 'print g_str = 0', 'print g_str',
  'print g_buf[0] = \'X\'', 'print g_buf', 'print $foo = 5', 'set var $foo = $foo * 2', 'print $foo', 'print g_flags |= F_WRITE',
  'print g_nested.i = 0x31323334', 'print g_nested', 'print g_union.f = 1.5', 'print g_union', 'print g_bool = 0',
  'print g_bool = 5', 'print g_u8 = 256', 'print g_i128 = 5', 'print g_arr = g_arr', 'print RED = 1', 'print 1 = 2', 'print $1 = 5',
  'print g_cv = 4', 'print g_short = 70000', 'print g_uint = -1', 'print g_tptr = &g_test', 'print g_tptr->val = 77',
  'print *g_tptr', 'print g_tptr->my_pointer = g_tptr', 'print g_tptr->my_pointer->my_pointer->val', 'print g_iptr = 0',
  'print *g_iptr = 1', 'print g_arr[1]@2 = g_arr[0]@2', 'print g_arr', 'print g_empty', 'print g_anon_nest.c = 9', 'print g_anon_nest',
  'print g_deep.l1.l2.l3.x += 1', 'print g_deep',
];

const REGISTERS = [
  'whatis $pc', 'ptype $pc', 'whatis $sp', 'whatis $fp', 'whatis $eax', 'whatis $al', 'whatis $ax', 'whatis $rax', 'whatis $r8d',
  'whatis $fs_base', 'whatis $cs', 'whatis $eflags', 'ptype $eflags', 'print $eflags', 'print/x $eflags', 'print $sp', 'print $rsp',
  'print/x $rip', 'print $rax', 'set var $rax = 0x1234', 'print $rax', 'print $eax', 'print $ax', 'print $al', 'print $ah',
  'set var $al = 0xff', 'print/x $rax', 'set var $eax = -1', 'print/x $rax', 'print $eax', 'print $al', 'print/x $ah',
  'set var $rbx = -2', 'print $rbx', 'print $ebx', 'print/x $bx', 'print $bl', 'print $rbx + 1', 'print $rsp + 8',
'print $r8 = 3', 'print $r8d', 'print $r8w', 'print $r8l', 'print/x $r15 = 0x8000000000000000',
  'print $r15', 'print $r15d', 'print $cs', 'print $ss', 'print $eflags = 0x246', 'print $eflags', 'print $nosuchreg',
];

/** Registers as `info registers` reports them. */
function parseRegisters(text: string): Map<string, bigint> {
  const regs = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s+(0x[0-9a-f]+)\s/.exec(line);
    if (m) regs.set(m[1]!, BigInt(m[2]!));
  }
  return regs;
}

async function compare(cmds: string[]): Promise<string[]> {
  const exe = compileFixture(ZOO, [...MATRIX[0]!.flags, '-no-pie'], 'zoo-nopie');
  const regText = gdbAnswers(exe, ['info registers'], ['starti'])[0]!;
  const gdb = gdbAnswers(exe, cmds, ['starti']);
  const scope = new StaticScope(new Program(openElf(exe)), new ValueHistory(), { writable: true, registers: parseRegisters(regText) });
  const ours = await ourAnswers(scope, cmds);
  return differences(cmds, gdb, ours);
}

test('assignments write memory and print like gdb on a started process', async () => {
  assert.deepEqual(await compare(ASSIGNMENTS), []);
});

test('registers have gdb\'s names, types and sub-register views', async () => {
  assert.deepEqual(await compare(REGISTERS), []);
});
