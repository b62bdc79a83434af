// Test helper for duster-tui PROG: runs our CLI and gdb natively on the same program, normalises what differs by nature, lists leftover processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CLI } from '../helpers/build.js';

export interface Ran {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** duster-tui with `argv` (no --gdb: it starts the program itself). */
export function duster(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Ran {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', timeout: 120_000, cwd: opts.cwd, env: opts.env ?? process.env, input: opts.input ?? '' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** gdb -batch running the program natively (`gdb -batch -ex run --args PROG ARGS`). */
export function gdbNative(exe: string, commands: string[], args: string[] = [], input = '', env: NodeJS.ProcessEnv = process.env): Ran {
  const argv = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off'];
  for (const c of commands) argv.push('-ex', c);
  argv.push('--args', exe, ...args);
  const r = spawnSync('gdb', argv, { encoding: 'utf8', timeout: 120_000, input, env });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * What legitimately differs between two runs: process ids and gdb's libthread_db chatter. Stack
 * addresses are equal: the program gets gdb's LINES and COLUMNS, so its environment is the same size.
 */
export function normalise(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/libthread_db/.test(l))
    .map((l) => l.replace(/process \d+/g, 'process N'));
}

/** Processes (not zombies) whose command line mentions `needle`: what must not outlive duster-tui. */
export function processesMentioning(needle: string): string[] {
  const r = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l));
}

/** Polls until no process mentions `needle` (or the time is up); returns what is left. `ignore`: lines that may stay. */
export async function leftovers(needle: string, timeoutMs = 15_000, ignore?: RegExp): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const left = processesMentioning(needle).filter((l) => !ignore?.test(l));
    if (!left.length || Date.now() - t0 > timeoutMs) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** duster-tui in line mode on pipes, for typing commands (and program input) as the program runs. */
export class LineSession {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(argv: string[]) {
    this.child = spawn(process.execPath, [CLI, '--no-tui', ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  type(line: string): void {
    this.child.stdin!.write(line + '\n');
  }

  /** Waits until stdout matches `re`; fails with what was printed. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (!re.test(this.stdout)) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the exit (killing it after `timeoutMs`): the exit status, or null when it had to be killed. */
  async end(timeoutMs = 30_000): Promise<number | null | 'hung'> {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), timeoutMs)));
    const code = await Promise.race([this.exited, t]);
    clearTimeout(timer);
    if (code === 'hung') this.child.kill('SIGKILL');
    return code;
  }
}
