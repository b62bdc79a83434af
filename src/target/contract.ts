// The backend contract: everything core needs from a target (gdb-remote, Xen). Breakpoints and stepping live in core.
import type { RegisterSet } from '../arch/x86-64/registers.js';

/** Why a vCPU/thread stopped, as the backend saw it. Core refines 'trap' into breakpoint or step. */
export type StopReason =
  | { kind: 'trap' } // SIGTRAP / #BP / #DB: a breakpoint or a completed single-step
  | { kind: 'signal'; signal: number; name: string }
  | { kind: 'interrupted' } // stopped on our request (interrupt())
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number; name: string }
  | { kind: 'spin'; address: bigint }; // a vCPU was found sitting on a spin ('jmp .') address

export interface StopEvent {
  /** vCPU/thread that stopped (undefined when the whole target ended). */
  vcpu?: number;
  reason: StopReason;
}

export interface VcpuInfo {
  id: number;
  name: string;
  online: boolean;
}

/** Register names core uses (the architecture's table); a backend maps them onto its own layout. */
export { GENERAL_REGISTERS, type RegisterSet } from '../arch/x86-64/registers.js';
export type RegisterName = string;

/** What a backend can do beyond the minimum. Core picks strategies from these. */
export interface TargetCapabilities {
  /** The target reports int3 traps as stops (gdbserver, GDBSX Xen). */
  trapBreakpoints: boolean;
  /** The target can single-step in hardware (TF / 's' packet). */
  hardwareStep: boolean;
  /** The backend plants breakpoints itself (Z0). Core still owns their bookkeeping. */
  nativeBreakpoints: boolean;
  /** Poll for spin breakpoints by reading rip while running (Xen), vs. interrupt-and-read (gdb-remote). */
  cheapRunningRegisterReads: boolean;
  /** The target can keep stepping while pc stays inside an address range (gdb-remote vCont;r). */
  rangeStep?: boolean;
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
  /** Writes the given registers (others unchanged). */
  writeRegisters(vcpu: number, regs: RegisterSet): Promise<void>;
  /** Raw memory, with the target's own bytes (core masks its patches). Throws MemoryError. */
  readMemory(addr: bigint, len: number): Promise<Uint8Array>;
  writeMemory(addr: bigint, data: Uint8Array): Promise<void>;

  /** Native software breakpoints (only when capabilities.nativeBreakpoints). */
  insertBreakpoint?(addr: bigint): Promise<void>;
  removeBreakpoint?(addr: bigint): Promise<void>;

  /**
   * Resume every vCPU (or only `only`), optionally single-stepping `step`; with `range` (only when
   * capabilities.rangeStep) the target keeps stepping `step` while its pc is in [start, end).
   * Returns at once.
   */
  resume(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }): Promise<void>;
  /** Resolves with the next stop. Call once after each resume(). */
  waitForStop(): Promise<StopEvent>;
  /** Ask a running target to stop; waitForStop() then reports it. Safe while running. */
  interrupt(): Promise<void>;

  /** Let the target run on without us (all our patches must already be removed by core). */
  detach(opts?: { leavePaused?: boolean }): Promise<void>;
  /**
   * Start the program again from the beginning (gdb's `run` on a target that already ran), stopped
   * at its first instruction. Only backends that can (gdb-remote extended mode) have it.
   */
  restart?(programPath?: string): Promise<void>;
  /** Terminate the target process where that makes sense, else detach. */
  kill(): Promise<void>;
  /** Drop the connection; no protocol traffic (used on fatal errors after cleanup). */
  close(): void;
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
}
