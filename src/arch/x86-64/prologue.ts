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

/** Where a function's frame is at a pc without CFI, as gdb's amd64 prologue unwinder sees it (amd64_frame_cache). */
export interface FrameSetup {
  /** No `mov %rsp,%rbp` executed yet (or none at all): the frame's base comes from rsp, else from rbp. */
  frameless: boolean;
  /** base = rsp + spOffset when frameless; the caller's rsp is base + 16, the return address is at base + 8. */
  spOffset: number;
  /** `push %rbp` has run: the caller's rbp is at base. */
  rbpSaved: boolean;
}

/**
 * gdb's amd64_analyze_prologue: how much of `[endbr64] push %rbp; mov %rsp,%rbp` has run when the pc is
 * `pcOffset` bytes into the function whose first bytes are `code` (at least 8). Without the push the
 * function is frameless: the return address is where rsp points.
 */
export function frameSetupAt(code: Uint8Array, pcOffset: number): FrameSetup {
  const setup: FrameSetup = { frameless: true, spOffset: -8, rbpSaved: false };
  const i = isEndbr64(code) ? 4 : 0;
  if (pcOffset <= i || code[i] !== 0x55) return setup;
  setup.rbpSaved = true;
  setup.spOffset = 0;
  if (pcOffset <= i + 1) return setup;
  if (framePrologueLength(code) > 0) setup.frameless = false;
  return setup;
}
