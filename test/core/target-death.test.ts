// Target death shown and survived: the program exits or dies mid-command, gdbserver is SIGKILLed mid-continue / mid-step.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';
import { startGdbserver } from '../helpers/gdbserver.js';

// The fixture's exit() is not main's last instruction: `next` over a noreturn call that ends a function
// plants its return breakpoint in the next function (_fini) and misreports the exit (a stepping bug of its own).
const PROG = compileFixture(['death/death.c'], ['-g', '-O0', '-no-pie'], 'death');

/** gdb against a fresh gdbserver running PROG with `how`: stdout and stderr together, in gdb's order. */
async function gdbRemote(how: string, commands: string[]): Promise<string> {
  const gs = await startGdbserver(PROG, [how]);
  try {
    const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set style enabled off', '-ex', `target remote ${gs.host}:${gs.port}`];
    for (const c of commands) args.push('-ex', c);
    const r = spawnSync('sh', ['-c', 'exec gdb "$@" 2>&1', 'gdb', ...args, PROG], { encoding: 'utf8', timeout: 60_000 });
    return r.stdout;
  } finally {
    await gs.stop();
  }
}

/** The lines that tell how the target ended and what later commands answered (both debuggers print them). */
function endingLines(text: string): string[] {
  const wanted = /^(Remote connection closed|Remote communication error\.  Target disconnected: .*|The program is not being run\.|Program received signal .*|Program terminated with signal .*|The program no longer exists\.|\[Inferior 1 \(process \d+\) exited .*\])$/;
  // gdb says "Remote connection closed" at end of file, "Remote communication error ..." when the socket is reset first.
  return text.split('\n').filter((l) => wanted.test(l)).map((l) => l.replace(/process \d+/, 'process N').replace(/^Remote communication error.*/, 'Remote connection closed'));
}

const AFTER = ['continue', 'next', 'stepi', 'finish'];

for (const strategy of ['trap', 'spin'] as const) {
  test(`[${strategy}] gdbserver SIGKILLed mid-continue: "Remote connection closed" once, then "The program is not being run."`, async () => {
    const r = await runDuster(PROG, ['continue', ...AFTER], { strategy, args: ['kill-debugger'] });
    const ours = r.stdout + r.stderr;
    assert.doesNotMatch(ours, /internal error/, ours);
    const gdb = await gdbRemote('kill-debugger', ['continue', ...AFTER]);
    assert.deepEqual(endingLines(ours), endingLines(gdb), `ours:\n${ours}\ngdb:\n${gdb}`);
    assert.deepEqual(endingLines(ours), ['Remote connection closed', ...AFTER.map(() => 'The program is not being run.')]);
    assert.equal(r.code, 1, 'the last command failed, as in gdb -batch');
  });

  test(`[${strategy}] gdbserver SIGKILLed mid-step (next over the kill)`, async () => {
    const cmds = ['break 13', 'continue', 'next', 'next', 'continue'];
    const r = await runDuster(PROG, cmds, { strategy, args: ['kill-debugger'] });
    const ours = r.stdout + r.stderr;
    assert.doesNotMatch(ours, /internal error/, ours);
    assert.match(r.stdout, /Breakpoint 1, main \(argc=2, argv=0x[0-9a-f]+\) at .*death\.c:13\n/);
    assert.deepEqual(endingLines(ours), ['Remote connection closed', 'The program is not being run.', 'The program is not being run.'], ours);
  });

  test(`[${strategy}] the program exits mid-step; later commands are refused; run starts it again`, async () => {
    const cmds = ['break 19', 'continue', 'next', 'next', 'continue', 'run', 'next', 'next'];
    const r = await runDuster(PROG, cmds, { strategy, args: ['exit'] });
    const ours = r.stdout + r.stderr;
    assert.doesNotMatch(ours, /internal error/, ours);
    const gdb = await gdbRemote('exit', cmds.slice(0, 5));
    assert.deepEqual(endingLines(gdb), ['[Inferior 1 (process N) exited with code 03]', 'The program is not being run.'], gdb);
    // Exits are reported on stdout, refusals on stderr (as gdb does): each stream in its order.
    assert.deepEqual(endingLines(r.stdout), ['[Inferior 1 (process N) exited with code 03]', '[Inferior 1 (process N) exited with code 03]'], ours);
    assert.deepEqual(endingLines(r.stderr), ['The program is not being run.'], ours);
    // Not running, so gdb's `run` asks nothing: the new process stops at the breakpoint.
    assert.match(r.stdout, /exited with code 03\]\n\nBreakpoint 1, main \(argc=1, /, 'run stopped at the breakpoint again');
  });

  test(`[${strategy}] after SIGSEGV, continue passes the signal and the program dies of it, as in gdb`, async () => {
    const cmds = ['continue', 'continue', 'continue', 'info registers rip'];
    const r = await runDuster(PROG, cmds, { strategy, args: ['segv'] });
    const ours = r.stdout + r.stderr;
    assert.doesNotMatch(ours, /internal error/, ours);
    const gdb = await gdbRemote('segv', cmds.slice(0, 3));
    assert.deepEqual(endingLines(ours).slice(0, 4), endingLines(gdb), `ours:\n${ours}\ngdb:\n${gdb}`);
    assert.deepEqual(endingLines(ours).slice(0, 3), [
      'Program received signal SIGSEGV, Segmentation fault.',
      'Program terminated with signal SIGSEGV, Segmentation fault.', 'The program no longer exists.',
    ]);
    assert.match(r.stdout, /\nProgram terminated with signal SIGSEGV, Segmentation fault\.\nThe program no longer exists\.\n/);
  });
}

test('a --path that is not the program gdbserver runs: warned at start, breakpoints refused unless forced', async () => {
  const other = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
  const gs = await startGdbserver(PROG, ['exit']);
  try {
    const r = spawnSync(process.execPath, [CLI, '--path', other, '--gdb', `${gs.host}:${gs.port}`, '--batch', '-ex', 'break main', '-ex', 'info breakpoints', '-ex', 'set exec-file-mismatch off', '-ex', 'break main'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stderr, new RegExp(`^warning: Mismatch between current exec-file ${other} and the program the target runs \\(their build-id differs\\)\\n`), r.stderr);
    assert.match(r.stderr, /\nNot planting a breakpoint: Mismatch between current exec-file .*; "set exec-file-mismatch off" plants it anyway\.\n/);
    assert.match(r.stdout, /^No breakpoints or watchpoints\.\nBreakpoint 1 at 0x[0-9a-f]+: file kernel\.c, line \d+\.\n$/, r.stdout);
    assert.doesNotMatch(r.stderr, /internal error/);
  } finally {
    await gs.stop();
  }
  // The matching image: no warning (every other test here plants breakpoints in it).
  const same = await runDuster(PROG, ['break main'], { args: ['exit'] });
  assert.doesNotMatch(same.stderr, /Mismatch/, same.stderr);
});
