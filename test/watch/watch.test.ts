// Hardware watchpoints under a real gdbserver, side by side with gdb 13 on its own gdbserver: every line printed is equal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

// The default build (PIE, libc.so, -O0) and -O2 -no-pie (unikernels are linked without PIE). -O2 keeps the
// locals in registers, so the scenarios on locals are -O0 (default build) only.
const BUILDS = [
  { label: 'default (PIE)', flags: ['-g'] },
  { label: '-O2', flags: ['-g', '-O2', '-no-pie'] },
];

const c = (n: number): string[] => Array<string>(n).fill('continue');

const SCENARIOS: { name: string; cmds: string[]; optimised: boolean; stderr?: RegExp }[] = [
  {
    name: 'a global, a struct member, rwatch and awatch; continue x8, info watchpoints / breakpoints, delete',
    cmds: ['break main', 'continue', 'watch counter', 'rwatch where.tag', 'awatch where.y', 'info watchpoints', ...c(4), 'info breakpoints', 'delete 3', ...c(4), 'info watchpoints', 'continue'],
    optimised: true,
  },
  {
    name: 'a condition, a whole struct, disable and enable (the value changed meanwhile), delete all',
    cmds: ['break main', 'continue', 'watch counter if counter > 3', 'watch where', 'info watchpoints', ...c(3), 'disable 3', 'continue', 'info watchpoints', 'enable 3', 'continue', 'delete', 'continue', 'info watchpoints'],
    optimised: true,
  },
  {
    name: 'ignore counts and conditions set afterwards (condition N EXPR, condition N), hit counts',
    cmds: ['break main', 'continue', 'watch counter', 'awatch where.tag', 'ignore 2 2', 'condition 3 where.y > 4', ...c(2), 'info watchpoints', 'condition 3', ...c(2), 'info watchpoints'],
    optimised: true,
  },
  {
    name: 'a local going out of scope on continue (the scope breakpoint at the caller)',
    cmds: ['break bump', 'continue', 'watch total', 'info watchpoints', ...c(6), 'info watchpoints'],
    optimised: false,
  },
  {
    name: 'a local going out of scope while stepping with next',
    cmds: ['break bump', 'continue', 'watch total', 'next', ...Array<string>(7).fill('next')],
    optimised: false,
  },
  {
    name: "a local of the caller's frame (up; watch i), hits from both frames, finish",
    cmds: ['break peek', 'continue', 'watch sink', 'up', 'watch i', ...c(5), 'finish', ...c(2), 'info breakpoints'],
    optimised: false,
  },
  {
    name: 'a breakpoint at the instruction after the write: both reported in number order, tbreak too',
    cmds: ['break 33', 'break main', 'continue', 'watch counter', 'awatch where.y', 'tbreak 34', ...c(5), 'info breakpoints'],
    optimised: false,
  },
  {
    name: 'watchpoints while stepping: next, step, stepi, nexti, with a breakpoint on the next line',
    cmds: ['break main', 'continue', 'watch sink', 'rwatch where.tag', 'break 33', ...Array<string>(6).fill('next'), 'step', 'step', 'step', 'stepi', 'nexti', 'info watchpoints'],
    optimised: false,
  },
  // Software watchpoints end before printf: gdb single-stepping libc with one takes minutes (we take seconds).
  {
    name: 'software watchpoints (set can-use-hw-watchpoints 0): a local and a global, continue x6, rwatch/awatch refused',
    cmds: ['set can-use-hw-watchpoints 0', 'break bump', 'break 38', 'continue', 'watch total', 'watch sink', 'rwatch sink', 'awatch counter', 'info watchpoints', ...c(6), 'info breakpoints', 'delete', 'continue'],
    optimised: false,
    stderr: /^Can't set read\/access watchpoint when hardware watchpoints are disabled\.\nCan't set read\/access watchpoint when hardware watchpoints are disabled\.$/m,
  },
  {
    name: 'a software watchpoint with a breakpoint after the write, then one on a local stepped with next out of its frame',
    cmds: ['set can-use-hw-watchpoints 0', 'break main', 'break 33', 'continue', 'watch counter', ...c(2), 'break bump', 'delete 2', ...c(5), 'watch total', ...Array<string>(6).fill('next'), 'delete', 'next', 'next'],
    optimised: false,
  },
  {
    name: 'a software watchpoint disabled for two rounds and enabled again (its old value re-read), then deleted',
    cmds: ['set can-use-hw-watchpoints 0', 'break main', 'break 35', 'continue', 'watch counter', ...c(2), 'disable 3', ...c(2), 'enable 3', ...c(2), 'delete', 'continue'],
    optimised: false,
  },
  {
    name: 'more than the 4 debug registers: the resume is refused, then works once one is deleted',
    cmds: ['break main', 'continue', 'rwatch where.tag', 'watch wide', 'continue', 'info watchpoints', 'delete 2', ...c(3)],
    optimised: true,
    stderr: /^Warning:\nCould not insert hardware watchpoint 3\.\nCould not insert hardware breakpoints:\nYou may have requested too many hardware breakpoints\/watchpoints\.\n\nCommand aborted\.$/m,
  },
];

/** gdb's chatter about files it reads and where it attached is not an answer; process ids differ between runs. */
function answers(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^(Reading |warning: )/.test(l) && !/ in _start \(\) from /.test(l))
    .map((l) => l.replace(/\(process \d+\)/, '(process N)'));
}

for (const b of BUILDS) {
  for (const sc of SCENARIOS) {
    if (!sc.optimised && b.flags.includes('-O2')) continue;
    test(`[${b.label}] ${sc.name}: equal to gdb`, { timeout: 180_000 }, async () => {
      const exe = compileFixture(['watch/watch.c'], b.flags, 'watch');
      const ours = await runDuster(exe, sc.cmds, { timeoutMs: 120_000 });
      const gdb = await runGdbRemote(exe, sc.cmds);
      const mine = answers(ours.stdout);
      const theirs = answers(gdb);
      // The scenario must really have stopped on watchpoints (a run that ignored them would differ anyway).
      assert.ok(theirs.some((l) => /^(Hardware (read |access \(read\/write\) )?watchpoint|Watchpoint) \d+: /.test(l)), gdb);
      assert.deepEqual(mine, theirs);
      // Errors: the expected refusal, and gdb's answer to `continue` once the program has exited
      // (the -O2 build reaches its end sooner: fewer writes reach memory).
      let errors = ours.stderr;
      if (sc.stderr) {
        assert.match(errors, sc.stderr);
        errors = errors.replace(sc.stderr, '');
      }
      // A stop in libc (where a scope breakpoint lands once main returns) names a source file this machine lacks: gdb says so on stderr too.
      const expected = (l: string): boolean => l === 'The program is not being run.' || /^\d+\t\.\.\/\S+: No such file or directory\.$/.test(l);
      assert.deepEqual(errors.split('\n').filter((l) => l && !expected(l)), [], ours.stderr);
    });
  }
}
