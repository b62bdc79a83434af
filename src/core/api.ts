// The Session's public face for front ends (line mode, TUI): events, state and queries. No backend types leak here.

export type SessionState = 'stopped' | 'running' | 'exited' | 'detached';

/** A code location as users see it. */
export interface CodeLocation {
  address: bigint;
  function?: string;
  /** File name as in the debug info (e.g. "kernel.c"), and the resolved path when found on disk. */
  file?: string;
  fullPath?: string;
  line?: number;
  /** The shared library holding the address (gdb's "from /lib/x86_64-linux-gnu/libc.so.6"). */
  library?: string;
  /** A signal trampoline (glibc's __restore_rt): gdb names the frame "<signal handler called>". */
  signalTrampoline?: boolean;
  /** A `break FUNCTION` location: the DIE of the function or inlined block it was found for (gdb's location symbol). */
  symbolBlock?: number;
  /** The line is the call site of an inlined function that starts here (gdb shows such a frame without its pc). */
  callSite?: boolean;
}

export type StopCause =
  | { kind: 'breakpoint'; breakpoint: number }
  | { kind: 'step'; showFrame?: boolean; frameChanged?: boolean } // step, next, stepi, nexti, until, advance completed; showFrame: gdb prints the frame line (until/advance LOCATION); frameChanged: a line step ended in another frame or function than the one it stepped (gdb then prints the frame line)
  | { kind: 'finish'; returned?: string } // "Value returned is $1 = ..." text
  | { kind: 'signal'; signal: string; description: string }
  | { kind: 'interrupted' }
  | { kind: 'attached' }
  | { kind: 'watchpoint'; hits: WatchHit[]; breakpoint?: number } // hardware watchpoints that fired, in number order; a breakpoint at the pc after the access too
  | { kind: 'watch-scope'; watchpoint: number }; // a watchpoint on locals was deleted: its frame returned

/** What a watchpoint reports when it fires: "Old value = 1 / New value = 2" (a change), else "Value = 7". */
export interface WatchHit {
  watchpoint: number;
  watch: WatchInfo;
  old?: string;
  value: string;
}

/** What makes a breakpoint a watchpoint: what it traps on and the expression the user typed. */
export interface WatchInfo {
  kind: 'write' | 'read' | 'access';
  expression: string;
  /** A software watchpoint (gdb's "Watchpoint N"): checked after every single step, not by the target. */
  software?: boolean;
}

export interface StopInfo {
  vcpu: number;
  cause: StopCause;
  location: CodeLocation;
  /** The thread, once the process has had more than one (gdb's "Thread 2 "name" hit Breakpoint 1, ..."). */
  thread?: StopThread;
  /** The stop is in another thread than the one selected when the command started ("[Switching to Thread ...]"). */
  switched?: boolean;
  /** Target ids of threads first seen at this stop ("[New Thread ...]"), in gdb's order. */
  newThreads?: string[];
}

/** How gdb names a thread in a stop report. */
export interface StopThread {
  number: number;
  targetId: string;
  name?: string;
}

/** One thread as front ends show it (info threads, the threads pane): Session.threads(). */
export interface ThreadInfo {
  /** gdb's thread number ("Thread 2"). */
  number: number;
  /** The backend's id (LWP under gdbserver, vCPU index on Xen): what Session calls a vCPU. */
  vcpu: number;
  /** gdb's Target Id: "Thread 1234.1240", "vCPU 0". */
  targetId: string;
  /** The thread's name (the comm under Linux), when the target reports one. */
  name?: string;
  /** The stub's extra text (qThreadExtraInfo). */
  extra?: string;
  state: 'stopped' | 'running';
  /** The selected thread. */
  current: boolean;
  /** Its innermost frame's location (absent while running or when its registers cannot be read). */
  location?: CodeLocation;
}

export type SessionEvent =
  | { type: 'stopped'; stop: StopInfo }
  | { type: 'running'; vcpu?: number }
  | { type: 'exited'; code?: number; signal?: string; text: string }
  | { type: 'output'; text: string; stream: 'target' | 'console' }
  | { type: 'breakpoints-changed' }
  | { type: 'frame-selected'; level: number }
  | { type: 'error'; message: string };

export interface BreakpointInfo {
  id: number;
  /** What the user typed: "kernel.c:73", "demo", "*0x401136". */
  spec: string;
  enabled: boolean;
  temporary: boolean;
  condition?: string;
  ignoreCount: number;
  hits: number;
  locations: CodeLocation[];
  /** Set for watchpoints (which have no code locations); they share the breakpoints' numbers. */
  watch?: WatchInfo;
}

export interface FrameInfo {
  level: number;
  pc: bigint;
  /** The pc is a return address (a caller's frame). */
  caller?: boolean;
  /** gdb's inline frame: "inlined into frame N+1". */
  inlined?: boolean;
  cfa?: bigint;
  location: CodeLocation;
  /** The frame a signal interrupted: its pc is exact (gdb shows it only when it is not at a line's start). */
  interrupted?: boolean;
  /** Arguments already formatted gdb-style: "n=5". */
  args: { name: string; value: string }[];
}

/** One row of the variables tree; children are fetched on expand. */
export interface VariableNode {
  name: string;
  /** Expression that re-evaluates this node (for watches and "print"). */
  expression: string;
  type: string;
  value: string;
  expandable: boolean;
  children(): Promise<VariableNode[]>;
}

export interface RegisterValue {
  name: string;
  value: bigint;
  /** Width in bytes. */
  size: number;
  /** An outer frame's register the CFI marks undefined (gdb: <not saved>); `value` is then meaningless. */
  notSaved?: boolean;
}

export type Listener = (event: SessionEvent) => void;
