// A cap on the program output (O packets) passed on per resume: a flooding stub costs one notice, not memory.

/** Program output passed on between a resume and its stop; gdb prints it all, we keep the UI alive. */
export const MAX_OUTPUT_PER_RESUME = 1 << 20;

/**
 * Counts output bytes since the last resume. Past the cap the rest is dropped until the next
 * resume, with one notice: whoever shows the output (a log pane, a scrollback) never holds more
 * than the cap from one run of a stub that floods O packets.
 */
export class OutputLimit {
  private passed = 0;
  private truncated = false;

  constructor(readonly capBytes = MAX_OUTPUT_PER_RESUME) {}

  /** A new resume: the budget starts again. */
  reset(): void {
    this.passed = 0;
    this.truncated = false;
  }

  /** The part of `bytes` to pass on, and the notice to show once when the cap is first crossed. */
  admit(bytes: Uint8Array): { pass: Uint8Array; notice?: string } {
    if (this.truncated) return { pass: bytes.subarray(0, 0) };
    const room = this.capBytes - this.passed;
    if (bytes.length <= room) {
      this.passed += bytes.length;
      return { pass: bytes };
    }
    this.passed = this.capBytes;
    this.truncated = true;
    const notice = `\n[program output truncated: more than ${this.capBytes} bytes since the target was resumed; the rest is dropped until it stops]\n`;
    return { pass: bytes.subarray(0, room), notice };
  }
}
