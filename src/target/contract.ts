// The backend contract: everything core needs from a target (gdb-remote, Xen). Breakpoints and stepping live in core.
import type { RegisterSet } from '../arch/x86-64/registers.js';
import type { ProcessImage, XenViews } from './extensions.js';

export type { AuxvEntry, LibraryEntry, LibraryList, ProcessImage } from './extensions.js';

/** Why a vCPU/thread stopped, as the backend saw it. Core refines 'trap' into breakpoint or step. */
export type StopReason =
  // SIGTRAP / #BP / #DB: a breakpoint or a completed single-step. swbreak: the target says an int3
  // trapped and has already moved pc back onto it (gdb-remote's swbreak stop reason), whatever trapPc says.
  | { kind: 'trap'; swbreak?: boolean }
  | { kind: 'signal'; signal: number; name: string }
  | { kind: 'interrupted' } // stopped on our request (interrupt())
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number; name: string }
  | { kind: 'spin'; address: bigint } // a vCPU was found sitting on a spin ('jmp .') address
  // The program forked: the child (a process id) is stopped, see detachFork. A vfork child shares the
  // parent's memory until it execs or exits, which the parent then reports as 'vfork-done'.
  | { kind: 'forked'; child: number; vfork?: boolean }
  | { kind: 'vfork-done' }
  | { kind: 'watchpoint'; watch: WatchKind; address?: bigint }; // a hardware watchpoint fired (address: the data address, when known)

/** What a hardware watchpoint traps on: writes (gdb's watch, Z2), reads (rwatch, Z3) or both (awatch, Z4). */
export type WatchKind = 'write' | 'read' | 'access';

export interface StopEvent {
  /** vCPU/thread that stopped (undefined when the whole target ended). */
  vcpu?: number;
  reason: StopReason;
}

export interface VcpuInfo {
  id: number;
  /** gdb's Target Id: "Thread 1234.1240" (gdbserver), "Thread 1.2" (QEMU), "vCPU 0" (Xen). */
  name: string;
  online: boolean;
  /** The thread's own name when the target reports one (gdbserver's qXfer:threads:read "name": the comm). */
  threadName?: string;
  /** The stub's extra text about the thread (qThreadExtraInfo: QEMU's "CPU#0 [running]"). */
  extra?: string;
}

/** Register names core uses (the architecture's table); a backend maps them onto its own layout. */
export { GENERAL_REGISTERS, type RegisterSet } from '../arch/x86-64/registers.js';
export type RegisterName = string;

/** Where a vCPU's pc is after it trapped on a breakpoint (int3 is a trap: the CPU has moved past it). */
export type TrapPc =
  | 'after-int3' // rip = breakpoint + 1 (gdbserver, GDBSX Xen: they report the int3 as the CPU saw it)
  | 'at-int3'; // rip = breakpoint (QEMU's gdbstub: its Z0 breakpoints never execute an int3)

/** What a backend can do and how it behaves. Core consults every field; none is informational. */
export interface TargetCapabilities {
  /**
   * The program can run: resume, step, restart (false for a post-mortem core file). When false, core
   * refuses every execution command with gdb's "The program is not being run.".
   */
  canExecute: boolean;
  /**
   * Where pc is after a breakpoint trap; core rewinds it to the breakpoint when 'after-int3'. A trap
   * reported with swbreak (StopReason) is already at the int3.
   */
  trapPc: TrapPc;
  /**
   * Who plants trap breakpoints: 'memory' = core writes int3 bytes with writeMemory; 'target' = core
   * calls insertBreakpoint/removeBreakpoint (Z0/z0) and the target plants them its own way, its
   * readMemory showing the original bytes and its writeMemory keeping them planted. Spin
   * breakpoints (`jmp .`) are always written to memory.
   */
  breakpoints: 'memory' | 'target';
  /** resume({ step }) single-steps in hardware (TF / 's' packet); without it core steps by planting successors. */
  hardwareStep: boolean;
  /** resume({ step, range }) keeps stepping while pc stays inside the range (gdb-remote vCont;r). */
  rangeStep: boolean;
  /**
   * How core finds a vCPU sitting on a spin site while the target runs: 'read-while-running' reads
   * registers of running vCPUs (Xen: cheap); 'interrupt-and-read' interrupts, reads, resumes (gdb-remote).
   */
  spinPoll: 'read-while-running' | 'interrupt-and-read';
}

/** How resume() lets the target run (see Target.resume). */
export interface ResumeOptions {
  step?: number;
  only?: number;
  range?: { start: bigint; end: bigint };
  signal?: number;
}

/**
 * A debuggable target. Calls are not reentrant: core issues one at a time, except interrupt(),
 * which may be called while waitForStop() is pending.
 */
export interface Target {
  readonly description: string;
  readonly capabilities: TargetCapabilities;
  /**
   * Program output the target forwards while running (gdb-remote 'O' packets), as UTF-8 text in
   * arrival order. Set by the client; backends that never see program output ignore it.
   */
  onOutput?: (text: string) => void;

  /** vCPUs (threads) of the target. */
  listVcpus(): Promise<VcpuInfo[]>;
  /** The vCPU's registers. The map may be the backend's cache: callers must not modify it. */
  readRegisters(vcpu: number): Promise<RegisterSet>;
  /**
   * One register of a stopped vCPU; backends answer it without a full read when the stop report
   * carried it (gdb-remote expedites rip/rsp/rbp), which keeps line stepping to one round trip.
   */
  readRegister?(vcpu: number, name: string): Promise<bigint | undefined>;
  /**
   * Registers the vCPU has but whose values cannot be had (a core whose XSAVE note gdb cannot read):
   * shown as <unavailable>. Absent: every register the target has is in readRegisters.
   */
  unavailableRegisters?(vcpu: number): ReadonlySet<string>;
  /** Writes the given registers (others unchanged). */
  writeRegisters(vcpu: number, regs: RegisterSet): Promise<void>;
  /** Raw memory, with the target's own bytes (core masks its patches). Throws MemoryError. */
  readMemory(addr: bigint, len: number): Promise<Uint8Array>;
  writeMemory(addr: bigint, data: Uint8Array): Promise<void>;

  /** Breakpoints planted by the target (required when capabilities.breakpoints is 'target'). */
  insertBreakpoint?(addr: bigint): Promise<void>;
  removeBreakpoint?(addr: bigint): Promise<void>;
  /**
   * Hardware watchpoints over [addr, addr+len) (gdb-remote Z2/Z3/Z4; the stub splits a range over
   * several debug registers). Resolves false when the target has no watchpoints of this kind (core
   * then emulates a read watchpoint with an access one, as gdb does); rejects when it refuses this
   * one (out of debug registers). Absent: the target has no hardware watchpoints (core files, Xen).
   */
  insertWatchpoint?(kind: WatchKind, addr: bigint, len: number): Promise<boolean>;
  removeWatchpoint?(kind: WatchKind, addr: bigint, len: number): Promise<void>;
  /**
   * Core hands over the addresses that hold a spin site (`jmp .`) before each resume, so a backend
   * that can watch them itself (the Xen shim's waiter) need not guess them from written bytes.
   */
  setSpinSites?(addresses: readonly bigint[]): void;
  /**
   * Holds back asynchronous events of `vcpu` (a PV guest's event-channel upcalls) while core steps one
   * instruction with spin sites, so that no interrupt handler runs into the step's temporaries. `data`:
   * the addresses the instruction's operands reach (undefined: unknown); the backend declines (resolves
   * undefined) when the instruction could touch the event mask itself. Resolves with the release, which
   * core calls once the step stopped; a backend also releases on detach and close.
   */
  holdEvents?(vcpu: number, data: readonly bigint[] | undefined): Promise<(() => Promise<void>) | undefined>;

  /**
   * Resume every vCPU (or only `only`), optionally single-stepping `step`; with `range` (only when
   * capabilities.rangeStep) the target keeps stepping `step` while its pc is in [start, end).
   * With `signal` (a gdb signal number) the program receives that signal as it resumes: it goes to
   * the vCPU `step ?? only`, else to the one that reported the last stop (a backend without signals,
   * Xen, ignores it). Returns at once.
   */
  resume(opts: ResumeOptions): Promise<void>;
  /** Resolves with the next stop. Call once after each resume(). */
  waitForStop(): Promise<StopEvent>;
  /** Ask a running target to stop; waitForStop() then reports it. Safe while running. */
  interrupt(): Promise<void>;

  /** Let the target run on without us (all our patches must already be removed by core). */
  detach(opts?: { leavePaused?: boolean }): Promise<void>;
  /**
   * Start the program again from the beginning (gdb's `run` on a target that already ran), stopped
   * at its first instruction. Only backends that can (gdb-remote extended mode) have it. `args`, when
   * given, are the program's arguments (otherwise the backend's default: none for gdb-remote).
   */
  restart?(programPath?: string, args?: string[]): Promise<void>;
  /** Terminate the target process where that makes sense, else detach. */
  kill(): Promise<void>;
  /** Drop the connection; no protocol traffic (used on fatal errors after cleanup). */
  close(): void;

  // ---- typed optional extensions: absent when the backend has no such thing ----

  /** The debugged process's id (gdb's "[Inferior 1 (process N) ...]"), when the backend knows one. */
  readonly processId?: number | undefined;
  /**
   * The signals (gdb numbers, signal-numbers.ts) the target may give the program at once instead of
   * stopping for them (gdb-remote QPassSignals). Replaces the previous list. A target may still report
   * them (gdbserver does while single-stepping); core then passes them on itself. Only while stopped.
   */
  setPassSignals?(gdbSignals: readonly number[]): Promise<void>;
  /**
   * Lets the child of a 'forked' stop run free (gdb's detach-on-fork): first writes `restore` (the
   * original bytes under core's memory patches) into the child's copy of memory, so it does not die
   * on a breakpoint it inherited (empty for a vfork child, whose memory is the parent's). The parent
   * stays stopped, as it was. Required of a target that reports 'forked'.
   */
  detachFork?(child: number, restore: readonly { address: bigint; bytes: Uint8Array }[]): Promise<void>;
  /** Sends a monitor command to the target (gdb-remote qRcmd) and returns its console output. */
  monitor?(command: string): Promise<string>;
  /** Views of a Xen domain (`info xen`, `console`). */
  readonly xen?: XenViews;
  /** A process's auxv and shared-library list (gdbserver, Linux cores); absent when the target has neither. */
  readonly processImage?: ProcessImage;
}

/** Memory that cannot be read or written. Message matches gdb's. */
export class MemoryError extends Error {
  override name = 'MemoryError';
  constructor(readonly address: bigint) {
    super(`Cannot access memory at address 0x${address.toString(16)}`);
  }
}

/** The target went away (connection lost, domain destroyed). */
export class TargetGoneError extends Error {
  override name = 'TargetGoneError';
  /**
   * @param memoryGone the target's memory went with it (a destroyed domain), so nothing is left
   * patched; false when only the connection is lost and the program may run on with our bytes.
   */
  constructor(message: string, readonly memoryGone = false) {
    super(message);
  }
}
