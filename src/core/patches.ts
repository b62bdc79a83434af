// The only planter of breakpoints: writes their bytes (or asks the target to plant them), masks reads, restores on every way out.
import type { Target } from '../target/contract.js';

const TRACE = !!process.env.DUSTER_TRACE_PATCHES;

export interface Patch {
  address: bigint;
  original: Uint8Array;
  bytes: Uint8Array;
  /**
   * Planted by the target (insertBreakpoint, capabilities.breakpoints 'target'): memory holds no
   * bytes of ours, so there is nothing to mask and nothing to write back.
   */
  byTarget: boolean;
}

/**
 * Patched ranges never overlap: callers ask `conflicts()` first. Originals are kept so that
 * memory shown to the user is masked and so that every patch can be undone.
 */
export class PatchTable {
  private readonly patches = new Map<bigint, Patch>();
  /** Originals of reverted patches in read-only program text, so planting there again needs no read. */
  private readonly knownOriginals = new Map<bigint, Uint8Array>();

  /** `stableCode(a)`: a is in the program's read-only text, which nobody but us rewrites. */
  constructor(private readonly target: Target, private readonly stableCode: (a: bigint) => boolean = () => false) {}

  get size(): number {
    return this.patches.size;
  }

  has(address: bigint): boolean {
    return this.patches.has(address);
  }

  addresses(): IterableIterator<bigint> {
    return this.patches.keys();
  }

  get(address: bigint): Patch | undefined {
    return this.patches.get(address);
  }

  /** The installed patch that overlaps [address, address+len), if any (other than one exactly at address). */
  conflicts(address: bigint, len: number): Patch | undefined {
    for (const p of this.patches.values()) {
      if (p.address === address && p.bytes.length === len) continue;
      if (p.address < address + BigInt(len) && address < p.address + BigInt(p.bytes.length)) return p;
    }
    return undefined;
  }

  /**
   * Plants `bytes` at address; with `byTarget` the target plants its breakpoint there instead
   * (the bytes still say how much of the instruction the site covers).
   */
  async apply(address: bigint, bytes: Uint8Array, byTarget = false): Promise<void> {
    if (this.patches.has(address)) return;
    if (byTarget) return this.applyByTarget(address, bytes);
    const known = this.knownOriginals.get(address);
    const original = known && known.length === bytes.length ? known : await this.target.readMemory(address, bytes.length);
    if (TRACE) process.stderr.write(`patch apply 0x${address.toString(16)} orig=${Buffer.from(original).toString('hex')}\n`);
    // Record before writing: if the write half-happens, restoring the original is still right.
    this.patches.set(address, { address, original: Uint8Array.from(original), bytes: Uint8Array.from(bytes), byTarget: false });
    try {
      await this.target.writeMemory(address, bytes);
    } catch (e) {
      this.patches.delete(address);
      throw e;
    }
  }

  private async applyByTarget(address: bigint, bytes: Uint8Array): Promise<void> {
    if (!this.target.insertBreakpoint) throw new Error(`${this.target.description} plants breakpoints itself but has no insertBreakpoint`);
    if (TRACE) process.stderr.write(`patch insert 0x${address.toString(16)} (by the target)\n`);
    // Recorded first, as for memory patches: a half-done insert is still removed on the way out.
    this.patches.set(address, { address, original: new Uint8Array(), bytes: Uint8Array.from(bytes), byTarget: true });
    try {
      await this.target.insertBreakpoint(address);
    } catch (e) {
      this.patches.delete(address);
      throw e;
    }
  }

  async revert(address: bigint): Promise<void> {
    const p = this.patches.get(address);
    if (!p) return;
    if (p.byTarget) {
      if (TRACE) process.stderr.write(`patch remove 0x${address.toString(16)} (by the target)\n`);
      await this.target.removeBreakpoint!(address);
      this.patches.delete(address);
      return;
    }
    if (TRACE) process.stderr.write(`patch revert 0x${address.toString(16)} orig=${Buffer.from(p.original).toString('hex')}\n`);
    await this.target.writeMemory(address, p.original);
    this.patches.delete(address);
    if (this.stableCode(address)) this.knownOriginals.set(address, p.original);
  }

  /** Restores every patch, continuing past failures; returns the addresses that could not be restored. */
  async revertAll(): Promise<bigint[]> {
    const failed: bigint[] = [];
    for (const p of [...this.patches.values()]) {
      try {
        await this.revert(p.address);
      } catch {
        failed.push(p.address);
      }
    }
    return failed;
  }

  /** Forgets every patch without writing: the target's memory was replaced (the program restarted). */
  forgetAll(): void {
    this.patches.clear();
    this.knownOriginals.clear();
  }

  /** Replaces patched bytes inside `data` (read from `address`) with the originals. */
  mask(address: bigint, data: Uint8Array): Uint8Array {
    if (this.patches.size === 0) return data;
    const end = address + BigInt(data.length);
    let out = data;
    for (const p of this.patches.values()) {
      const pEnd = p.address + BigInt(p.bytes.length);
      if (p.byTarget || p.address >= end || pEnd <= address) continue;
      if (out === data) out = Uint8Array.from(data);
      for (let i = 0; i < p.bytes.length; i++) {
        const a = p.address + BigInt(i);
        if (a >= address && a < end) out[Number(a - address)] = p.original[i]!;
      }
    }
    return out;
  }

  /** Reads target memory as the program sees it without our patches. */
  async read(address: bigint, len: number): Promise<Uint8Array> {
    return this.mask(address, await this.target.readMemory(address, len));
  }

  /** A user write: bytes falling on a patch update its saved original and leave the patch in place. */
  async write(address: bigint, data: Uint8Array): Promise<void> {
    const end = address + BigInt(data.length);
    for (const a of [...this.knownOriginals.keys()]) if (a + 16n > address && a < end) this.knownOriginals.delete(a);
    const toTarget = Uint8Array.from(data);
    for (const p of this.patches.values()) {
      if (p.byTarget) continue; // the target keeps its breakpoint across writes itself
      for (let i = 0; i < p.bytes.length; i++) {
        const a = p.address + BigInt(i);
        if (a >= address && a < end) {
          p.original[i] = data[Number(a - address)]!;
          toTarget[Number(a - address)] = p.bytes[i]!;
        }
      }
    }
    await this.target.writeMemory(address, toTarget);
  }
}
