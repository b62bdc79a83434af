// Programs that get signals, under a real gdbserver, side by side with gdb over the same gdbserver: a 1 ms SIGALRM
// timer, programs that fork and vfork (SIGCHLD), SIGUSR1 with `handle` changed; and QPassSignals honoured by gdbserver.
// Built the default way (PIE, libc.so, -O0) and -O2 -no-pie (unikernels are linked without PIE).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { x86_64 } from '../../src/arch/arch.js';
import { PatchTable } from '../../src/core/patches.js';
import { RunControl } from '../../src/core/run-control.js';
import { TRAP } from '../../src/core/strategy.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';
import { startGdbserver } from '../helpers/gdbserver.js';

const BUILDS = [
  { label: '-O2 -no-pie', flags: ['-g', '-O2', '-no-pie'] },
  { label: 'default (PIE)', flags: ['-g'] },
];

/**
 * What both debuggers said, line by line, minus what only gdb prints because it reads the shared
 * libraries (covered elsewhere): "Reading ...", the stop in ld.so at attach. File paths are reduced
 * to their base name, pids to N, entry values to the value.
 */
function answers(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Reading |^0x[0-9a-f]+ in _start \(\) from |^warning: /.test(l))
    .map((l) => l.replace(/ at (?:\S+\/)?([^/\s]+:\d+)$/, ' at $1').replace(/process \d+/, 'process N')
        // gdb shows entry values of optimised code (n=n@entry=1000); we show the values alone (as test/cli/core-file.test.ts).
        .replace(/(\w+)=\1@entry=/g, '$1=').replace(/^(Breakpoint \d+ at 0x[0-9a-f]+: file )\S+\/([^/]+,)/, '$1$2'));
}

async function sideBySide(exe: string, commands: string[], strategy?: 'spin'): Promise<void> {
  const ours = await runDuster(exe, commands, { timeoutMs: 240_000, ...(strategy ? { strategy } : {}) });
  const gdb = await runGdbRemote(exe, commands);
  assert.equal(ours.stderr, '', ours.stdout);
  assert.deepEqual(answers(ours.stdout), answers(gdb), `duster-tui:\n${ours.stdout}\ngdb:\n${gdb}`);
}

const NEXT = (n: number) => Array.from({ length: n }, () => 'next');

for (const b of BUILDS) {
  const alarm = compileFixture(['signals/alarm.c'], b.flags, `signals-alarm${b.flags.join('')}`);
  const fork = compileFixture(['signals/fork.c'], b.flags, `signals-fork${b.flags.join('')}`);
  const usr1 = compileFixture(['signals/usr1.c'], b.flags, `signals-usr1${b.flags.join('')}`);
  const vfork = compileFixture(['signals/vfork.c'], b.flags, `signals-vfork${b.flags.join('')}`);
  const handler = compileFixture(['signals/handler.c'], b.flags, `signals-handler${b.flags.join('')}`);
  const restorer = compileFixture(['signals/handler.c'], [...b.flags, '-DOWN_RESTORER'], `signals-restorer${b.flags.join('')}`);
  // Long step sequences only at -O0: at -O2 gdb also steps into libc (it has its debug info), which is
  // the shared-library work's to compare.
  const O0 = !b.flags.includes('-O2');

  if (O0) test(`${b.label}: a 1 ms SIGALRM timer: next, step, finish and continue as gdb (no stop in the handler, none for the signal)`, { timeout: 600_000 }, async () => {
    await sideBySide(alarm, ['break main', 'continue', ...NEXT(8), 'step', ...NEXT(5), 'finish', ...NEXT(3), 'step', ...NEXT(2), 'finish', ...NEXT(3), 'print ticks > 0', 'continue']);
  });

  test(`${b.label}: SIGALRM made to stop: reported as gdb reports it; next/step from there enter the handler, step out of it returns to the interrupted line`, { timeout: 600_000 }, async () => {
    // At -O2 gdb's bt shows n's entry value where we say <optimized out> (entry values are not ours yet).
    await sideBySide(alarm, ['break work', 'continue', 'delete', 'handle SIGALRM stop print', 'next', 'next', 'continue', 'info signals SIGALRM', 'handle SIGALRM nostop noprint', 'step', 'step', 'step', 'step', 'next', 'next', ...(O0 ? ['bt'] : []), 'continue']);
  });

  if (O0) test(`${b.label}, spin breakpoints: a 1 ms SIGALRM timer: next, step, finish as gdb (signals during planted-successor steps)`, { timeout: 600_000 }, async () => {
    await sideBySide(alarm, ['break main', 'continue', ...NEXT(8), 'step', ...NEXT(5), 'finish', ...NEXT(3), 'print ticks > 0', 'continue'], 'spin');
  });

  if (O0) test(`${b.label}: a program that forks: next over fork and waitpid, step into the forking function, finish, continue as gdb`, { timeout: 600_000 }, async () => {
    await sideBySide(fork, ['break main', 'continue', 'next', 'step', ...NEXT(5), 'finish', ...NEXT(4), 'step', 'next', 'next', 'next', 'continue']);
  });

  test(`${b.label}: a forked child runs through code with breakpoints in it and lives (cleaned before it runs), as under gdb`, { timeout: 600_000 }, async () => {
    await sideBySide(fork, ['break child_work', 'break 23', 'continue', 'continue', 'continue', 'continue']);
  });

  test(`${b.label}: a program that vforks: the child runs through a function with a breakpoint and lives, the parent stops there again after, as gdb`, { timeout: 600_000 }, async () => {
    await sideBySide(vfork, ['break helper', 'continue', 'continue', 'continue']);
  });

  if (O0) test(`${b.label}: next over vfork() (the child returns through the same return address) as gdb`, { timeout: 600_000 }, async () => {
    await sideBySide(vfork, ['break main', 'continue', ...NEXT(7), 'continue']);
  });

  for (const handle of ['SIGUSR1 nostop', 'SIGUSR1 nostop noprint', 'SIGUSR1 nostop nopass', 'SIGUSR1 nostop noprint nopass']) {
    test(`${b.label}: handle ${handle}: next over raise(SIGUSR1) and continue to the exit as gdb`, { timeout: 600_000 }, async () => {
      // SIGUSR2 is ignored by the program, but the kernel still reports it to a debugger: kept quiet here
      // (stopping in libc is the shared-library work's to compare).
      await sideBySide(usr1, ['break 19', 'continue', `handle ${handle}`, 'handle SIGUSR2 nostop noprint', 'next', 'next', 'next', 'print got', 'continue']);
    });
  }

  // Inside a handler the stack goes through the sigreturn trampoline: glibc's __restore_rt (CFI with the 'S'
  // augmentation), and one of the program's own without CFI (SA_RESTORER, as musl and unikernels), unwound from
  // the ucontext on the stack. The signal interrupts divide() at its idiv: that frame's pc is exact.
  const IN_HANDLER = ['handle SIGFPE nostop noprint', 'break on_fpe', 'continue', 'bt', 'info frame', 'up', 'info frame', 'up', 'info frame',
    'print d', 'print n', 'frame 0', 'finish', 'bt', 'info frame', 'up', 'info frame', 'print d'];
  test(`${b.label}: bt, up, info frame and finish in a signal handler as gdb ("<signal handler called>", glibc's trampoline)`, { timeout: 600_000 }, async () => {
    await sideBySide(handler, IN_HANDLER);
  });

  test(`${b.label}: bt, up, info frame and finish through a trampoline without CFI (the ucontext on the stack) as gdb`, { timeout: 600_000 }, async () => {
    await sideBySide(restorer, IN_HANDLER);
  });

  test(`${b.label}: gdbserver honours QPassSignals: a timer program runs to its end without one signal stop (and with many when not told)`, { timeout: 240_000 }, async () => {
    const signalStops = async (tellTarget: boolean): Promise<number> => {
      const gs = await startGdbserver(alarm);
      try {
        const target = await GdbRemoteTarget.connect(gs.host, gs.port);
        if (!tellTarget) Object.defineProperty(target, 'setPassSignals', { value: undefined });
        let stops = 0;
        const wait = target.waitForStop.bind(target);
        target.waitForStop = async () => {
          const ev = await wait();
          if (ev.reason.kind === 'signal') stops++;
          return ev;
        };
        const run = new RunControl(target, new PatchTable(target), TRAP, x86_64.stepper);
        const end = await run.continueAll((await target.listVcpus())[0]!.id);
        assert.deepEqual(end, { kind: 'exited', code: 0 }, 'the program saw its ticks and ended well');
        target.close();
        return stops;
      } finally {
        await gs.stop();
      }
    };
    assert.equal(await signalStops(true), 0);
    assert.ok((await signalStops(false)) > 0, 'without QPassSignals gdbserver reports the ticks (and core passes them on)');
  });
}
