// A PV vCPU's event upcalls held back while core steps one instruction with spin sites (Target.holdEvents).
import type { Shim } from './ffi.js';

/** vcpu_info lives in shared_info for the first 32 vCPUs (XEN_LEGACY_MAX_VCPUS). */
const SHARED_INFO_VCPUS = 32;
/** Bytes an operand may reach past its address (a 64-byte AVX-512 access): its page and the next are checked. */
const WIDEST_OPERAND = 64n;

/**
 * Why: Xen delivers an event (Mini-OS's timer) to a PV guest by running its upcall handler on the vCPU
 * that is being stepped. Under the spin strategy that handler runs into the step's temporaries (the timer
 * handler calls monotonic_clock, the callee of sched.c's `call monotonic_clock`), core takes it for the
 * end of the step, and the interrupted context comes back to the breakpoint: the same breakpoint again.
 * Setting the vCPU's evtchn_upcall_mask for the one instruction keeps the event pending until the next
 * resume, as a hardware step does (Xen clears TF in the bounce frame, so the handler runs unstepped).
 */
export class EventUpcalls {
  private held: number | undefined;

  constructor(
    private readonly shim: Shim,
    private readonly handle: number,
    private readonly sharedInfoFrame: bigint,
    /** A 64-bit PV guest: shared_info holds its vcpu_info in the layout the shim compiles. */
    private readonly pv64: boolean,
  ) {}

  /**
   * Masks `vcpu`'s upcalls; false when it cannot or need not: not a 64-bit PV vCPU with vcpu_info in
   * shared_info, masked already, or the instruction's data (`data`, undefined when unknown) may be in the
   * shared_info frame (it reads or writes the mask itself: masking would change what it sees or does).
   */
  hold(vcpu: number, data: readonly bigint[] | undefined): boolean {
    if (!this.pv64 || vcpu >= SHARED_INFO_VCPUS || !data || this.held !== undefined) return false;
    const pages = new Set(data.flatMap((a) => [a >> 12n, (a + WIDEST_OPERAND - 1n) >> 12n]));
    for (const page of pages) {
      if (this.shim.translate(this.handle, vcpu, page << 12n) === this.sharedInfoFrame) return false;
    }
    const before = this.shim.upcallMask(this.handle, this.sharedInfoFrame, vcpu, 1);
    if (before !== 0) {
      if (before > 1) this.shim.upcallMask(this.handle, this.sharedInfoFrame, vcpu, before); // masked already, its own way
      return false;
    }
    this.held = vcpu;
    return true;
  }

  /**
   * Lets the held vCPU's events through again (a pending one is delivered when it next runs). Idempotent.
   * Returns the shim's code (< 0: the mask could not be written; the caller tells a destroyed domain apart).
   */
  release(): number {
    if (this.held === undefined) return 0;
    const vcpu = this.held;
    this.held = undefined;
    const rc = this.shim.upcallMask(this.handle, this.sharedInfoFrame, vcpu, 0);
    return rc < 0 ? rc : 0;
  }
}
