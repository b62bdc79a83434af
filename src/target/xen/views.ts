// What the Xen-specific commands (info xen, console) may ask a Xen target; importing this never loads koffi.
import type { Target } from '../contract.js';
import type { DomainInfo, VcpuState } from './ffi.js';

export interface XenDomainSnapshot {
  domid: number;
  name: string;
  info: DomainInfo;
  vcpus: (VcpuState & { id: number; rip?: bigint })[];
}

export interface XenViews {
  readonly xen: true;
  readonly domid: number;
  readonly name: string;
  readonly strategy: 'trap' | 'spin';
  readonly gdbsx: boolean;
  readonly stats: { stops: number; polls: bigint };
  /** Domain state, memory and every vCPU (with rip when it can be read). */
  snapshot(): XenDomainSnapshot;
  /** One machine frame of the guest (PV: the frames start_info names). */
  readFrame(mfn: bigint): Uint8Array;
}

export function asXen(t: Target | undefined): (Target & XenViews) | undefined {
  return t && (t as Partial<XenViews>).xen === true ? (t as Target & XenViews) : undefined;
}

/** DX_F bits (duster_xen.h), repeated here so the views need no FFI module at run time. */
export const DOMAIN_FLAGS = {
  PAUSED: 0x002, SHUTDOWN: 0x004, CRASHED: 0x008, DYING: 0x010, HVM: 0x020, DEBUGGED: 0x040, BLOCKED: 0x080, RUNNING: 0x100,
} as const;
