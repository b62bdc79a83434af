// Shapes shared by every architecture: memory reads and the instruction stepper core drives.

/** Reads `length` bytes of target memory at `address` (throws when unreadable). */
export type MemoryRead = (address: bigint, length: number) => Promise<Uint8Array>;

/** How the core single-steps without hardware help (spin strategy): decode, then emulate or plant on successors. */
export interface InstructionStepper {
  /**
   * For the instruction at the vCPU's pc: either its exact effect (one-byte instructions are emulated,
   * never patched) or every address execution may reach next. Undefined: cannot predict.
   */
  plan(regs: Map<string, bigint>, read: MemoryRead):
    Promise<{ emulate: { registers: Map<string, bigint>; memoryWrites: { address: bigint; bytes: Uint8Array }[] } } | { successors: bigint[] } | undefined>;
  /** Length of the instruction at an address (for `fits`). */
  lengthAt(address: bigint, read: MemoryRead): Promise<number>;
}
