// Typed optional backend extensions (Xen domain views, a process's auxv and library list); no backend code here.
import type { AuxvEntry } from './auxv.js';

export type { AuxvEntry } from './auxv.js';

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

/** One loaded shared object as the dynamic linker's link_map records it (gdb's svr4 library list). */
export interface LibraryEntry {
  /** l_name: the path the dynamic linker opened (as the target sees it; resolve it under the sysroot). */
  name: string;
  /** Address of the link_map entry in the target (0 when the source has none, e.g. a core's NT_FILE). */
  lm: bigint;
  /** l_addr: the load bias, added to the file's addresses. */
  l_addr: bigint;
  /** l_ld: the address of the library's dynamic section in the target (0 when unknown). */
  l_ld: bigint;
}

export interface LibraryList {
  /** The main program's link_map entry (libraries-svr4 main-lm), when known. */
  mainLm?: bigint;
  /** Shared libraries in link-map order (the main program and the vDSO are not listed, as in gdb). */
  libraries: LibraryEntry[];
}

/**
 * What a process-like target tells about its image: the auxiliary vector (for the load bias of a PIE:
 * AT_ENTRY, AT_PHDR) and the shared library list. Either call throws a one-line RemoteError/UserError
 * when the target cannot answer.
 */
export interface ProcessImage {
  auxv(): Promise<AuxvEntry[]>;
  libraries(): Promise<LibraryList>;
  /**
   * The address of thread-local `offset` of the module whose link_map entry is `lm`, in thread `vcpu`
   * (gdb's target_translate_tls_address; gdbserver's qGetTLSAddr). Absent: the target cannot say.
   */
  tlsAddress?(vcpu: number, offset: bigint, lm: bigint): Promise<bigint>;
  /** Answers the target's symbol questions (gdbserver's qSymbol: it needs them to find threads' TLS). */
  offerSymbols?(lookup: (name: string) => bigint | undefined): Promise<void>;
}
