// Target death and kills on Xen: the domain destroyed, crashed or paused by another tool under duster-tui; SIGINT/SIGTERM/SIGHUP at random points; the terminal dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  CLI, assertGuestHealthy, consoleLog, createGuestCopy, domain, labEnv, patchedTextBytes, roundsStarted, sleep, startLineCli, waitFor, xl,
  type LineCli,
} from './lab.js';
import { random } from '../test/ui/hangup-harness.js';

const env = labEnv();
const GUEST = 'duster-xen-death';
const STRATEGIES = env.hypervisor === 'gdbsx' ? ['trap', 'spin'] as const : ['spin'] as const;
const KILLS_PER_STRATEGY = Number(process.env.DUSTER_XEN_KILLS ?? 6);
const SEED = Number(process.env.DUSTER_XEN_KILL_SEED ?? Date.now() % 100_000);

const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'g')) ?? []).length;

function assertNoInternalError(out: string): void {
  assert.doesNotMatch(out, /internal error|^\s+at .+:\d+:\d+\)?$/m, `no internal error or stack\n${out}`);
}

/** A new round printed on the guest's console: it runs (not paused by anyone). */
async function aRoundLater(what: string): Promise<void> {
  const before = roundsStarted(consoleLog(GUEST));
  await waitFor(`${what}: a new round`, () => roundsStarted(consoleLog(GUEST)) > before, 90_000);
}

/** Stops once in the loop (at tick), leaves a breakpoint the loop never reaches, and continues: the guest runs with a site planted. */
async function continueWithBreakpointPlanted(cli: LineCli): Promise<void> {
  cli.send('break tick', 'continue');
  await cli.waitOutput(/Breakpoint 1, tick \(round=0\)/, 'the stop at tick');
  cli.send('break factorial', 'delete 1', 'continue');
  await cli.waitOutput(/Breakpoint 2 at 0x/, 'breakpoint 2 planted');
  await aRoundLater('continuing');
}

/** After the target is gone: `next` and `continue` are refused in gdb's words, `quit` ends the session cleanly. */
async function refusesThenQuits(cli: LineCli, what: string): Promise<number> {
  const mark = cli.out().length;
  cli.send('next', 'continue');
  await cli.waitOutput(/The program is not being run\.\n[^]*The program is not being run\.\n/, `${what}: two refusals`, 30_000, mark);
  cli.send('quit');
  cli.child.stdin!.end();
  const t0 = Date.now();
  const r = await Promise.race([cli.exited, sleep(20_000).then(() => undefined)]);
  assert.ok(r, `${what}: exits on quit\n${cli.out()}`);
  assert.equal(r.code, 0, `${what}: exit status\n${r.out}`);
  assertNoInternalError(r.out);
  return r.at - t0;
}

async function withCli<T>(args: string[], body: (cli: LineCli) => Promise<T>): Promise<T> {
  const cli = startLineCli(GUEST, env.elfO0, args);
  try {
    return await body(cli);
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  }
}

test(`the domain destroyed mid-continue (${STRATEGIES[0]}): "The domain was destroyed" once, then "The program is not being run.", clean quit`, async () => {
  createGuestCopy(GUEST);
  await withCli([], async (cli) => {
    await continueWithBreakpointPlanted(cli);
    const t0 = Date.now();
    xl('destroy', GUEST);
    await cli.waitOutput(/The domain was destroyed/, 'the death reported');
    const seenMs = Date.now() - t0;
    const quitMs = await refusesThenQuits(cli, 'destroyed');
    assert.equal(count(cli.out(), /The domain was destroyed/), 1, cli.out());
    console.log(`# xen-death: destroyed mid-continue: reported after ${seenMs} ms, quit in ${quitMs} ms`);
  });
});

test('the domain crashing mid-continue: the end in gdb\'s words once, then "The program is not being run.", clean quit', async () => {
  createGuestCopy(GUEST);
  try {
    await withCli([], async (cli) => {
      cli.send('break tick', 'continue');
      await cli.waitOutput(/Breakpoint 1, tick \(round=0\)/, 'the stop at tick');
      // A PV guest with no trap table that jumps to 0 takes a #PF Xen cannot bounce: the domain crashes (on_crash="preserve").
      cli.send('break factorial', 'set var $pc = 0', 'continue');
      await cli.waitOutput(/Program terminated with signal SIGSEGV, Segmentation fault\.\nThe program no longer exists\./, 'the crash reported');
      await waitFor('the domain crashed', () => /c/.test(domain(GUEST)?.state ?? ''), 30_000);
      const quitMs = await refusesThenQuits(cli, 'crashed');
      assert.equal(count(cli.out(), /Program terminated with signal/), 1, cli.out());
      console.log(`# xen-death: crash reported, quit in ${quitMs} ms`);
    });
  } finally {
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});

test('the domain paused by another tool mid-continue: a stop, continue resumes it; then destroyed while running', async () => {
  createGuestCopy(GUEST);
  await withCli([], async (cli) => {
    await continueWithBreakpointPlanted(cli);
    const mark = cli.out().length;
    xl('pause', GUEST);
    await cli.waitOutput(/Program received signal SIGINT, Interrupt\./, 'the stop', 30_000, mark);
    assertNoInternalError(cli.out());
    cli.send('continue');
    await aRoundLater('continued after xl pause'); // the adopted pause was released
    xl('destroy', GUEST);
    await cli.waitOutput(/The domain was destroyed/, 'the death reported');
    await refusesThenQuits(cli, 'paused, then destroyed');
    assert.equal(count(cli.out(), /The domain was destroyed/), 1, cli.out());
  });
});

type Point = 'continue' | 'next' | 'stopped';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

for (const strategy of STRATEGIES) {
  test(`${KILLS_PER_STRATEGY} kills at random points (${strategy}, seed ${SEED}): 0 bytes left patched, the guest prints its rounds`, { timeout: 1_800_000 }, async () => {
    createGuestCopy(GUEST);
    xl('unpause', GUEST);
    await aRoundLater('started');
    const next = random(SEED + (strategy === 'trap' ? 1 : 0));
    const points: Point[] = ['continue', 'next', 'stopped'];
    const figures: string[] = [];
    for (let k = 0; k < KILLS_PER_STRATEGY; k++) {
      const point = points[k % points.length]!;
      const sig = SIGNALS[Math.floor(next() * SIGNALS.length)]!;
      const delayMs = Math.round(point === 'continue' ? 300 + next() * 4000 : point === 'next' ? next() * 400 : next() * 1000);
      const cli = startLineCli(GUEST, env.elfO0, ['--breakpoints', strategy]);
      try {
        cli.send('break kernel.c:84', 'continue');
        await cli.waitOutput(/Breakpoint 1, kernel_main \(\) at kernel\.c:84/, 'the stop at msleep');
        cli.send('break factorial', 'break sum_to');
        await cli.waitOutput(/Breakpoint 3 at 0x/, 'sites planted');
        // next over msleep(500) keeps the guest running (blocked in SCHEDOP_poll) for half a second
        if (point === 'continue') cli.send('delete 1', 'continue');
        if (point === 'next') cli.send('next');
        await sleep(delayMs);
        const mark = cli.out().length;
        let t0 = Date.now();
        cli.child.kill(sig);
        let r = await Promise.race([cli.exited, sleep(3000).then(() => undefined)]);
        let how: string = sig;
        // SIGINT without a terminal interrupts a running target, as Ctrl-C does; the session then ends at EOF
        if (!r && sig === 'SIGINT') {
          await cli.waitOutput(/Program received signal SIGINT|Breakpoint \d+, |\n\d+\t/, 'the interrupt reported', 10_000, mark);
          how = 'SIGINT (interrupt), EOF';
          t0 = Date.now();
          cli.child.stdin!.end();
          r = await Promise.race([cli.exited, sleep(10_000).then(() => undefined)]);
        }
        assert.ok(r, `kill ${k} (${sig} ${point} +${delayMs} ms): exited\n${cli.out()}`);
        assertNoInternalError(r.out);
        const exitMs = r.at - t0;
        const patched = patchedTextBytes(GUEST, env.elfO0);
        assert.equal(patched.count, 0, `kill ${k} (${sig} ${point}): bytes left patched at ${patched.addresses.map((a) => a.toString(16)).join(', ')}\n${r.out}`);
        assert.doesNotMatch(domain(GUEST)?.state ?? '', /p/, `kill ${k}: the guest is not left paused`);
        await aRoundLater(`kill ${k}`);
        figures.push(`${how} ${point} +${delayMs}ms: exit ${r.code ?? r.signal} in ${exitMs} ms, ${patched.count} bytes patched`);
      } finally {
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      }
    }
    console.log(`# xen-death kills (${strategy}, seed ${SEED}):\n# ${figures.join('\n# ')}`);
    await assertGuestHealthy(GUEST, env.elfO0, `after ${KILLS_PER_STRATEGY} kills (${strategy})`, []);
  });
}

const scriptAvailable = existsSync('/usr/bin/script') && existsSync('/usr/bin/setsid');
for (const strategy of STRATEGIES) {
  test(`the terminal dropped while continuing in the TUI (${strategy}): exit within 2 s, guest unpatched`, { skip: scriptAvailable ? false : 'no tmux and no script(1) in dom0' }, async () => {
    createGuestCopy(GUEST);
    const command = [process.execPath, CLI, '--domain', GUEST, '--path', env.elfO0, '--breakpoints', strategy,
      '-ex', "'break kernel.c:84'", '-ex', 'continue', '-ex', "'break factorial'", '-ex', "'break sum_to'", '-ex', "'delete 1'"].join(' ');
    // script(1) gives duster-tui a pty of its own (tmux is not in the dom0 image); killing script closes it, as tmux kill-session does
    const term = spawn('setsid', ['script', '-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm-256color' } });
    let screen = '';
    term.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    term.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    try {
      await waitFor('the -ex commands done', () => /Breakpoint 3 at 0x/.test(screen), 120_000);
      await waitFor('the TUI drawn (alternate screen)', () => screen.includes('\x1b[?1049h'), 60_000);
      const tui = Number(execFileSync('pgrep', ['-P', String(term.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
      assert.ok(tui > 0, 'the TUI process');
      await sleep(3000);
      term.stdin.write('\x1b[15~'); // F5: continue
      await aRoundLater('F5');
      const t0 = Date.now();
      term.kill('SIGKILL');
      await waitFor('duster-tui gone', () => !existsSync(`/proc/${tui}`), 30_000, 20);
      const exitMs = Date.now() - t0;
      const patched = patchedTextBytes(GUEST, env.elfO0);
      console.log(`# xen-death: terminal dropped (${strategy}): exit in ${exitMs} ms, ${patched.count} bytes patched`);
      assert.equal(patched.count, 0, `bytes left patched at ${patched.addresses.map((a) => a.toString(16)).join(', ')}`);
      assert.ok(exitMs <= 2000, `exit within 2 s (took ${exitMs} ms)`);
      await assertGuestHealthy(GUEST, env.elfO0, `terminal dropped (${strategy})`, []);
    } finally {
      if (term.exitCode === null && term.signalCode === null) term.kill('SIGKILL');
    }
  });
}

test('cleanup: the death test guest is destroyed', () => {
  try { xl('destroy', GUEST); } catch { /* already gone */ }
});
