// The koffi boundary to native-shim/build/libduster_xen.so: the only file that touches koffi; everything it exports is typed.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { DomainInfo, VcpuState } from '../extensions.js';
import { packageRoot } from '../../util/package-root.js';

/** Error codes of the shim (duster_xen.h); other negative values are -errno. */
export const DX_E = {
  BADHANDLE: -10001, UNMAPPED: -10002, NOGDBSX: -10003, NODOMAIN: -10004,
  TOOMANY: -10005, NOXENSTORE: -10006, RANGE: -10007, CLOSED: -10008,
} as const;

export const DX_F = {
  EXISTS: 0x001, PAUSED: 0x002, SHUTDOWN: 0x004, CRASHED: 0x008, DYING: 0x010,
  HVM: 0x020, DEBUGGED: 0x040, BLOCKED: 0x080, RUNNING: 0x100,
} as const;

export const DX_STOP = { RUNNING: 0, PAUSED: 1, SHUTDOWN: 2, GONE: 3, WOKEN: 4 } as const;

export const ABI_VERSION = 4;
/** StopReport.event: the waiter found a vCPU on a spin site and paused the domain. */
export const DX_EVENT_SPIN = 0x100;
export const MAX_SPIN_SITES = 64;
export const REGS_SIZE = 232;
/** Indices into the register block (duster_xen.h enum). */
export const REG_INDEX = {
  rax: 0, rbx: 1, rcx: 2, rdx: 3, rsi: 4, rdi: 5, rbp: 6, rsp: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
  rip: 16, eflags: 17, cs: 18, ss: 19, ds: 20, es: 21, fs: 22, gs: 23,
  fs_base: 24, gs_base_kernel: 25, gs_base_user: 26, cr3: 27, ctx_flags: 28,
} as const;

export type { DomainInfo, VcpuState } from '../extensions.js';

export interface StopReport {
  state: number;
  vcpu: number;
  event: number;
  shutdownReason: number;
  polls: bigint;
  /** CLOCK_MONOTONIC µs (same clock as process.hrtime): last look that saw it running (0n: none), end of the detecting look. */
  tRunningUs: bigint;
  tDetectUs: bigint;
  lookUs: bigint;
  /** DX_EVENT_SPIN: the spin site the vCPU sat on. */
  address: bigint;
}

/** Typed view of the shim. Every method returns the C return code (>= 0 ok, < 0 error). */
export interface Shim {
  readonly path: string;
  strerror(code: number): string;
  open(domid: number): number;
  close(h: number): number;
  findDomain(name: string): number;
  domainName(domid: number): string | number;
  info(h: number): DomainInfo | number;
  vcpuInfo(h: number, vcpu: number): VcpuState | number;
  pause(h: number): number;
  unpause(h: number): number;
  setDebugging(h: number, on: boolean): number;
  gdbsxProbe(h: number): number;
  gdbsxStatus(h: number): StopReport | number;
  vcpuPause(h: number, vcpu: number): number;
  vcpuUnpause(h: number, vcpu: number): number;
  /** Fills `regs` (REGS_SIZE bytes). */
  getRegs(h: number, vcpu: number, regs: Buffer): number;
  setRegs(h: number, vcpu: number, regs: Buffer, mask: number): number;
  /** `fail` (8 bytes) receives the first address that could not be accessed. */
  readMem(h: number, vcpu: number, addr: bigint, buf: Buffer, fail: Buffer): number;
  writeMem(h: number, vcpu: number, addr: bigint, buf: Buffer, fail: Buffer): number;
  readFrame(h: number, mfn: bigint, page: Buffer): number;
  flushCache(h: number): number;
  /** The machine frame of `va`'s page by the vCPU's page tables (bigint), or an error code. */
  translate(h: number, vcpu: number, va: bigint): bigint | number;
  /** A PV vCPU's event upcall mask before the call; writes `value` when it is 0-255 (-1 only reads). */
  upcallMask(h: number, sharedInfoFrame: bigint, vcpu: number, value: number): number;
  /** Runs on a koffi worker thread; resolves with the C return code and the report. */
  waitStop(h: number, firstUs: number, maxUs: number, budgetUs: number): Promise<{ rc: number; stop: StopReport }>;
  wake(h: number): number;
  /** Spin sites the waiter checks every vCPU's rip against (at most MAX_SPIN_SITES). */
  setSpinSites(h: number, addrs: bigint[]): number;
}

/** Where the shim is looked for: $DUSTER_XEN_SHIM, then native-shim/build/ of this package. */
export function shimPath(): string {
  if (process.env.DUSTER_XEN_SHIM) return resolve(process.env.DUSTER_XEN_SHIM);
  return join(packageRoot(), 'native-shim', 'build', 'libduster_xen.so');
}

function decodeStop(b: Buffer): StopReport {
  return {
    state: b.readUInt32LE(0), vcpu: b.readInt32LE(4), event: b.readUInt32LE(8), shutdownReason: b.readUInt32LE(12), polls: b.readBigUInt64LE(16),
    tRunningUs: b.readBigUInt64LE(24), tDetectUs: b.readBigUInt64LE(32), lookUs: b.readBigUInt64LE(40), address: b.readBigUInt64LE(48),
  };
}

/**
 * Loads koffi and the shim. Throws Error with a one-line message when koffi, the shim or the Xen
 * libraries it links against are missing (the message of dlopen names the missing file).
 */
export function loadShim(path = shimPath()): Shim {
  if (!existsSync(path)) throw new Error(`shim not found at ${path}`);
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const koffi: any = require('koffi');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lib: any = koffi.load(path);
  const f = (sig: string) => lib.func(sig);
  const abi = f('int dx_abi_version()')() as number;
  if (abi !== ABI_VERSION) throw new Error(`shim ABI ${abi}, expected ${ABI_VERSION}: rebuild it (make -C native-shim)`);
  const strerror = f('const char *dx_strerror(int code)');
  const open = f('int dx_open(uint32_t domid)');
  const close = f('int dx_close(int h)');
  const find = f('int dx_find_domain(const char *name)');
  const name = f('int dx_domain_name(uint32_t domid, void *buf, uint32_t len)');
  const info = f('int dx_info(int h, void *out)');
  const vcpuInfo = f('int dx_vcpu_info(int h, uint32_t vcpu, void *out)');
  const pause = f('int dx_pause(int h)');
  const unpause = f('int dx_unpause(int h)');
  const setDebugging = f('int dx_set_debugging(int h, int on)');
  const probe = f('int dx_gdbsx_probe(int h)');
  const status = f('int dx_gdbsx_status(int h, void *out)');
  const vpause = f('int dx_vcpu_pause(int h, uint32_t vcpu)');
  const vunpause = f('int dx_vcpu_unpause(int h, uint32_t vcpu)');
  const getRegs = f('int dx_get_regs(int h, uint32_t vcpu, void *out)');
  const setRegs = f('int dx_set_regs(int h, uint32_t vcpu, void *in, uint32_t mask)');
  const readMem = f('int dx_read_mem(int h, uint32_t vcpu, uint64_t addr, void *buf, uint32_t len, void *fail)');
  const writeMem = f('int dx_write_mem(int h, uint32_t vcpu, uint64_t addr, void *buf, uint32_t len, void *fail)');
  const readFrame = f('int dx_read_frame(int h, uint64_t mfn, void *buf)');
  const flush = f('int dx_flush_cache(int h)');
  const translate = f('int dx_translate(int h, uint32_t vcpu, uint64_t va, void *mfn)');
  const upcallMask = f('int dx_upcall_mask(int h, uint64_t shared_info_frame, uint32_t vcpu, int value)');
  const wait = f('int dx_wait_stop(int h, uint32_t first_us, uint32_t max_us, uint32_t budget_us, void *out)');
  const wake = f('int dx_wake(int h)');
  const setSpin = f('int dx_set_spin_sites(int h, void *addrs, uint32_t n)');
  return {
    path,
    strerror: (c) => String(strerror(c)),
    open: (d) => open(d),
    close: (h) => close(h),
    findDomain: (n) => find(n),
    domainName: (d) => {
      const b = Buffer.alloc(256);
      const rc = name(d, b, b.length) as number;
      return rc < 0 ? rc : b.toString('utf8', 0, Math.max(0, b.indexOf(0)));
    },
    info: (h) => {
      const b = Buffer.alloc(64);
      const rc = info(h, b) as number;
      if (rc < 0) return rc;
      return {
        domid: b.readUInt32LE(0), flags: b.readUInt32LE(4), shutdownReason: b.readUInt32LE(8),
        guestWidth: b.readUInt32LE(12), maxVcpuId: b.readUInt32LE(16), onlineVcpus: b.readUInt32LE(20),
        totPages: b.readBigUInt64LE(24), maxPages: b.readBigUInt64LE(32), sharedInfoFrame: b.readBigUInt64LE(40),
        cpuTimeNs: b.readBigUInt64LE(48),
      };
    },
    vcpuInfo: (h, v) => {
      const b = Buffer.alloc(32);
      const rc = vcpuInfo(h, v, b) as number;
      if (rc < 0) return rc;
      return { online: b.readUInt32LE(0) !== 0, blocked: b.readUInt32LE(4) !== 0, running: b.readUInt32LE(8) !== 0, cpu: b.readUInt32LE(12), cpuTimeNs: b.readBigUInt64LE(16) };
    },
    pause: (h) => pause(h),
    unpause: (h) => unpause(h),
    setDebugging: (h, on) => setDebugging(h, on ? 1 : 0),
    gdbsxProbe: (h) => probe(h),
    gdbsxStatus: (h) => {
      const b = Buffer.alloc(56);
      const rc = status(h, b) as number;
      return rc < 0 ? rc : decodeStop(b);
    },
    vcpuPause: (h, v) => vpause(h, v),
    vcpuUnpause: (h, v) => vunpause(h, v),
    getRegs: (h, v, regs) => (regs.length < REGS_SIZE ? DX_E.RANGE : getRegs(h, v, regs)),
    setRegs: (h, v, regs, mask) => (regs.length < REGS_SIZE ? DX_E.RANGE : setRegs(h, v, regs, mask)),
    readMem: (h, v, a, buf, fail) => (fail.length < 8 ? DX_E.RANGE : readMem(h, v, a, buf, buf.length, fail)),
    writeMem: (h, v, a, buf, fail) => (fail.length < 8 ? DX_E.RANGE : writeMem(h, v, a, buf, buf.length, fail)),
    readFrame: (h, mfn, page) => (page.length < 4096 ? DX_E.RANGE : readFrame(h, mfn, page)),
    flushCache: (h) => flush(h),
    translate: (h, v, va) => {
      const b = Buffer.alloc(8);
      const rc = translate(h, v, BigInt.asUintN(64, va), b) as number;
      return rc < 0 ? rc : b.readBigUInt64LE(0);
    },
    upcallMask: (h, frame, v, value) => upcallMask(h, frame, v, value),
    waitStop: (h, first, max, budget) => new Promise((res, rej) => {
      const b = Buffer.alloc(56);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      wait.async(h, first, max, budget, b, (err: any, rc: number) => (err ? rej(err instanceof Error ? err : new Error(String(err))) : res({ rc, stop: decodeStop(b) })));
    }),
    wake: (h) => wake(h),
    setSpinSites: (h, addrs) => {
      if (addrs.length > MAX_SPIN_SITES) return DX_E.RANGE;
      const b = Buffer.alloc(Math.max(8, addrs.length * 8));
      addrs.forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, a), i * 8));
      return setSpin(h, b, addrs.length);
    },
  };
}
