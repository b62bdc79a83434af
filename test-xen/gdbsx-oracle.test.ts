// gdb + Xen's gdbsx as the oracle on a real Xen (GDBSX hypervisor): the talk's session on two fresh copies of the demo guest, one
// under gdb + gdbsx and one under duster-tui, answer for answer from the first breakpoint hit on (on the stock hypervisor: our
// answers, recorded for the GDBSX half to hold against gdb's).
import { test } from 'node:test';
import { labEnv } from './lab.js';
import { answerAlike, gdbsxSkip, stockAnswersAlike } from './oracle.js';

const env = labEnv();
const skip = gdbsxSkip();

/** The talk's session and more at -O0: frames, values, memory, registers, disassembly, stepping in and out, until/advance, tbreak, display. */
const SESSION_O0 = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'print my_integer', 'print my_float', 'print my_boolean',
  'print *pointer_tester', 'print pointer_tester->no * 2', 'ptype pointer_tester', 'x/4xw pointer_tester', 'info registers rip',
  'p $sp', 'info registers rsp rbp rip', 'x/3i $pc', 'p sleep_ms', 'ptype struct test', 'whatis my_float', 'p &my_integer',
  'info line', 'list 70,72', 'info symbol $pc', 'p demo', 'p &pointer_tester->no', 'p/x my_integer', 'info args', 'info frame',
  'up', 'info locals', 'down', 'up 2', 'info frame', 'frame 1', 'p round', 'info breakpoints', 'next', 'next', 'step', 'bt',
  'finish', 'p $rax', 'until', 'advance 84', 'info registers eflags', 'tbreak kernel.c:64', 'continue', 'stepi', 'nexti', 'x/i $pc',
  'display my_integer', 'next', 'next', 'undisplay 1', 'next', 'info frame', 'delete', 'detach',
];
/** At -O2: demo inlined into kernel_main (a breakpoint with two locations), optimized-out values, msleep's frame, stepping through inlined code. */
const SESSION_O2 = [
  'break kernel.c:73', 'continue', 'bt', 'info locals', 'p *pointer_tester', 'p my_integer', 'break msleep', 'continue', 'bt',
  'info frame', 'up', 'info frame', 'p round', 'finish', 'next', 'next', 'step', 'bt', 'info frame', 'x/4i $pc', 'delete', 'detach',
];
// Not compared: `watch` (gdbsx has no Z2, so gdb fails "Could not insert hardware watchpoint"; ours are software watchpoints).

for (const [opt, session] of [['-O0', SESSION_O0], ['-O2', SESSION_O2]] as const) {
  const run = { elf: opt === '-O0' ? env.elfO0 : env.elfO2, session, cwd: env.sourceDir };
  let gdbOut: string | undefined;
  test(`gdb + gdbsx and duster-tui answer alike on the demo guest built ${opt} (two fresh copies, each from its first round)`, { skip, timeout: 900_000 },
    async () => { gdbOut = await answerAlike(run); });
  test(`the demo guest built ${opt}: duster-tui on the stock hypervisor answers as gdb + gdbsx did`,
    { skip: env.hypervisor === 'gdbsx' ? skip : 'the GDBSX half compares' }, (t) => stockAnswersAlike(run, gdbOut, t));
}
