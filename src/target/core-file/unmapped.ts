// The error a core reader throws for an address it holds no bytes for (the integrator maps it to MemoryError).
export class UnmappedAddressError extends Error {
  override name = 'UnmappedAddressError';
  constructor(readonly address: bigint, detail?: string) {
    super(`Cannot access memory at address 0x${address.toString(16)}${detail ? ` (${detail})` : ''}`);
  }
}

/** Reads bigger than this are refused: a caller bug or a hostile length, never a real debugger read. */
export const MAX_READ = 256 * 1024 * 1024;
