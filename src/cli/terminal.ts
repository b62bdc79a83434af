// The controlling terminal's death (SIGHUP, EIO/EPIPE, a pty closed under tmux or SSH): recognise it, stop every write to it, release fds 0-2 before exit.
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** errno codes a read, write or mode change on a terminal fails with once the terminal is gone. */
const DEAD_TERMINAL_CODES = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF', 'ECONNRESET']);
const TERMINAL_SYSCALLS = new Set(['read', 'write', 'writev', 'setRawMode']);

/** Whether fds 0-2 were terminals when the process started (a hung-up tty no longer answers isatty). */
const startedAsTty = [!!process.stdin.isTTY, !!process.stdout.isTTY, !!process.stderr.isTTY];

let gone = false;

/** True once the terminal is known to be gone. */
export function terminalGone(): boolean {
  return gone;
}

/** An error that means the terminal (or the reader of our output) is gone, not a bug of ours. */
export function isTerminalError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const { code, syscall } = e as NodeJS.ErrnoException;
  return code !== undefined && DEAD_TERMINAL_CODES.has(code) && (syscall === undefined || TERMINAL_SYSCALLS.has(syscall));
}

/** Where the exit report goes when stderr was the dead terminal. */
export function lastExitLog(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'duster-tui', 'last-exit.log');
}

/** Writes one line of the exit report to stderr, or to lastExitLog() when stderr was the dead terminal. */
export function reportLine(line: string): void {
  if (gone && startedAsTty[2]) {
    try {
      const f = lastExitLog();
      mkdirSync(dirname(f), { recursive: true });
      appendFileSync(f, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // Nowhere left to say it.
    }
    return;
  }
  try {
    process.stderr.write(line + '\n');
  } catch {
    // stderr may be a closed pipe as well
  }
}

/**
 * Marks the terminal gone and makes every later write to it a no-op (blessed's renders, readline's
 * prompts, event printing): nothing may keep writing to, or retrying on, a dead tty. Stops reading
 * stdin too, so no read error is retried. Returns false when it was already marked.
 */
export function abandonTerminal(): boolean {
  if (gone) return false;
  gone = true;
  const streams: [NodeJS.WriteStream, boolean][] = [[process.stdout, startedAsTty[1]!], [process.stderr, startedAsTty[2]!]];
  for (const [stream, wasTty] of streams) {
    // A piped stdout/stderr still works (tests, `2>log`); only the terminal's are muted.
    if (!wasTty) continue;
    stream.write = ((_chunk: unknown, a?: unknown, b?: unknown) => {
      const cb = typeof a === 'function' ? a : b;
      if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
      return true;
    }) as typeof stream.write;
  }
  const stdin = process.stdin as NodeJS.ReadStream & { setRawMode?: (on: boolean) => unknown };
  if (startedAsTty[0]) {
    // readline and blessed switch raw mode off as they close; on a hung-up tty that fails (EIO).
    stdin.setRawMode = () => stdin;
    try {
      stdin.pause();
      stdin.destroy();
    } catch {
      // already closed
    }
  }
  return true;
}

/**
 * Node's exit handler (ResetStdio) asserts when it cannot restore the tty's modes on a dead terminal;
 * it skips fds that were reopened to another file. So once the terminal is gone, fds 0-2 that were
 * the terminal are pointed at /dev/null just before exit (closing one frees the lowest fd, which the
 * open then takes again). Nothing runs on the event loop between this and process.exit.
 */
export function releaseTerminalFds(): void {
  if (!gone) return;
  for (let fd = 0; fd <= 2; fd++) {
    if (!startedAsTty[fd]) continue;
    try {
      closeSync(fd);
      const again = openSync('/dev/null', fd === 0 ? 'r' : 'w');
      if (again !== fd) closeSync(again); // a lower fd was free: leave this one closed (also skipped)
    } catch {
      // closed already: ResetStdio skips it too
    }
  }
}
