// Every way out restores the program: SIGTERM, SIGHUP, SIGINT then EOF, quit, and a crash in duster-tui itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';

const TICKER = compileFixture(['core/ticker.c'], ['-g', '-O0', '-no-pie'], 'ticker');

/**
 * Starts duster-tui in line mode on the ticker with a breakpoint that is hit every round (its condition
 * is never true, so the program keeps running with the patch in place), lets it run, then ends the
 * debugger with `finish`. The program must still print the right total and exit 0.
 */
async function endMidRun(strategy: 'trap' | 'spin', how: (child: ReturnType<typeof spawn>, stopped: () => Promise<void>) => void, expectCode: number | 'any') {
  const gs = await startGdbserver(TICKER);
  const programEnded = new Promise((r) => gs.proc.stdout!.once('end', r));
  try {
    const child = spawn(process.execPath, [CLI, '--path', TICKER, '--gdb', `${gs.host}:${gs.port}`, '--no-tui', '--breakpoints', strategy, '-ex', 'break work if i == 1000', ], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    for (let t0 = Date.now(); !out.includes('Breakpoint 1 at') && Date.now() - t0 < 20_000; ) await new Promise((r) => setTimeout(r, 20));
    child.stdin!.write('continue\n');
    // Let it run a few rounds with the breakpoint planted and hit (and auto-continued) each round.
    await new Promise((r) => setTimeout(r, 400));
    // Resolves once duster-tui reports the interrupt (the program is stopped, the prompt is back).
    const stopped = async () => {
      for (let t0 = Date.now(); !out.includes('SIGINT, Interrupt') && Date.now() - t0 < 20_000; ) await new Promise((r) => setTimeout(r, 20));
    };
    how(child, stopped);
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    assert.notEqual(code, 'timeout', `duster-tui did not exit\n${out}\n${err}`);
    if (expectCode !== 'any') assert.equal(code, expectCode, `${out}\n${err}`);
    const gsCode = await Promise.race([gs.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    // After a detach the program runs on without gdbserver: its output ends when it exits.
    await Promise.race([programEnded, new Promise((r) => setTimeout(r, 20_000))]);
    assert.equal(gs.stdout, 'total = 435\n', `program output; duster said:\n${out}\n${err}\ngdbserver:\n${gs.log}`);
    assert.equal(gsCode, 0, gs.log);
    assert.doesNotMatch(err, /at .*\.js:\d+/, 'no stack trace');
  } finally {
    await gs.stop();
  }
}

for (const strategy of ['trap', 'spin'] as const) {
  test(`[${strategy}] SIGTERM mid-run: breakpoints restored, the program finishes normally`, () => endMidRun(strategy, (c) => c.kill('SIGTERM'), 143));
  test(`[${strategy}] SIGHUP (a dropped SSH session) mid-run: the program finishes normally`, () => endMidRun(strategy, (c) => c.kill('SIGHUP'), 129));
  test(`[${strategy}] SIGINT interrupts the program; end of input then detaches and it finishes normally`, () =>
    endMidRun(strategy, (c, stopped) => {
      c.kill('SIGINT');
      void stopped().then(() => c.stdin!.end('info breakpoints\n'));
    }, 0));
  test(`[${strategy}] quit while stopped at a breakpoint: the program finishes normally`, () =>
    endMidRun(strategy, (c, stopped) => {
      c.kill('SIGINT');
      void stopped().then(() => c.stdin!.end('quit\n'));
    }, 0));
  test(`[${strategy}] an internal error in duster-tui still restores the program`, () =>
    endMidRun(strategy, (c, stopped) => {
      c.kill('SIGINT');
      void stopped().then(() => c.stdin!.write('maint crash\n'));
    }, 1));
}
