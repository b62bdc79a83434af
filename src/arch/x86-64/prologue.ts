// x86-64 instruction patterns of function entries: endbr64 and gdb's amd64 frame-setup prologue.

/** True when `code[at..]` is endbr64 (f3 0f 1e fa), the CET landing pad compilers put at entries. */
export function isEndbr64(code: Uint8Array, at = 0): boolean {
  return code[at] === 0xf3 && code[at + 1] === 0x0f && code[at + 2] === 0x1e && code[at + 3] === 0xfa;
}

/**
 * gdb's amd64_analyze_prologue: the length of `[endbr64] push %rbp; mov %rsp,%rbp` at the start of
 * `code` (pass at least 8 bytes), or 0 when the function does not start with it.
 */
export function framePrologueLength(code: Uint8Array): number {
  const i = isEndbr64(code) ? 4 : 0;
  if (code.length < i + 4 || code[i] !== 0x55) return 0;
  const a = code[i + 1];
  const b = code[i + 2];
  const c = code[i + 3];
  if (a === 0x48 && ((b === 0x89 && c === 0xe5) || (b === 0x8b && c === 0xec))) return i + 4;
  if ((a === 0x89 && b === 0xe5) || (a === 0x8b && b === 0xec)) return i + 3;
  return 0;
}
