// gdb's own signal numbering (include/gdb/signals.def): what the remote protocol and the contract's stop reasons carry.

/** One gdb signal: its number in the protocol, gdb's name for it ("SIGUSR1") and its description. */
export interface GdbSignal {
  number: number;
  name: string;
  description: string;
}

// Numbers 1-44, in signals.def order (the protocol depends on it: SIGUSR1 is 30 here, 10 on Linux).
const NAMED: readonly (readonly [string, string])[] = [
  ['SIGHUP', 'Hangup'], ['SIGINT', 'Interrupt'], ['SIGQUIT', 'Quit'], ['SIGILL', 'Illegal instruction'],
  ['SIGTRAP', 'Trace/breakpoint trap'], ['SIGABRT', 'Aborted'], ['SIGEMT', 'Emulation trap'],
  ['SIGFPE', 'Arithmetic exception'], ['SIGKILL', 'Killed'], ['SIGBUS', 'Bus error'], ['SIGSEGV', 'Segmentation fault'],
  ['SIGSYS', 'Bad system call'], ['SIGPIPE', 'Broken pipe'], ['SIGALRM', 'Alarm clock'], ['SIGTERM', 'Terminated'],
  ['SIGURG', 'Urgent I/O condition'], ['SIGSTOP', 'Stopped (signal)'], ['SIGTSTP', 'Stopped (user)'],
  ['SIGCONT', 'Continued'], ['SIGCHLD', 'Child status changed'], ['SIGTTIN', 'Stopped (tty input)'],
  ['SIGTTOU', 'Stopped (tty output)'], ['SIGIO', 'I/O possible'], ['SIGXCPU', 'CPU time limit exceeded'],
  ['SIGXFSZ', 'File size limit exceeded'], ['SIGVTALRM', 'Virtual timer expired'], ['SIGPROF', 'Profiling timer expired'],
  ['SIGWINCH', 'Window size changed'], ['SIGLOST', 'Resource lost'], ['SIGUSR1', 'User defined signal 1'],
  ['SIGUSR2', 'User defined signal 2'], ['SIGPWR', 'Power fail/restart'], ['SIGPOLL', 'Pollable event occurred'],
  ['SIGWIND', 'SIGWIND'], ['SIGPHONE', 'SIGPHONE'], ['SIGWAITING', "Process's LWPs are blocked"],
  ['SIGLWP', 'Signal LWP'], ['SIGDANGER', 'Swap space dangerously low'], ['SIGGRANT', 'Monitor mode granted'],
  ['SIGRETRACT', 'Need to relinquish monitor mode'], ['SIGMSG', 'Monitor mode data available'],
  ['SIGSOUND', 'Sound completed'], ['SIGSAK', 'Secure attention'], ['SIGPRIO', 'SIGPRIO'],
];

/** gdb's "unknown" and "default" pseudo-signals: numbered, but never named or listed. */
export const GDB_SIGNAL_UNKNOWN = 143;
const GDB_SIGNAL_DEFAULT = 144;
/** One past the last signal (SIGLIBRT is 151 in gdb 13). */
export const GDB_SIGNAL_LAST = 152;

function build(): (GdbSignal | undefined)[] {
  const all: (GdbSignal | undefined)[] = new Array(GDB_SIGNAL_LAST).fill(undefined);
  const put = (number: number, name: string, description: string) => (all[number] = { number, name, description });
  NAMED.forEach(([name, description], i) => put(i + 1, name, description));
  const realtime = (number: number, n: number) => put(number, `SIG${n}`, `Real-time event ${n}`);
  for (let n = 33; n <= 63; n++) realtime(45 + n - 33, n);
  put(76, 'SIGCANCEL', 'LWP internal signal');
  // SIG32 and SIG64 came later than the numbers around them, which the protocol could not move.
  realtime(77, 32);
  realtime(78, 64);
  for (let n = 65; n <= 127; n++) realtime(79 + n - 65, n);
  put(142, 'SIGINFO', 'Information request');
  const mach: [string, string][] = [
    ['EXC_BAD_ACCESS', 'Could not access memory'], ['EXC_BAD_INSTRUCTION', 'Illegal instruction/operand'],
    ['EXC_ARITHMETIC', 'Arithmetic exception'], ['EXC_EMULATION', 'Emulation instruction'],
    ['EXC_SOFTWARE', 'Software generated exception'], ['EXC_BREAKPOINT', 'Breakpoint'],
  ];
  mach.forEach(([name, description], i) => put(145 + i, name, description));
  put(151, 'SIGLIBRT', 'librt internal signal');
  return all;
}

const SIGNALS = build();
const BY_NAME = new Map(SIGNALS.filter((s): s is GdbSignal => !!s).map((s) => [s.name, s]));

/** The signal gdb numbers `n`, or undefined (0, unknown, default, out of range). */
export function gdbSignal(n: number): GdbSignal | undefined {
  return SIGNALS[n];
}

/** gdb's signal called `name` (exact, case-sensitive, as gdb_signal_from_name). */
export function gdbSignalByName(name: string): GdbSignal | undefined {
  return BY_NAME.get(name);
}

/** Every named signal in gdb's order (what `info signals` lists). */
export function gdbSignals(): GdbSignal[] {
  return SIGNALS.filter((s, i): s is GdbSignal => !!s && i !== GDB_SIGNAL_UNKNOWN && i !== GDB_SIGNAL_DEFAULT);
}
