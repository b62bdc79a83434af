// The x86-64 Linux signal trampoline (glibc's __restore_rt): where a signal handler returns to, recognised by its code as gdb does.
import type { MemoryRead } from '../types.js';

/** mov $15 (rt_sigreturn), %rax; syscall */
const RT_SIGRETURN = Uint8Array.of(0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05);
const SYSCALL_AT = 7;

/**
 * Is pc inside the trampoline (at its mov or at its syscall)? Single-stepping through it returns to the
 * code the signal interrupted (the kernel restores the saved context), which is what `step` and
 * `next` out of a handler must do when the C library's own frames cannot be unwound.
 */
export async function inSigreturnTrampoline(pc: bigint, read: MemoryRead): Promise<boolean> {
  for (const offset of [0, SYSCALL_AT]) {
    const code = await read(pc - BigInt(offset), RT_SIGRETURN.length).catch(() => undefined);
    if (code && code.every((b, i) => b === RT_SIGRETURN[i])) return true;
  }
  return false;
}
