// The signal table of a session, as gdb keeps it: per signal, stop / print / pass to program, gdb's defaults, changed by `handle`.
import { gdbSignalByName, gdbSignals, type GdbSignal } from '../target/signal-numbers.js';

/** What happens when the program gets a signal (gdb's `handle` columns). */
export interface SignalHandling {
  /** Stop and give control to the user (implies print). */
  stop: boolean;
  /** Say "Program received signal ..." (print is implied by stop; noprint implies nostop). */
  print: boolean;
  /** Deliver the signal to the program when it resumes. */
  pass: boolean;
}

export interface SignalRow extends GdbSignal, SignalHandling {}

/**
 * gdb's defaults (infrun.c, _initialize_infrun): every signal stops, prints and is passed, except
 * SIGINT and SIGTRAP, which are the debugger's own (an interrupt, a breakpoint) and not passed, and
 * the signals programs take in their stride (timers, children, I/O, window size), which neither stop
 * nor print: a program that forks or uses timers runs under the debugger as it runs without one.
 */
const QUIET = new Set(['SIGALRM', 'SIGURG', 'SIGIO', 'SIGPOLL', 'SIGVTALRM', 'SIGPROF', 'SIGCHLD', 'SIGWINCH', 'SIGLWP', 'SIGWAITING', 'SIGCANCEL', 'SIGLIBRT', 'SIGPRIO']);
const DEBUGGERS = new Set(['SIGINT', 'SIGTRAP']);

export function defaultHandling(name: string): SignalHandling {
  const quiet = QUIET.has(name);
  return { stop: !quiet, print: !quiet, pass: !DEBUGGERS.has(name) };
}

/** gdb's description of a signal: "Segmentation fault" for SIGSEGV (the name itself when gdb has none). */
export function signalDescription(name: string): string {
  return gdbSignalByName(name)?.description ?? name;
}

/** One session's table (gdb numbers), starting from gdb's defaults. */
export class SignalTable {
  private readonly handling = new Map<number, SignalHandling>();
  /** Bumped on every change, so run control knows when to tell the target again. */
  version = 0;

  constructor() {
    for (const s of gdbSignals()) this.handling.set(s.number, defaultHandling(s.name));
  }

  /** Every signal in gdb's order with its settings (`info signals`). */
  rows(): SignalRow[] {
    return gdbSignals().map((s) => ({ ...s, ...this.handling.get(s.number)! }));
  }

  row(number: number): SignalRow | undefined {
    const s = gdbSignals().find((x) => x.number === number);
    return s && { ...s, ...this.handling.get(number)! };
  }

  /**
   * How a signal the target reported by name is handled. A name gdb does not know (a backend's own,
   * e.g. a core file's SIGSTKFLT) stops and prints as gdb does for unknown signals, and is passed.
   */
  of(name: string): SignalHandling {
    const s = gdbSignalByName(name);
    return (s && this.handling.get(s.number)) ?? { stop: true, print: true, pass: true };
  }

  /** New settings for some signals (gdb numbers); the rules stop ⇒ print and noprint ⇒ nostop are the caller's. */
  set(changes: ReadonlyMap<number, SignalHandling>): void {
    for (const [n, h] of changes) {
      if (!this.handling.has(n)) throw new Error(`no gdb signal ${n}`);
      this.handling.set(n, { ...h });
    }
    this.version++;
  }

  /**
   * The signals the target may hand to the program without reporting them (gdb's signal_pass, sent as
   * QPassSignals): nostop, noprint and pass. Numbers in gdb's numbering, ascending.
   */
  passedSilently(): number[] {
    return [...this.handling].filter(([, h]) => !h.stop && !h.print && h.pass).map(([n]) => n).sort((a, b) => a - b);
  }
}
