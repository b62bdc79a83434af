// Registers of a stopped remote target: one g per vCPU per stop, expedited values, p/P and G fallbacks.
import { GENERAL_REGISTERS, type RegisterSet } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { RemoteError } from './errors.js';
import { fromHex, preview } from './packets.js';
import { encodeRegister, type RegisterLayout } from './registers.js';
import { remoteFailure } from './util.js';

type Requester = (packet: string) => Promise<string>;

/** Valid from one stop to the next resume (clear()); writes keep it valid without a second read. */
export class RegisterCache {
  private readonly values = new Map<number, Map<string, bigint>>();
  /** The raw g reply behind `values`, per vCPU (for G writes without re-reading). */
  private readonly rawG = new Map<number, string>();
  /** Registers the last stop reply carried, per vCPU (until the next resume or register write). */
  private readonly expedited = new Map<number, Map<string, bigint>>();
  private pSupported = true;
  private bigPSupported = true;

  constructor(
    private readonly request: Requester,
    private readonly layout: RegisterLayout,
    /** Makes vcpu the stub's general thread (Hg). */
    private readonly select: (vcpu: number) => Promise<void>,
  ) {}

  clear(): void {
    this.values.clear();
    this.rawG.clear();
    this.expedited.clear();
  }

  /** Registers a stop reply carried (by the stub's register numbers). */
  noteExpedited(vcpu: number, registers: ReadonlyMap<number, Uint8Array>): void {
    if (!registers.size) return;
    const ex = new Map<string, bigint>();
    for (const [num, raw] of registers) {
      const def = this.layout.byNumber.get(num);
      if (def && raw.length * 8 === def.bitsize) ex.set(def.name, this.layout.decodeValue(raw));
    }
    this.expedited.set(vcpu, ex);
  }

  async readOne(vcpu: number, name: string): Promise<bigint | undefined> {
    const cached = this.values.get(vcpu) ?? this.expedited.get(vcpu);
    const v = cached?.get(name);
    if (v !== undefined) return v;
    return (await this.read(vcpu)).get(name);
  }

  async read(vcpu: number): Promise<RegisterSet> {
    const cached = this.values.get(vcpu);
    if (cached) return cached; // read-only for callers (contract): no copy on the hot path
    await this.select(vcpu);
    const reply = await this.request('g');
    if (reply === '' || reply.startsWith('E')) throw remoteFailure('g', reply, `Cannot read the registers of vCPU ${vcpu}`);
    // gdb takes a reply that does not start like register data for a packet out of sync.
    if (!/^[0-9a-fA-Fx]/.test(reply)) throw new RemoteError(`Remote replied unexpectedly to 'g': ${preview(reply)}`);
    const values = this.layout.decodeG(reply);
    this.rawG.set(vcpu, reply);
    // Registers core needs that the g packet did not carry: ask for them one by one.
    for (const name of GENERAL_REGISTERS) {
      const def = this.layout.byName.get(name);
      if (!def || values.has(name) || !this.pSupported) continue;
      const r = await this.request(`p${def.regnum.toString(16)}`);
      if (r === '') this.pSupported = false;
      else if (/^([0-9a-fA-F]{2})+$/.test(r) && r.length === def.bitsize / 4) values.set(name, this.layout.decodeValue(fromHex(r)));
    }
    this.values.set(vcpu, values);
    return values;
  }

  async write(vcpu: number, regs: RegisterSet): Promise<void> {
    for (const name of regs.keys()) if (!this.layout.byName.has(name)) throw new UserError(`Invalid register \`${name}'`);
    await this.select(vcpu);
    // Read once (or reuse this stop's read) so that the G below patches the current values and the
    // cache stays valid after it: one g per stop at most.
    if (!this.bigPSupported && !this.rawG.has(vcpu)) await this.read(vcpu);
    const cachedValues = this.values.get(vcpu);
    const cachedG = this.rawG.get(vcpu);
    this.values.delete(vcpu);
    this.rawG.delete(vcpu);
    this.expedited.delete(vcpu);
    const rest = new Map(regs);
    for (const [name, value] of regs) {
      if (!this.bigPSupported) break;
      const def = this.layout.byName.get(name)!;
      const reply = await this.request(`P${def.regnum.toString(16)}=${encodeRegister(def, value)}`);
      if (reply === '') this.bigPSupported = false;
      else if (reply !== 'OK') throw remoteFailure('P', reply, `Cannot write register ${name}`);
      else rest.delete(name);
    }
    if (rest.size === 0) return;
    // The g text of this stop is still right for every register not being written: no second read.
    const g = cachedG ?? (await this.request('g'));
    if (g === '' || g.startsWith('E')) throw remoteFailure('g', g, `Cannot read the registers of vCPU ${vcpu}`);
    let patched: string;
    try {
      patched = this.layout.patchG(g, rest);
    } catch (e) {
      throw new UserError(e instanceof Error ? e.message : String(e));
    }
    const reply = await this.request(`G${patched}`);
    if (reply !== 'OK') throw remoteFailure('G', reply, `Cannot write the registers of vCPU ${vcpu}`);
    if (cachedValues) {
      for (const [name, value] of regs) cachedValues.set(name, value);
      this.values.set(vcpu, cachedValues);
      this.rawG.set(vcpu, patched);
    }
  }
}
