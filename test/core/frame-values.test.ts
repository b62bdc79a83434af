// Values of every local, argument and global at breakpoints, under gdbserver, equal gdb's on the same gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemoteOutputs } from '../helpers/duster.js';

// Optimised builds too: at -O2 locals_zoo is inlined into main (Breakpoint 1.1), its lexical block's locals
// come in gdb's hash-dictionary order with enumerators and a long double constant left out as gdb does, and
// -Og passes a double's entry value as DW_OP_regval_type of xmm0.
const LINE_STOPS = ['frames.c:24', 'frames.c:32', 'frames.c:38', 'frames.c:44', 'frames.c:70'];
// At -O2 those lines are mostly gone (mix is inlined, make_point folded away): stop at the functions instead.
const FUNCTION_STOPS = ['locals_zoo', 'mix', 'average', 'depth'];
const BUILDS = [
  { label: '-O0 dwarf5', flags: ['-g', '-O0', '-no-pie'], stops: LINE_STOPS },
  { label: '-O0 dwarf4', flags: ['-g', '-gdwarf-4', '-O0', '-no-pie'], stops: LINE_STOPS },
  { label: 'default flags (PIE)', flags: ['-g'], stops: LINE_STOPS },
  { label: '-O2 dwarf5', flags: ['-g', '-O2', '-no-pie'], stops: FUNCTION_STOPS },
  { label: '-O2 dwarf4', flags: ['-g', '-gdwarf-4', '-O2', '-no-pie'], stops: FUNCTION_STOPS },
  { label: '-O2 PIE', flags: ['-g', '-O2'], stops: FUNCTION_STOPS },
  { label: '-Og', flags: ['-g', '-Og'], stops: FUNCTION_STOPS },
];

const QUERIES = ['info args', 'info locals', 'bt', 'up', 'info args', 'info locals', 'down', 'print counter', 'print ratio', 'print greeting', 'print $rip', 'print/x $sp'];
const ZOO_PRINTS = ['print numbers', 'print name', 'print origin', 'print fl', 'print num', 'print shape', 'print cursor->next->value', 'print *cursor', 'print head.next->value + 1',
    'print/x numbers', 'print &origin', 'print fn', 'print text', 'print sizeof(numbers)', 'print numbers[1] * 2', 'print name[0]', 'whatis fl', 'ptype head', 'print ld', 'print big', 'print/x s', 'print -s', 'output origin'];
const PRINTS: Record<string, string[]> = { 'frames.c:70': ZOO_PRINTS, locals_zoo: ZOO_PRINTS };

/** Lines that differ only because gdb and we print stopping chatter differently are compared by the other tests. */
function answers(text: string): string[] {
  return text.split('\n').filter((l) => l && !/^(Breakpoint \d+ at|\[|Using host|Reading |0x[0-9a-f]+ in _start|warning: )/.test(l));
}

for (const b of BUILDS) {
  test(`[${b.label}] locals, arguments, globals, registers and backtraces at breakpoints equal gdb's`, async () => {
    const exe = compileFixture(['core/frames.c'], b.flags, 'frames');
    const cmds: string[] = [];
    for (const s of b.stops) cmds.push(`break ${s}`);
    for (const s of b.stops) cmds.push('continue', ...QUERIES, ...(PRINTS[s] ?? []));
    const ours = await runDuster(exe, cmds);
    const gdb = await runGdbRemoteOutputs(exe, cmds);
    assert.deepEqual(answers(ours.stdout), answers(gdb.stdout));
    // Optimised away entirely ("No symbol ... in current context."): the same variables as gdb.
    const refusals = (t: string) => t.split('\n').filter((l) => /^No symbol /.test(l));
    assert.deepEqual(refusals(ours.stderr), refusals(gdb.stderr));
    if (b.stops === LINE_STOPS) assert.equal(ours.code, 0, ours.stderr);
  });
}
