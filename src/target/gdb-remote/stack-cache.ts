// Stack memory read at a stop, kept until the program next runs or anything is written (gdb's stack cache).
import { MemoryError } from '../contract.js';

/** Bytes fetched per stack read: one m packet brings a frame's saved registers and locals at once. */
const LINE = 256n;
/** How far above a stack pointer reads count as stack (frames of a deep backtrace), and below it (the red zone). */
const ABOVE = 1n << 20n;
const BELOW = 256n;

/**
 * Unwinding and showing one stop's locals makes many small reads a few bytes apart (11 per `next` in
 * the demo's UI). Only stack memory is cached, and in whole aligned lines: the stack is ordinary
 * memory, while reading more than was asked elsewhere could touch a device's registers.
 */
export class StackCache {
  private readonly lines = new Map<bigint, Uint8Array>();
  private readonly stackPointers = new Set<bigint>();

  /** A thread's stack pointer at this stop: reads near it are stack reads. */
  noteStackPointer(sp: bigint | undefined): void {
    if (sp !== undefined) this.stackPointers.add(sp);
  }

  /** The program ran, or memory or registers were written: nothing read before is known now. */
  clear(): void {
    this.lines.clear();
    this.stackPointers.clear();
  }

  /** `len` bytes at `addr`, from cached lines when the range is stack; `fetch` reads the target. */
  async read(addr: bigint, len: number, fetch: (addr: bigint, len: number) => Promise<Uint8Array>): Promise<Uint8Array> {
    const end = addr + BigInt(len);
    if (len === 0 || !this.isStack(addr, end)) return fetch(addr, len);
    const out = new Uint8Array(len);
    for (let line = addr - (addr % LINE); line < end; line += LINE) {
      let bytes = this.lines.get(line);
      if (!bytes) {
        // The line above comes in the same packet when it is stack and not cached yet: a frame's locals and its
        // caller's saved registers usually straddle two lines, and a stop read them in two round trips.
        const next = line + LINE;
        const wanted = !this.lines.has(next) && this.isStack(next, next + LINE) ? [2n, 1n] : [1n];
        let cached = false;
        for (const count of wanted) {
          const got = await fetch(line, Number(LINE * count)).catch((e: unknown) => {
            if (e instanceof MemoryError) return undefined; // past the top of the stack mapping, say
            throw e;
          });
          if (!got || got.length < Number(LINE * count)) continue;
          for (let k = 0n; k < count; k++) this.lines.set(line + k * LINE, got.subarray(Number(k * LINE), Number((k + 1n) * LINE)));
          cached = true;
          break;
        }
        // The line itself is partly unreadable: read just what was asked.
        if (!cached) return fetch(addr, len);
        bytes = this.lines.get(line)!;
      }
      const from = addr > line ? addr - line : 0n;
      const to = end < line + LINE ? end - line : LINE;
      out.set(bytes.subarray(Number(from), Number(to)), Number(line + from - addr));
    }
    return out;
  }

  private isStack(addr: bigint, end: bigint): boolean {
    for (const sp of this.stackPointers) if (addr >= sp - BELOW && end <= sp + ABOVE) return true;
    return false;
  }
}
