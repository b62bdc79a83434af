// Linux x86-64 signal numbers (a core's pr_cursig / si_signo) to gdb's names and descriptions.
const LINUX_SIGNALS: readonly (readonly [string, string])[] = [
  ['SIG0', 'Signal 0'], ['SIGHUP', 'Hangup'], ['SIGINT', 'Interrupt'], ['SIGQUIT', 'Quit'],
  ['SIGILL', 'Illegal instruction'], ['SIGTRAP', 'Trace/breakpoint trap'], ['SIGABRT', 'Aborted'],
  ['SIGBUS', 'Bus error'], ['SIGFPE', 'Arithmetic exception'], ['SIGKILL', 'Killed'],
  ['SIGUSR1', 'User defined signal 1'], ['SIGSEGV', 'Segmentation fault'], ['SIGUSR2', 'User defined signal 2'],
  ['SIGPIPE', 'Broken pipe'], ['SIGALRM', 'Alarm clock'], ['SIGTERM', 'Terminated'], ['SIGSTKFLT', 'Stack fault'],
  ['SIGCHLD', 'Child status changed'], ['SIGCONT', 'Continued'], ['SIGSTOP', 'Stopped (signal)'],
  ['SIGTSTP', 'Stopped (user)'], ['SIGTTIN', 'Stopped (tty input)'], ['SIGTTOU', 'Stopped (tty output)'],
  ['SIGURG', 'Urgent I/O condition'], ['SIGXCPU', 'CPU time limit exceeded'], ['SIGXFSZ', 'File size limit exceeded'],
  ['SIGVTALRM', 'Virtual timer expired'], ['SIGPROF', 'Profiling timer expired'], ['SIGWINCH', 'Window size changed'],
  ['SIGIO', 'I/O possible'], ['SIGPWR', 'Power fail/restart'], ['SIGSYS', 'Bad system call'],
];

/** gdb's "SIGSEGV, Segmentation fault" for Linux signal 11. */
export function linuxSignalText(n: number): { name: string; description: string } {
  const s = LINUX_SIGNALS[n];
  return s ? { name: s[0], description: s[1] } : { name: `SIG${n}`, description: `Unknown signal ${n}` };
}
