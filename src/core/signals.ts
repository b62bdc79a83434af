// Signals as gdb shows and handles them by default: descriptions, and which ones the program gets back on resume.

const SIGNAL_TEXT: Record<string, string> = {
  SIGSEGV: 'Segmentation fault', SIGINT: 'Interrupt', SIGTRAP: 'Trace/breakpoint trap', SIGABRT: 'Aborted',
  SIGFPE: 'Arithmetic exception', SIGILL: 'Illegal instruction', SIGBUS: 'Bus error', SIGTERM: 'Terminated',
  SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1', SIGUSR2: 'User defined signal 2', SIGALRM: 'Alarm clock',
  SIGPIPE: 'Broken pipe', SIGCHLD: 'Child status changed', SIGHUP: 'Hangup', SIGQUIT: 'Quit',
};

/** gdb's description of a signal: "Segmentation fault" for SIGSEGV. */
export function signalDescription(name: string): string {
  return SIGNAL_TEXT[name] ?? name;
}

/**
 * gdb's default `handle` table, pass column: SIGINT and SIGTRAP are the debugger's own (an interrupt,
 * a breakpoint) and are not given to the program; every other signal is delivered when it resumes,
 * so a program stopped by SIGSEGV dies of it on `continue` as it would without a debugger.
 */
const NOT_PASSED = new Set(['SIGINT', 'SIGTRAP']);

export function signalPassedToProgram(name: string): boolean {
  return !NOT_PASSED.has(name);
}
