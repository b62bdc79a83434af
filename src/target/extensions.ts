// Typed optional backend extensions the command language may use (Xen domain views); no backend code here.

/** A Xen domain's state as the hypervisor reports it (getdomaininfo). */
export interface DomainInfo {
  domid: number;
  flags: number;
  shutdownReason: number;
  guestWidth: number;
  maxVcpuId: number;
  onlineVcpus: number;
  totPages: bigint;
  maxPages: bigint;
  sharedInfoFrame: bigint;
  cpuTimeNs: bigint;
}

/** One vCPU of a Xen domain (getvcpuinfo). */
export interface VcpuState {
  online: boolean;
  blocked: boolean;
  running: boolean;
  cpu: number;
  cpuTimeNs: bigint;
}

export interface XenDomainSnapshot {
  domid: number;
  name: string;
  info: DomainInfo;
  vcpus: (VcpuState & { id: number; rip?: bigint })[];
}

/** What the Xen-specific commands (info xen, console) may ask a Xen target. */
export interface XenViews {
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

/** DX_F bits (duster_xen.h), repeated here so the views need no FFI module at run time. */
export const DOMAIN_FLAGS = {
  PAUSED: 0x002, SHUTDOWN: 0x004, CRASHED: 0x008, DYING: 0x010, HVM: 0x020, DEBUGGED: 0x040, BLOCKED: 0x080, RUNNING: 0x100,
} as const;
