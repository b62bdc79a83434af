// Inlined functions at -O2 (inline.c): frames, breakpoints with several locations, stepping and variables, each equal to gdb's on the same binary and gdbserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { maskEntryValueLines, runDuster, runGdbRemote } from '../helpers/duster.js';

const BUILDS = [
  { label: 'dwarf5 -O2 PIE', flags: ['-g', '-gdwarf-5', '-O2'] },
  { label: 'dwarf4 -O2 PIE', flags: ['-g', '-gdwarf-4', '-O2'] },
  { label: 'dwarf5 -O2 -no-pie', flags: ['-g', '-gdwarf-5', '-O2', '-no-pie'] },
  { label: 'dwarf4 -O2 -no-pie', flags: ['-g', '-gdwarf-4', '-O2', '-no-pie'] },
];

const SCENARIOS: { name: string; commands: string[] }[] = [
  {
    // break on functions with inlined copies (scale: 4 inlined + 1 out of line; square: nested in twice_square),
    // the inline frames at each hit, info frame, up/down with locals, finish out of inline and real frames, next
    // over and step into inlined calls, stepping out of an out-of-line copy.
    name: 'function breakpoints, frames, finish, next, step',
    commands: ['break scale', 'break square', 'info breakpoints', 'continue', 'bt', 'info frame', 'info locals', 'info args', 'up', 'info locals', 'info args', 'info frame',
      'up', 'info frame', 'up', 'info frame', 'down', 'down', 'print v', 'print w', 'print a', 'finish', 'bt', 'continue', 'bt', 'finish', 'continue', 'bt', 'finish', 'continue', 'bt',
      'next', 'next', 'next', 'bt', 'continue', 'bt', 'step', 'step', 'step', 'bt', 'info frame', 'finish', 'continue', 'bt', 'continue'],
  },
  {
    // A user breakpoint on the outer function hides the inlined calls starting at its address; one on the
    // inlined function (or a line in it) shows them; `step` enters the hidden calls one at a time without running.
    name: 'hidden inlined calls at a stop, step into them',
    commands: ['break twice_square', 'tbreak compute', 'break inline.c:10', 'info breakpoints', 'continue', 'bt', 'info args', 'print w', 'print t', 'frame 1', 'print a', 'info locals',
      'frame 0', 'step', 'bt', 'print v', 'continue', 'bt', 'info locals', 'up 2', 'info frame', 'down', 'finish', 'bt', 'delete', 'break compute', 'info breakpoints', 'continue'],
  },
  {
    name: 'stepping through nested inlined calls from the outer function',
    commands: ['break compute', 'continue', 'step', 'step', 'step', 'bt', 'step', 'step', 'step', 'step', 'bt', 'next', 'next', 'next', 'next', 'next', 'bt', 'info locals'],
  },
];

/** What a debugger answered: without gdb's loading chatter and the process id of the exit line. */
function answers(text: string): string[] {
  return text.split('\n').filter((l) => l && !/^(\[|Using host|Reading |0x[0-9a-f]+ in _start|warning: )/.test(l));
}

for (const b of BUILDS) {
  for (const sc of SCENARIOS) {
    test(`[${b.label}] ${sc.name}: as gdb`, { timeout: 240_000 }, async () => {
      const exe = compileFixture(['core/inline.c'], b.flags, 'inline');
      const ours = await runDuster(exe, sc.commands, { timeoutMs: 180_000 });
      // Some commands fail on purpose (names not in an inline frame's scope): batch mode then exits with 1, as gdb.
      assert.ok(ours.code === 0 || ours.code === 1, ours.stderr);
      const gdb = await runGdbRemote(exe, sc.commands);
      const cmp = maskEntryValueLines(answers(ours.stdout), answers(gdb));
      assert.deepEqual(cmp.ours, cmp.gdb);
      // The comparison has substance: inline frames, several locations, an inline frame's info frame.
      assert.ok(cmp.gdb.some((l) => /^#1 {2}\w+ \(/.test(l)), 'gdb showed an inline frame');
    });
  }
}
