// Shapes shared by every architecture: memory reads and the instruction stepper core drives.

/** Reads `length` bytes of target memory at `address` (throws when unreadable). */
export type MemoryRead = (address: bigint, length: number) => Promise<Uint8Array>;

/** Where one instruction may go next, and what data it reaches. */
export interface StepSuccessors {
  successors: bigint[];
  /**
   * Addresses of the data its explicit memory operands read or write (lea and nops left out, which reach
   * none); undefined when they cannot be known (a repeated string instruction, a register missing).
   */
  data: bigint[] | undefined;
}

/** How the core single-steps without hardware help (spin strategy): decode, then emulate or plant on successors. */
export interface InstructionStepper {
  /**
   * For the instruction at the vCPU's pc: either its exact effect (one-byte instructions are emulated,
   * never patched) or every address execution may reach next. Undefined: cannot predict.
   */
  plan(regs: Map<string, bigint>, read: MemoryRead):
    Promise<{ emulate: { registers: Map<string, bigint>; memoryWrites: { address: bigint; bytes: Uint8Array }[] } } | StepSuccessors | undefined>;
  /** Length of the instruction at an address (for `fits`). */
  lengthAt(address: bigint, read: MemoryRead): Promise<number>;
}
