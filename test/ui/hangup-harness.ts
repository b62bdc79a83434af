// Test helper: the real duster-tui in tmux on a program under gdbserver; drop its terminal (kill-session) or signal it, then check how it left the program.
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, compileFixture } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { openElf } from '../../src/elf/elf.js';
import { Tmux } from './tmux.js';
import assert from 'node:assert/strict';

export type Strategy = 'trap' | 'spin';
export type Mode = 'tui' | 'line';

/** The looping fixture (non-PIE: its text sits at the addresses the file gives, before ld.so runs). */
export function looper(): string {
  return compileFixture(['lifecycle/looper.c'], ['-g', '-O0', '-no-pie'], 'looper');
}

/** Whether `pid` is gone or a zombie (a dead process whose parent has not reaped it yet). */
export function processEnded(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The process state letter (R, S, t = traced stop, T = stopped), undefined once gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Addresses in the executable's .text whose byte in the running process differs from the file (a patch left behind). */
export function patchedBytes(exe: string, pid: number): bigint[] {
  const elf = openElf(exe);
  const text = elf.sections.find((s) => s.name === '.text');
  if (!text) throw new Error(`${exe}: no .text`);
  const file = elf.bytes.subarray(text.offset, text.offset + text.size);
  const live = Buffer.alloc(text.size);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    readSync(fd, live, 0, text.size, Number(text.addr));
  } finally {
    closeSync(fd);
  }
  const diff: bigint[] = [];
  for (let i = 0; i < text.size; i++) if (live[i] !== file[i]) diff.push(text.addr + BigInt(i));
  return diff;
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One duster-tui in a tmux pane on the looper under gdbserver. */
export class HangupRun {
  private inCommandLine = false;

  private constructor(
    readonly exe: string,
    readonly gs: GdbserverHandle,
    readonly tmux: Tmux,
    readonly dir: string,
    readonly dusterPid: number,
    readonly programPid: number,
    readonly mode: Mode,
  ) {}

  static async start(mode: Mode, strategy: Strategy, extra: string[] = []): Promise<HangupRun> {
    const exe = looper();
    const gs = await startGdbserver(exe);
    const dir = mkdtempSync(join(tmpdir(), 'duster-hangup-'));
    const programPid = Number(/pid = (\d+)/.exec(gs.log)?.[1]);
    const argv = [process.execPath, CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--breakpoints', strategy, ...(mode === 'line' ? ['--no-tui'] : []), ...extra];
    // The shell records the pid it then becomes (exec): that is duster-tui's. stderr goes to a file, the rest to the pane.
    const command = `sh -c 'echo $$ > ${dir}/pid; exec ${argv.join(' ')} 2> ${dir}/stderr'`;
    const env = { TERM: 'tmux-256color', XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir };
    const tmux = Tmux.start(command, { cols: 120, rows: 40, env });
    let pid = 0;
    await until(() => (pid = Number(readText(`${dir}/pid`).trim())) > 0, 10_000, 'duster-tui to start');
    const run = new HangupRun(exe, gs, tmux, dir, pid, programPid, mode);
    await tmux.waitFor(mode === 'tui' ? /F5 cont/ : /^\(duster\)/m, 20_000, 'the first prompt');
    return run;
  }

  /** Runs a debugger command: typed at the prompt (line mode) or after ':' (TUI). */
  async command(text: string, expect: RegExp): Promise<string> {
    // ':' focuses the TUI's command line, which stays focused after Enter.
    if (this.mode === 'tui' && !this.inCommandLine) this.tmux.keys(':');
    this.inCommandLine = true;
    this.tmux.type(text);
    this.tmux.keys('Enter');
    return this.tmux.waitFor(expect, 20_000, `${text} -> ${expect}`);
  }

  /** Stopped at a breakpoint, with another planted that is never hit. */
  async stopAtBreakpoint(): Promise<void> {
    await this.command('break never', /Breakpoint 1 at/);
    await this.command('break tick', /Breakpoint 2 at/);
    await this.command('continue', /Breakpoint 2, tick/);
  }

  /** Running, with a breakpoint planted that is never hit. */
  async runWithBreakpoint(): Promise<void> {
    await this.command('break never', /Breakpoint 1 at/);
    const ticks = this.gs.stdout.length;
    await this.command('continue', this.mode === 'tui' ? /RUNNING/ : /Continuing\./);
    await until(() => this.gs.stdout.length > ticks, 10_000, 'the program to print while running');
  }

  /** Closes the terminal as tmux or sshd does; returns how long duster-tui took to exit (ms). */
  async hangUp(): Promise<number> {
    const t0 = Date.now();
    this.tmux.kill();
    await until(() => processEnded(this.dusterPid), 10_000, 'duster-tui to exit');
    return Date.now() - t0;
  }

  /** Sends duster-tui a signal; returns how long it took to exit (ms). */
  async signal(sig: NodeJS.Signals): Promise<number> {
    const t0 = Date.now();
    process.kill(this.dusterPid, sig);
    await until(() => processEnded(this.dusterPid), 10_000, `duster-tui to exit after ${sig}`);
    return Date.now() - t0;
  }

  get stderr(): string {
    return readText(`${this.dir}/stderr`);
  }

  /** Waits for the program to print `lines` more lines after now (it runs on, not stopped or killed). */
  async programRunsOn(lines = 2): Promise<void> {
    const before = this.gs.stdout.split('\n').length;
    await until(() => this.gs.stdout.split('\n').length >= before + lines, 10_000, 'the program to print on');
  }

  async cleanup(): Promise<void> {
    this.tmux.kill();
    try {
      process.kill(this.dusterPid, 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      process.kill(this.programPid, 'SIGKILL'); // detached: it would run its minute out
    } catch {
      // already gone
    }
    await this.gs.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The whole contract of a hang-up, checked the same way for the TUI and line mode. */
export async function checkHangup(mode: Mode, strategy: Strategy, when: 'running' | 'stopped'): Promise<void> {
  const run = await HangupRun.start(mode, strategy);
  try {
    if (when === 'running') await run.runWithBreakpoint();
    else await run.stopAtBreakpoint();
    const ms = await run.hangUp();
    assert.ok(ms < 2000, `duster-tui took ${ms} ms to exit`);
    // gdbserver logs the detach before it answers OK, but its stderr reaches us through a pipe that may be read after
    // duster-tui's exit was seen: wait for the line briefly instead of racing it.
    await until(() => /Detaching from process/.test(run.gs.log), 2000, `gdbserver to log the detach:\n${run.gs.log}`);
    assert.equal(run.stderr, 'duster-tui: the terminal hung up; every patch restored, detached.\n', 'stderr holds the one-line summary only (no internal error, no Node assertion)');
    await run.programRunsOn();
    assert.deepEqual(patchedBytes(run.exe, run.programPid), [], 'no patched byte left in the program');
  } finally {
    await run.cleanup();
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** What the debugger is doing when it is killed. */
export type Activity = 'running' | 'stepping' | 'stopped' | 'printing';
const EXIT_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface KillPoint {
  mode: Mode;
  strategy: Strategy;
  activity: Activity;
  signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP';
  /** ms between starting the activity and the signal. */
  delayMs: number;
}

export interface KillResult extends KillPoint {
  exitMs: number;
  exitCode: number | undefined;
  patched: number;
  runsOn: boolean;
  stderr: string;
}

/** Kills duster-tui at one point of a session and reports how it left the program. */
export async function killAt(p: KillPoint): Promise<KillResult> {
  const run = await HangupRun.start(p.mode, p.strategy);
  try {
    await run.command('break never', /Breakpoint 1 at/);
    await run.command('break tick', /Breakpoint 2 at/);
    if (p.activity !== 'running') await run.command('continue', /Breakpoint 2, tick/);
    // Start the activity without waiting for it to finish: the signal lands in the middle of it.
    const start = (text: string): void => {
      run.tmux.type(text);
      run.tmux.keys('Enter');
    };
    if (p.activity === 'running') {
      start('delete 2');
      start('continue');
    } else if (p.activity === 'stepping') for (let i = 0; i < 5; i++) start('next');
    else if (p.activity === 'printing') start('print records');
    await new Promise((r) => setTimeout(r, p.delayMs));
    const exitMs = await run.signal(p.signal);
    const screen = await run.tmux.waitFor(/\[exit \d+\]/, 5000, 'the exit status').catch(() => '');
    const exitCode = Number(/\[exit (\d+)\]/.exec(screen)?.[1] ?? NaN);
    const runsOn = await run.programRunsOn().then(() => true, () => false);
    return { ...p, exitMs, exitCode: Number.isNaN(exitCode) ? undefined : exitCode, patched: patchedBytes(run.exe, run.programPid).length, runsOn, stderr: run.stderr };
  } finally {
    await run.cleanup();
  }
}

/** Whether a kill point ended as it must: the expected status, nothing patched, the program running on. */
export function killProblems(r: KillResult): string[] {
  const problems: string[] = [];
  if (r.exitCode !== EXIT_CODES[r.signal]) problems.push(`exit status ${r.exitCode}, expected ${EXIT_CODES[r.signal]}`);
  if (r.patched) problems.push(`${r.patched} byte(s) left patched`);
  if (!r.runsOn) problems.push('the program did not run on');
  if (/internal error|Assertion|at .*\.js:\d+/.test(r.stderr)) problems.push(`stderr: ${r.stderr.trim()}`);
  if (r.exitMs > 2000) problems.push(`exit took ${r.exitMs} ms`);
  return problems;
}

const FKEYS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'S-F11', 'S-F3', 'Tab', 'BTab', 'Up', 'Down', 'Left', 'Right', 'PageUp', 'PageDown', 'Home', 'End', 'Enter', 'Escape', 'BSpace', 'DC', 'C-c', 'C-l', 'C-d', 'C-u', 'Space'];
/** Raw escape sequences, valid, truncated and unknown ones, as a terminal or a noisy link sends them. */
const SEQUENCES = ['\x1b[A', '\x1b[1;5C', '\x1b[200~', '\x1b[201~', '\x1b[15~', '\x1b[24;2~', '\x1bO', '\x1b[', '\x1b[999;999R', '\x1b[<0;10;5M', '\x1b]0;title\x07', '\x1b\x1b\x1b', '\x1b[?1049h'];
/** Printable keys without k, q and r: typed at the prompt alone they kill, quit or restart (the test is about input, not those commands). */
const TEXT = 'abcdefghijlmnopstuvwxyzABCDEFGHIJLMNOPSTUVWXYZ0123456789 .,;/*()[]{}<>=+-_!@#$%^&~|"\'`?:';

/** Sends random keys for `ms`: tmux key names, raw escape sequences and paste bursts. Returns how many were sent. */
export async function randomKeys(tmux: Tmux, ms: number, rand: () => number): Promise<number> {
  const t0 = Date.now();
  let sent = 0;
  const text = (n: number): string => Array.from({ length: n }, () => TEXT[Math.floor(rand() * TEXT.length)]).join('');
  while (Date.now() - t0 < ms) {
    const kind = rand();
    if (kind < 0.45) {
      tmux.keys(FKEYS[Math.floor(rand() * FKEYS.length)]!);
      sent++;
    } else if (kind < 0.7) {
      tmux.type(text(1 + Math.floor(rand() * 4)));
      sent++;
    } else if (kind < 0.85) {
      tmux.type(SEQUENCES[Math.floor(rand() * SEQUENCES.length)]!);
      sent++;
    } else {
      // A paste burst: a few hundred characters at once, sometimes bracketed.
      const burst = text(100 + Math.floor(rand() * 400));
      tmux.type(rand() < 0.5 ? `\x1b[200~${burst}\x1b[201~` : burst);
      sent += burst.length;
    }
    if (rand() < 0.2) await new Promise((r) => setTimeout(r, 5));
  }
  return sent;
}

/** Resizes the pane `n` times to random sizes (from 20x5 to 250x80). */
export function randomResizes(tmux: Tmux, n: number, rand: () => number): void {
  for (let i = 0; i < n; i++) tmux.resize(20 + Math.floor(rand() * 230), 5 + Math.floor(rand() * 75));
}

/** Leaves whatever the keys left open (command line, help, a question) and quits with q y; the exit status. */
export async function quitTui(run: HangupRun): Promise<number> {
  run.tmux.resize(120, 40);
  for (let attempt = 0; attempt < 5; attempt++) {
    run.tmux.keys('C-u', 'Escape', 'Escape', 'Escape');
    await new Promise((r) => setTimeout(r, 300));
    run.tmux.keys('q');
    await new Promise((r) => setTimeout(r, 300));
    run.tmux.keys('y');
    const screen = await run.tmux.waitFor(/\[exit \d+\]/, 3000, 'the exit').catch(() => undefined);
    if (screen) return Number(/\[exit (\d+)\]/.exec(screen)![1]);
  }
  throw new Error(`q y did not quit; screen:\n${run.tmux.text()}`);
}

/** A small seeded generator (mulberry32), so a failing stress run can be repeated. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
