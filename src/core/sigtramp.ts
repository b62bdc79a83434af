// Unwinding through an x86-64 Linux signal trampoline that has no CFI (musl, unikernels): gdb's amd64-linux sigtramp frame.
// glibc's __restore_rt carries CFI ('S' augmentation) and is unwound by frames.ts through it; this is the fallback.

/** `mov $0xf,%rax; syscall` (rt_sigreturn): the body of every x86-64 Linux sigreturn trampoline. */
const TRAMPOLINE = [0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05];
/** Offset of the syscall instruction in it: a pc there (the kernel reports one) is still in the trampoline. */
const SYSCALL_OFFSET = 7;
/** Offset of uc_mcontext (struct sigcontext) in the ucontext the unwound rsp points at (gdb's AMD64_LINUX_UCONTEXT_SIGCONTEXT_OFFSET). */
const SIGCONTEXT_OFFSET = 40n;
/** DWARF register number -> slot (8 bytes each) in struct sigcontext (gdb's amd64_linux_sc_reg_offset). */
const SLOTS: readonly [number, number][] = [
  [0, 13], [1, 12], [2, 14], [3, 11], [4, 9], [5, 8], [6, 10], [7, 15],
  [8, 0], [9, 1], [10, 2], [11, 3], [12, 4], [13, 5], [14, 6], [15, 7], [16, 16], [49, 17],
];
const DW_RSP = 7;
const DW_RIP = 16;

function le64(b: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}

/** True when `code` starts with the first `n` bytes of the trampoline. */
function matches(code: Uint8Array, n: number): boolean {
  return code.length >= n && TRAMPOLINE.slice(0, n).every((b, i) => code[i] === b);
}

/**
 * True when `pc` is in a sigreturn trampoline by its code (gdb's amd64_linux_sigtramp_p): at its start, or at
 * its syscall (the mov has run, nothing touched the stack).
 */
export async function isSigtrampCode(pc: bigint, readMemory: (a: bigint, n: number) => Promise<Uint8Array>): Promise<boolean> {
  const code = await readMemory(pc, TRAMPOLINE.length).catch(() => undefined);
  if (!code) return false;
  if (matches(code, TRAMPOLINE.length)) return true;
  if (code[0] !== 0x0f || code[1] !== 0x05) return false;
  const before = await readMemory(pc - BigInt(SYSCALL_OFFSET), SYSCALL_OFFSET).catch(() => undefined);
  return before !== undefined && matches(before, SYSCALL_OFFSET);
}

/**
 * The interrupted frame's registers when `frame` is a sigreturn trampoline recognised by its code, read from
 * the sigcontext at rsp + 40; undefined otherwise. The frame's CFA is rsp + 8, gdb's frame id for it.
 */
export async function sigtrampUnwind(
  frame: { pc: bigint; regs: ReadonlyMap<number, bigint> },
  readMemory: (a: bigint, n: number) => Promise<Uint8Array>,
): Promise<{ cfa: bigint; pc: bigint; regs: Map<number, bigint> } | undefined> {
  const rsp = frame.regs.get(DW_RSP);
  if (rsp === undefined || !(await isSigtrampCode(frame.pc, readMemory))) return undefined;
  const bytes = await readMemory(rsp + SIGCONTEXT_OFFSET, 18 * 8).catch(() => undefined);
  if (!bytes || bytes.length < 18 * 8) return undefined;
  const regs = new Map<number, bigint>();
  for (const [reg, slot] of SLOTS) regs.set(reg, le64(bytes, slot * 8));
  return { cfa: rsp + 8n, pc: regs.get(DW_RIP)!, regs };
}

/** Where the trampoline's caller's registers are saved (DWARF number -> address), for `info frame`. */
export function sigcontextSlots(rsp: bigint): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const [reg, slot] of SLOTS) out.set(reg, rsp + SIGCONTEXT_OFFSET + BigInt(slot * 8));
  return out;
}
