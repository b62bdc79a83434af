// Optimised code side by side with gdb under gdbserver (PIE, gcc -O2/-O1/-Og, DWARF 5 and 4): entry values (x=x@entry=1,
// n=8, n@entry=3, print x@entry, DW_OP_entry_value inside locations and call values), tail-call frames, DW_OP_piece
// structs in registers, DW_OP_implicit_pointer (<synthetic pointer>, *pp), DW_OP_implicit_value, registers in outer frames,
// parameters passed on the stack.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { compareWithGdb, describeDifferences } from '../pie/compare.js';

const BUILDS = [
  { label: 'dwarf5 -O2', flags: ['-g', '-gdwarf-5', '-O2'], ops: ['DW_OP_entry_value', 'DW_OP_piece', 'DW_OP_implicit_pointer', 'DW_OP_implicit_value', 'DW_OP_stack_value'], info: ['DW_AT_call_tail_call', 'DW_TAG_call_site_parameter'] },
  { label: 'dwarf4 -O2', flags: ['-g', '-gdwarf-4', '-O2'], ops: ['DW_OP_GNU_entry_value', 'DW_OP_piece', 'DW_OP_GNU_implicit_pointer', 'DW_OP_implicit_value'], info: ['DW_AT_GNU_tail_call', 'DW_TAG_GNU_call_site_parameter'] },
  { label: 'dwarf5 -O1', flags: ['-g', '-gdwarf-5', '-O1'], ops: ['DW_OP_entry_value', 'DW_OP_implicit_pointer'], info: ['DW_TAG_call_site_parameter'] },
  { label: 'dwarf5 -Og', flags: ['-g', '-gdwarf-5', '-Og'], ops: ['DW_OP_entry_value', 'DW_OP_implicit_pointer', 'DW_OP_implicit_value'], info: ['DW_TAG_call_site_parameter'] },
];

// One stop per call of consume()/taked(), in the order main makes them; at each, what gdb answers about the frames above.
const SESSION = [
  'break consume', 'break taked', 'continue',
  // twice(x): x=x@entry=1 (x's location at the call is DW_OP_entry_value; consume's call value uses it too).
  'bt', 'up', 'print x@entry', 'print x', 'info args', 'info registers rip', 'print $rax', 'print $rbx',
  'continue', 'continue',
  // bump(n, p): n changed (n=8, n@entry=3), p unchanged (p=p@entry=...).
  'bt', 'up', 'info args', 'info locals', 'print n@entry', 'print p@entry', 'print *p', 'print nosuch@entry', 'print sink@entry',
  'continue', 'continue', 'continue',
  // split(a, b): a struct in two registers (DW_OP_piece) and a pointer to it that no longer exists.
  'up', 'info locals', 'print pr', 'print pr.a', 'print pp', 'print *pp', 'print pp->b', 'print &pr', 'print &k', 'print a@entry + b@entry',
  'continue', 'continue', 'continue', 'continue',
  // leaf(v) reached through middle's tail call: gdb's tailcall frame #2 middle.
  'bt', 'up', 'info args', 'print v@entry', 'info frame', 'up', 'info args', 'info locals', 'print v', 'print v@entry', 'info frame', 'print $sp',
  'print $pc', 'down', 'finish',
  'continue', 'continue',
  // keep(seed): locals in callee-saved registers read from the outer frame; main's values.
  'bt', 'up', 'info locals', 'info args', 'up', 'info locals', 'print argc@entry',
  // scaled(a): DW_OP_implicit_value doubles and a 128-bit value computed on the typed DWARF stack.
  'continue', 'up', 'info locals', 'print f', 'print big', 'print big >> 64',
  'continue', 'continue', 'up', 'print f', 'info args', 'finish',
  // many(a..h): g and h on the stack (DW_OP_fbreg at entry), whose entry values main's call site does not give.
  'continue', 'up', 'info args', 'print g@entry', 'print h@entry', 'print a@entry', 'print b@entry',
  'continue', 'continue',
];

function dump(exe: string, what: string): string {
  return execFileSync('objdump', [what, exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

for (const b of BUILDS) {
  test(`[${b.label}] entry values, tail calls and optimised locations equal gdb's`, { timeout: 300_000 }, async () => {
    const exe = compileFixture(['entry/entry.c'], b.flags, 'entry');
    // The fixture really makes gcc emit what this test is about.
    const loc = dump(exe, '--dwarf=loc');
    const info = dump(exe, '--dwarf=info');
    for (const op of b.ops) assert.ok(loc.includes(`${op}`), `${b.label}: no ${op} in the location lists`);
    for (const at of b.info) assert.ok(info.includes(at), `${b.label}: no ${at} in .debug_info`);
    const c = await compareWithGdb(exe, SESSION);
    console.log(`entry values ${b.label}: ${c.equal} of ${c.total} answers equal gdb's`);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(c.total >= SESSION.length - 1, `gdb answered only ${c.total} commands`);
    assert.equal(c.differences.length, 0, describeDifferences(c));
  });
}
