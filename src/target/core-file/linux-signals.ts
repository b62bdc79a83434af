// Linux x86-64 signal numbers (a core's pr_cursig / si_signo) to gdb's names and descriptions.
import { gdbSignalByName } from '../signal-numbers.js';

/** Linux's numbering (asm/signal.h); the descriptions are gdb's, from its own table. */
const LINUX_SIGNALS: readonly string[] = [
  'SIG0', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** Names gdb's table does not have (Linux-only), with gdb's descriptions for them. */
const LINUX_ONLY: Readonly<Record<string, string>> = { SIG0: 'Signal 0', SIGSTKFLT: 'Stack fault' };

/** gdb's "SIGSEGV, Segmentation fault" for Linux signal 11. */
export function linuxSignalText(n: number): { name: string; description: string } {
  const name = LINUX_SIGNALS[n];
  if (!name) return { name: `SIG${n}`, description: `Unknown signal ${n}` };
  return { name, description: LINUX_ONLY[name] ?? gdbSignalByName(name)?.description ?? name };
}
