// x86-64 DWARF register numbers <-> register names (System V psABI, figure 3.36).

/** DWARF column of the return address in x86-64 CFI (the "rip" column). */
export const X86_64_RA_COLUMN = 16;
export const DW_REG_RSP = 7;
export const DW_REG_RBP = 6;
export const DW_REG_RIP = 16;

const NAMES = new Map<number, string>();
const NUMBERS = new Map<string, number>();

function def(n: number, name: string): void {
  NAMES.set(n, name);
  NUMBERS.set(name, n);
}

['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp'].forEach((r, i) => def(i, r));
for (let i = 8; i <= 15; i++) def(i, `r${i}`);
def(16, 'rip');
for (let i = 0; i <= 15; i++) def(17 + i, `xmm${i}`);
for (let i = 0; i <= 7; i++) def(33 + i, `st${i}`);
for (let i = 0; i <= 7; i++) def(41 + i, `mm${i}`);
def(49, 'rflags');
['es', 'cs', 'ss', 'ds', 'fs', 'gs'].forEach((r, i) => def(50 + i, r));
def(58, 'fs_base');
def(59, 'gs_base');
def(62, 'tr');
def(63, 'ldtr');
def(64, 'mxcsr');
def(65, 'fcw');
def(66, 'fsw');
for (let i = 16; i <= 31; i++) def(67 + i - 16, `xmm${i}`);
for (let i = 0; i <= 7; i++) def(118 + i, `k${i}`);

/** Aliases accepted by dwarfRegNumber (names used by the target contract and by gdb). */
const ALIASES: Record<string, string> = { eflags: 'rflags', 'fs.base': 'fs_base', 'gs.base': 'gs_base', pc: 'rip', sp: 'rsp', fp: 'rbp' };

/** Name of DWARF register `n` ("rax", "xmm3", ...), or `r<n>` for numbers without a name. */
export function dwarfRegName(n: number): string {
  return NAMES.get(n) ?? `r${n}`;
}

/** Name of DWARF register `n`, or undefined when x86-64 defines none. */
export function dwarfRegNameOrUndefined(n: number): string | undefined {
  return NAMES.get(n);
}

/** DWARF number of a register name (case-insensitive; accepts eflags, pc, sp, fp), or undefined. */
export function dwarfRegNumber(name: string): number | undefined {
  // Names from a register set are already canonical: answered without building a lower-case copy (every stop maps them all).
  const exact = NUMBERS.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  return NUMBERS.get(ALIASES[lower] ?? lower);
}

/**
 * Registers the x86-64 psABI says a callee preserves (rbx, rbp, r12-r15): when CFI gives no rule
 * for them, the caller's value equals the callee's ("same value"). rsp is not listed: its caller
 * value is the CFA.
 */
export const CALLEE_SAVED = [3, 6, 12, 13, 14, 15] as const;
