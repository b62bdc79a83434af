// Starts the gdbserver of `duster-tui PROG` / `run`: a loopback port it picks itself, the program's stdio on a pseudo-terminal of ours.
//
// How (measured with gdbserver 13.1, util-linux 2.38, on this project's test machine):
// - Channel: `gdbserver --once 127.0.0.1:0` picks a free loopback port and says "Listening on port N"
//   on its stderr; --once closes the listening socket at our connection, so nobody gets in after us.
//   The `stdio` transport would be more private, but there gdbserver gives the program's stdout and
//   stderr its own stderr, mixed with its messages ("Process ... created", "Remote debugging using
//   stdio"), block-buffered (isatty 0), and its stdin /dev/null.
// - A pseudo-terminal for the program: its printf to a pipe is block-buffered (nothing shows until
//   4 KiB or exit). gdbserver runs under `script -q -e -c CMD /dev/null` (bsdutils, Essential on
//   Debian), which relays the pty to our pipes: 20-40 ms from spawn to "Listening". python3's pty
//   module would do too, but is not always installed (and took 0.35 s just to start here).
// - gdbserver's own stderr ("Process ... created", "Listening on port", "Child exited") goes to fd 3,
//   a pipe of its own, so it is never shown as program output; a wrapper (gdbserver --wrapper) gives
//   the program's stderr the pty too, in order with its stdout.
// - The pty's echo and CR/LF mapping are off (input we forward is not output). gdbserver runs in a
//   session of its own without a controlling terminal (setsid): it puts the program in a process group
//   of its own, and a read from a controlling tty there would stop it with SIGTTIN.
// - Our child gets its own process group (detached), so a Ctrl-C at our terminal is ours, not its.
// Without `script`, the same command runs under sh with pipes (output then comes in blocks).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UserError } from '../util/errors.js';

const LISTEN_TIMEOUT_MS = 15_000;
/** After a stop, wait for the program's output to go quiet this long (it travels a slower path than the stop reply) ... */
const QUIET_MS = 15;
/** ... but never longer than this. */
const SETTLE_MAX_MS = 250;
/** How long gdbserver gets to end by itself after we hang up, before it is killed. */
const STOP_GRACE_MS = 1000;

export interface SpawnedGdbserver {
  host: string;
  port: number;
  /** gdbserver's pid (the shell script runs it with exec). */
  pid: number | undefined;
  /** The program's output (stdout and stderr, in order) goes to `sink`; what came before is replayed. */
  onOutput(sink: (text: string) => void): void;
  /** Text for the program's stdin (a line typed while it runs). */
  writeInput(text: string): void;
  /** Resolves once the program's output has been quiet for a moment (so it is shown before a stop report). */
  settle(minMs?: number): Promise<void>;
  /** Waits a moment for gdbserver to end, then kills it (and with it the program it started) and `script`. Never throws. */
  stop(): Promise<void>;
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The full path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * gdb's program finds LINES and COLUMNS in its environment (gdb's screen size: the terminal's, else
 * 24 x 80); so does ours, so that the stack, and every address on it, is where it is under gdb.
 */
function gdbScreenSize(): { LINES: string; COLUMNS: string } {
  const tty = process.stdout.isTTY ? process.stdout : undefined;
  return { LINES: process.env.LINES ?? String(tty?.rows ?? 24), COLUMNS: process.env.COLUMNS ?? String(tty?.columns ?? 80) };
}

/** The wrapper gdbserver execs the program through (see the top of this file). */
function writeWrapper(dir: string, ourStdin: boolean): string {
  const path = join(dir, 'wrapper.sh');
  writeFileSync(path, `#!/bin/sh\nexec "$@" 2>&1${ourStdin ? ' <&4 4<&-' : ''}\n`);
  chmodSync(path, 0o700);
  return path;
}

/**
 * Starts gdbserver on `program` with `args`; resolves when it listens. `ourStdin`: the program reads
 * our stdin (not the pty; at its end the program sees end-of-file, as under gdb -batch). Fails with a UserError naming
 * gdbserver's last words when it exits first (it could not start the program).
 */
export function spawnGdbserver(program: string, args: string[], opts: { cwd?: string; ourStdin?: boolean } = {}): Promise<SpawnedGdbserver> {
  const gdbserver = findOnPath('gdbserver');
  if (!gdbserver) throw new UserError('gdbserver not found on PATH: install it (Debian: apt-get install gdbserver) to run programs, or connect to one with --gdb HOST:PORT.');
  const dir = mkdtempSync(join(tmpdir(), 'duster-tui-run-'));
  const wrapper = writeWrapper(dir, !!opts.ourStdin);
  // gdbserver starts the program through $SHELL as gdb does; script's own -c command needs a POSIX sh.
  const userShell = process.env.SHELL;
  // stty here, in script's foreground shell: the program runs in a process group of its own, where stty would stop on SIGTTOU.
  // setsid: a session without a controlling terminal, so the pty is not the program's controlling tty and a read from it
  // is not a background read (gdbserver puts the program in a process group of its own: it would stop with SIGTTIN).
  const setsid = findOnPath('setsid');
  const inner = `echo "pid $$" >&3; ${userShell ? `SHELL=${shQuote(userShell)}; export SHELL; ` : 'unset SHELL; '}`
    + `exec ${shQuote(gdbserver)} --once --wrapper ${shQuote(wrapper)} -- 127.0.0.1:0 ${[program, ...args].map(shQuote).join(' ')} 2>&3 3>&-`;
  const cmd = `stty -echo -onlcr 2>/dev/null; ${setsid ? `exec ${shQuote(setsid)} -w /bin/sh -c ${shQuote(inner)}` : inner}`;
  const script = findOnPath('script');
  const child: ChildProcess = spawn(script ?? '/bin/sh', script ? ['-q', '-e', '-c', cmd, '/dev/null'] : ['-c', cmd], {
    cwd: opts.cwd,
    env: { ...process.env, ...gdbScreenSize(), SHELL: '/bin/sh' },
    // fd 4: our own stdin, handed down to the program (batch mode: gdb -batch's program reads gdb's stdin).
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...(opts.ourStdin ? [0] : [])],
    detached: true,
  });
  let log = '';
  let pid: number | undefined;
  let pending = '';
  let sink: ((text: string) => void) | undefined;
  let lastOutput = 0;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  child.stdin!.on('error', () => undefined); // the program gone: input has nowhere to go
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    lastOutput = Date.now();
    const text = s.replace(/\r\n/g, '\n'); // in case stty could not turn off the pty's CR/LF mapping
    if (sink) sink(text);
    else pending += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s)); // script's own complaints

  const waitExit = (ms: number): Promise<unknown> => Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
  /** gdbserver --once ends by itself once our connection closes (script then reaps it); else it is killed. */
  const stop = async (graceMs = STOP_GRACE_MS): Promise<void> => {
    if (alive() && graceMs > 0) await waitExit(graceMs);
    if (alive() && pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL'); // the program goes with it (gdbserver sets PTRACE_O_EXITKILL on what it started)
      } catch {
        // already gone
      }
      await waitExit(1000);
    }
    if (alive()) child.kill('SIGKILL');
    await waitExit(1000);
    rmSync(dir, { recursive: true, force: true });
  };

  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop(0).then(() => reject(new UserError(why)));
    };
    const timer = setTimeout(() => fail(`gdbserver did not start listening within ${LISTEN_TIMEOUT_MS / 1000} s${log ? `: ${lastLine(log)}` : ''}`), LISTEN_TIMEOUT_MS);
    child.once('error', (e) => fail(`cannot start gdbserver: ${e.message}`));
    void exited.then(() => fail(`gdbserver could not start ${program}${log ? `: ${lastLine(log)}` : ''}`));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (s: string) => {
      log += s;
      pid ??= Number(/^pid (\d+)$/m.exec(log)?.[1]) || undefined;
      const m = /Listening on port (\d+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        host: '127.0.0.1',
        port: Number(m[1]),
        get pid() { return pid; },
        onOutput(f) {
          sink = f;
          if (pending) f(pending);
          pending = '';
        },
        writeInput(text) {
          if (alive()) child.stdin!.write(text);
        },
        async settle(minMs = 0) {
          const t0 = Date.now();
          for (;;) {
            const now = Date.now();
            if (now - t0 >= SETTLE_MAX_MS) return;
            const quietFor = now - lastOutput;
            if (now - t0 >= minMs && quietFor >= QUIET_MS) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        stop: () => stop(),
      });
    });
  });
}

/** gdbserver's last message line, for a one-line error ("Cannot exec ...: Permission denied."). */
function lastLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l && !/^pid \d+$/.test(l));
  return lines.slice(-2).join('; ');
}
