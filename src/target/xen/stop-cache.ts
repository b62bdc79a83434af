// What a stopped Xen domain holds, read once per stop: vCPU registers and guest pages, forgotten when the domain runs.
// Why: each read is a hypercall (memory also a foreign mapping), ~0.5 ms of dom0 time under TCG, and one `next`
// asks for the same registers and code bytes many times (pc, stack pointer, frame, instruction decoding).
import { REG_INDEX, type Shim } from './ffi.js';

const PAGE = 4096n;
/** How far above a stack pointer reads count as stack (a deep backtrace's frames), and below it (the red zone). */
const STACK_ABOVE = 1n << 20n;
const STACK_BELOW = 256n;
/** Reads longer than this go straight to the guest (a large x/ or a dump): caching them buys nothing. */
const MAX_CACHED_READ = 16384;

/**
 * Only the stack (near a vCPU's rsp) and the code page at a vCPU's rip are cached, as gdb caches stack and code:
 * other guest memory can change while the domain is paused (rings shared with dom0's backends, shared_info),
 * so reads of it always go to the guest.
 */
export class StopCache {
  private readonly regs = new Map<number, Buffer>();
  private readonly pages = new Map<bigint, Buffer>();
  /** rsp and rip of the vCPUs whose registers were read at this stop. */
  private readonly seen: { rsp: bigint; rip: bigint }[] = [];

  constructor(private readonly shim: Shim, private readonly handle: number) {}

  /** The domain is about to run, or ran: nothing read before holds. */
  clear(): void {
    this.regs.clear();
    this.pages.clear();
    this.seen.length = 0;
  }

  /** shim.getRegs into `b`, answered from the cache while `stopped`. */
  getRegs(vcpu: number, b: Buffer, stopped: boolean): number {
    const known = stopped ? this.regs.get(vcpu) : undefined;
    if (known) {
      known.copy(b);
      return 0;
    }
    const rc = this.shim.getRegs(this.handle, vcpu, b);
    if (rc === 0 && stopped) {
      this.regs.set(vcpu, Buffer.from(b));
      this.seen.push({ rsp: b.readBigUInt64LE(REG_INDEX.rsp * 8), rip: b.readBigUInt64LE(REG_INDEX.rip * 8) });
    }
    return rc;
  }

  /** shim.setRegs; the vCPU's cached registers are dropped (only the masked fields were written). */
  setRegs(vcpu: number, b: Buffer, mask: number): number {
    this.regs.delete(vcpu);
    return this.shim.setRegs(this.handle, vcpu, b, mask);
  }

  /**
   * `len` bytes at `addr` through `vcpu`'s page tables from whole cached pages, or undefined when some page
   * cannot be read or the read is large (the caller then reads directly, which names the failing address).
   */
  read(vcpu: number, addr: bigint, len: number): Buffer | undefined {
    if (len > MAX_CACHED_READ || !this.cacheable(addr, BigInt.asUintN(64, addr + BigInt(len)))) return undefined;
    const out = Buffer.alloc(len);
    for (let off = 0; off < len; ) {
      const a = BigInt.asUintN(64, addr + BigInt(off));
      const base = a - (a % PAGE);
      let page = this.pages.get(base);
      if (!page) {
        page = Buffer.alloc(Number(PAGE));
        if (this.shim.readMem(this.handle, vcpu, base, page, Buffer.alloc(8)) !== 0) return undefined;
        this.pages.set(base, page);
      }
      const from = Number(a - base);
      const n = Math.min(Number(PAGE) - from, len - off);
      page.copy(out, off, from, from + n);
      off += n;
    }
    return out;
  }

  private cacheable(addr: bigint, end: bigint): boolean {
    if (end <= addr) return false;
    for (const { rsp, rip } of this.seen) {
      if (addr >= rsp - STACK_BELOW && end <= rsp + STACK_ABOVE) return true;
      // The code page at rip and the next one (an instruction may cross into it).
      const code = rip - (rip % PAGE);
      if (addr >= code && end <= code + 2n * PAGE) return true;
    }
    return false;
  }

  /** Guest memory at [addr, addr+len) was written: its pages are read again next time. */
  forget(addr: bigint, len: number): void {
    for (let a = addr - (addr % PAGE); a < addr + BigInt(len); a += PAGE) this.pages.delete(BigInt.asUintN(64, a));
  }
}
