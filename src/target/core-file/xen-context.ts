// struct vcpu_guest_context of a 64-bit x86 Xen guest (xen/include/public/arch-x86/xen.h) -> registers, as the live backend names them.
import { ByteReader } from '../../util/byte-reader.js';

export const VCPU_CONTEXT_SIZE = 5168;
export const VGCF_IN_KERNEL = 1n << 2n;
export const VGCF_ONLINE = 1n << 5n;

const FLAGS = 512;
const USER_REGS = 520;
/** cpu_user_regs (xen-x86_64.h) in order; `null` for error_code/entry_vector, skipped. */
const GPRS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi'];
const RIP = USER_REGS + 128;
/** Selectors and the rest of user_regs after rip, each in an 8-byte slot (the upper bytes are padding). */
const AFTER_RIP: [string, number, 2 | 8][] = [
  ['cs', 136, 2], ['eflags', 144, 8], ['rsp', 152, 8], ['ss', 160, 2], ['es', 168, 2], ['ds', 176, 2], ['fs', 184, 2], ['gs', 192, 2],
];
const CTRLREG = 4984;
const FS_BASE = 5144;

export interface VcpuContext {
  /** The project's register names (as src/target/xen reports them): rax..gs, fs_base, gs_base_kernel, gs_base_user, cr3, gs_base. */
  registers: Map<string, bigint>;
  /** VGCF_* flags. */
  flags: bigint;
  /** ctrlreg[3]: the kernel page-table base (for 64-bit PV, a machine address). */
  cr3: bigint;
  /** ctrlreg[1]: the user page-table base of a 64-bit PV guest. */
  userCr3: bigint;
}

export function decodeVcpuContext(bytes: Uint8Array, where: string): VcpuContext {
  const r = new ByteReader(bytes, where);
  r.need(VCPU_CONTEXT_SIZE);
  const base = r.pos;
  const at = (off: number, size: 2 | 8 = 8): bigint => {
    r.pos = base + off;
    return size === 2 ? BigInt(r.u16()) : r.u64();
  };
  const registers = new Map<string, bigint>();
  const gprs = new Map(GPRS.map((n, i) => [n, at(USER_REGS + i * 8)]));
  for (const n of ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp']) registers.set(n, gprs.get(n)!);
  registers.set('rsp', at(USER_REGS + 152));
  for (let i = 8; i <= 15; i++) registers.set(`r${i}`, gprs.get(`r${i}`)!);
  registers.set('rip', at(RIP));
  for (const [n, off, size] of AFTER_RIP) if (n !== 'rsp') registers.set(n, at(USER_REGS + off, size));
  registers.set('fs_base', at(FS_BASE));
  registers.set('gs_base_kernel', at(FS_BASE + 8));
  registers.set('gs_base_user', at(FS_BASE + 16));
  const cr3 = at(CTRLREG + 3 * 8);
  registers.set('cr3', cr3);
  const flags = at(FLAGS);
  registers.set('gs_base', flags & VGCF_IN_KERNEL ? registers.get('gs_base_kernel')! : registers.get('gs_base_user')!);
  return { registers, flags, cr3, userCr3: at(CTRLREG + 8) };
}
