// Test helper: FakeTarget, the Target contract in memory with a tiny x86 "CPU" (nop, int3, jmp ., ret, hlt) for unit tests of core.
import type { InstructionStepper } from '../../src/arch/arch.js';
import {
  GENERAL_REGISTERS, MemoryError,
  type RegisterSet, type StopEvent, type Target, type TargetCapabilities, type VcpuInfo,
} from '../../src/target/contract.js';

/**
 * The CPU knows six instructions, enough to drive run control:
 *   0x90 nop   rip += 1
 *   66 90      two-byte nop (room for a spin site)
 *   0xcc int3  a trap; rip = after the int3 or at it (capabilities.trapPc)
 *   eb fe      jmp . (a spin site: the vCPU stays there until interrupted)
 *   0xc3 ret   rip = [rsp], rsp += 8
 *   0xf4 hlt   the program exits with code rax
 * Anything else stops with SIGILL. A breakpoint planted by the target (insertBreakpoint) stops the
 * vCPU before the instruction executes, with pc as trapPc says (gdbserver: +1, QEMU: at it).
 */
export interface FakeTargetOptions {
  /** Mapped memory regions (copied). */
  regions?: { base: bigint; bytes: Uint8Array }[];
  /** vCPU count (ids 0..n-1), default 1. */
  vcpus?: number;
  /** Initial rip of every vCPU. */
  rip?: bigint;
  capabilities?: Partial<TargetCapabilities>;
}

/** The fake CPU's instruction lengths for run control: 66 90 is two bytes, everything else one; each falls through. */
export const FAKE_STEPPER: InstructionStepper = {
  async plan(regs, read) {
    const pc = regs.get('rip')!;
    return { successors: [pc + BigInt(await this.lengthAt(pc, read))], data: [] };
  },
  async lengthAt(address, read) {
    return (await read(address, 1))[0] === 0x66 ? 2 : 1;
  },
};

export const FAKE_DEFAULT_CAPABILITIES: TargetCapabilities = {
  canExecute: true,
  trapPc: 'after-int3',
  breakpoints: 'memory',
  hardwareStep: true,
  rangeStep: true,
  spinPoll: 'interrupt-and-read',
};

type Outcome = StopEvent | undefined;

export class FakeTarget implements Target {
  readonly description = 'fake target';
  readonly capabilities: TargetCapabilities;
  onOutput?: (text: string) => void;
  /** Every memory write, in order (what core wrote where). */
  readonly writes: { address: bigint; bytes: Uint8Array }[] = [];
  /** Breakpoints the target planted (insertBreakpoint). */
  readonly planted = new Set<bigint>();
  /** The last spin sites core handed over (setSpinSites). */
  spinSites: readonly bigint[] | undefined;
  /** Set by detach: the program runs on without us. */
  detached: { leavePaused: boolean } | undefined;
  killed = false;
  resumes = 0;
  readonly processId = 4242;

  private readonly regions: { base: bigint; bytes: Uint8Array }[];
  private readonly regs = new Map<number, RegisterSet>();
  private running: Promise<StopEvent> | undefined;
  private interruptRequested = false;
  private exited = false;

  constructor(opts: FakeTargetOptions = {}) {
    this.capabilities = { ...FAKE_DEFAULT_CAPABILITIES, ...opts.capabilities };
    this.regions = (opts.regions ?? []).map((r) => ({ base: r.base, bytes: Uint8Array.from(r.bytes) }));
    for (let v = 0; v < (opts.vcpus ?? 1); v++) {
      const set: RegisterSet = new Map(GENERAL_REGISTERS.map((n) => [n, 0n]));
      set.set('rip', opts.rip ?? 0n);
      set.set('eflags', 0x202n);
      this.regs.set(v, set);
    }
  }

  /** The memory as it is now (our patches included), for assertions. */
  peek(addr: bigint, len: number): Uint8Array {
    const r = this.region(addr, len);
    const at = Number(addr - r.base);
    return r.bytes.slice(at, at + len);
  }

  /** Sets registers of a vCPU directly (test set-up). */
  poke(vcpu: number, values: Record<string, bigint>): void {
    for (const [k, v] of Object.entries(values)) this.vcpu(vcpu).set(k, v);
  }

  async listVcpus(): Promise<VcpuInfo[]> {
    if (this.exited) return [];
    return [...this.regs.keys()].map((id) => ({ id, name: `vCPU ${id}`, online: true }));
  }

  async readRegisters(vcpu: number): Promise<RegisterSet> {
    if (this.running && this.capabilities.spinPoll !== 'read-while-running') throw new Error('Cannot read registers while the target runs');
    return new Map(this.vcpu(vcpu));
  }

  async writeRegisters(vcpu: number, regs: RegisterSet): Promise<void> {
    if (!this.capabilities.canExecute) throw new Error('a post-mortem target cannot write registers');
    this.requireStopped();
    const set = this.vcpu(vcpu);
    for (const [k, v] of regs) {
      if (!set.has(k)) throw new Error(`Invalid register \`${k}'`);
      set.set(k, BigInt.asUintN(64, v));
    }
  }

  async readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    return this.peek(addr, len);
  }

  async writeMemory(addr: bigint, data: Uint8Array): Promise<void> {
    if (!this.capabilities.canExecute) throw new MemoryError(addr); // a core file is read-only
    const r = this.region(addr, data.length);
    r.bytes.set(data, Number(addr - r.base));
    this.writes.push({ address: addr, bytes: Uint8Array.from(data) });
  }

  async insertBreakpoint(addr: bigint): Promise<void> {
    if (this.capabilities.breakpoints !== 'target') throw new Error('this fake does not plant breakpoints');
    this.region(addr, 1);
    this.planted.add(addr);
  }

  async removeBreakpoint(addr: bigint): Promise<void> {
    if (!this.planted.delete(addr)) throw new Error(`no breakpoint planted at 0x${addr.toString(16)}`);
  }

  setSpinSites(addresses: readonly bigint[]): void {
    this.spinSites = [...addresses];
  }

  async resume(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }): Promise<void> {
    if (!this.capabilities.canExecute) throw new Error('The program is not being run.');
    this.requireStopped();
    if (opts.step !== undefined && !this.capabilities.hardwareStep) throw new Error('no hardware single-step');
    if (opts.range && !this.capabilities.rangeStep) throw new Error('no range stepping');
    this.resumes++;
    this.interruptRequested = false;
    const run = this.run(opts);
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    }).catch(() => undefined);
  }

  waitForStop(): Promise<StopEvent> {
    if (!this.running) return Promise.reject(new Error('waitForStop() without a resume()'));
    return this.running;
  }

  async interrupt(): Promise<void> {
    if (this.running) this.interruptRequested = true;
  }

  async detach(opts: { leavePaused?: boolean } = {}): Promise<void> {
    if (this.running) {
      this.interruptRequested = true;
      await this.running;
    }
    this.detached = { leavePaused: !!opts.leavePaused };
  }

  async restart(): Promise<void> {
    throw new Error('the fake cannot restart');
  }

  async kill(): Promise<void> {
    this.killed = true;
    this.exited = true;
  }

  close(): void {}

  private requireStopped(): void {
    if (this.exited) throw new Error('The program is not being run.');
    if (this.running) throw new Error('Cannot do that while the target runs');
  }

  private vcpu(id: number): RegisterSet {
    const r = this.regs.get(id);
    if (!r) throw new Error(`Unknown vCPU ${id}`);
    return r;
  }

  private region(addr: bigint, len: number): { base: bigint; bytes: Uint8Array } {
    const r = this.regions.find((x) => addr >= x.base && addr + BigInt(len) <= x.base + BigInt(x.bytes.length));
    if (!r) throw new MemoryError(addr);
    return r;
  }

  /** Runs the resumed vCPUs one instruction at a time (yielding between them, so interrupt() can land). */
  private async run(opts: { step?: number; only?: number; range?: { start: bigint; end: bigint } }): Promise<StopEvent> {
    const only = opts.step ?? opts.only;
    const vcpus = only !== undefined ? [only] : [...this.regs.keys()];
    for (let first = true; ; first = false) {
      await new Promise((r) => setImmediate(r));
      if (this.interruptRequested) return { vcpu: vcpus[0], reason: { kind: 'interrupted' } };
      for (const v of vcpus) {
        const stepping = opts.step === v;
        const out = this.execute(v, first);
        if (out) return out;
        if (!stepping) continue;
        const pc = this.vcpu(v).get('rip')!;
        if (!opts.range || pc < opts.range.start || pc >= opts.range.end) return { vcpu: v, reason: { kind: 'trap' } };
      }
    }
  }

  /** One instruction of one vCPU; a stop event when it stops the target. */
  private execute(v: number, firstOfResume: boolean): Outcome {
    const regs = this.vcpu(v);
    const pc = regs.get('rip')!;
    // A planted breakpoint fires before its instruction, except right where the resume started.
    if (this.planted.has(pc) && !firstOfResume) {
      if (this.capabilities.trapPc === 'after-int3') regs.set('rip', pc + 1n);
      return { vcpu: v, reason: { kind: 'trap' } };
    }
    let op: Uint8Array;
    try {
      op = this.peek(pc, 1);
    } catch {
      return { vcpu: v, reason: { kind: 'signal', signal: 11, name: 'SIGSEGV' } };
    }
    switch (op[0]) {
      case 0x90:
        regs.set('rip', pc + 1n);
        return undefined;
      case 0xcc:
        regs.set('rip', this.capabilities.trapPc === 'after-int3' ? pc + 1n : pc);
        return { vcpu: v, reason: { kind: 'trap' } };
      case 0x66:
        if (this.peek(pc + 1n, 1)[0] !== 0x90) return { vcpu: v, reason: { kind: 'signal', signal: 4, name: 'SIGILL' } };
        regs.set('rip', pc + 2n);
        return undefined;
      case 0xeb:
        if (this.peek(pc + 1n, 1)[0] === 0xfe) return undefined; // jmp .: stays put
        return { vcpu: v, reason: { kind: 'signal', signal: 4, name: 'SIGILL' } };
      case 0xc3: {
        const sp = regs.get('rsp')!;
        regs.set('rip', Buffer.from(this.peek(sp, 8)).readBigUInt64LE(0));
        regs.set('rsp', sp + 8n);
        return undefined;
      }
      case 0xf4:
        this.exited = true;
        return { reason: { kind: 'exited', code: Number(regs.get('rax')! & 0xffn) } };
      default:
        return { vcpu: v, reason: { kind: 'signal', signal: 4, name: 'SIGILL' } };
    }
  }
}
