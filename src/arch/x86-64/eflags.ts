// THE eflags bit table: bit masks for the emulator and gdb's i386_eflags flags type for printing.

export const CF = 1n << 0n;
export const PF = 1n << 2n;
export const AF = 1n << 4n;
export const ZF = 1n << 6n;
export const SF = 1n << 7n;
export const TF = 1n << 8n;
export const IF = 1n << 9n;
export const DF = 1n << 10n;
export const OF = 1n << 11n;
export const NT = 1n << 14n;
export const RF = 1n << 16n;
export const VM = 1n << 17n;
export const AC = 1n << 18n;
export const ID = 1n << 21n;

/**
 * gdb's i386_eflags type (gdb/features/i386/64bit-core.xml), in field order. Bit 1 is reserved
 * (always set) and unnamed: gdb never prints it.
 */
export const EFLAGS_FIELDS: readonly { name: string; bit: number }[] = ([
  ['CF', CF], ['', 1n << 1n], ['PF', PF], ['AF', AF], ['ZF', ZF], ['SF', SF], ['TF', TF], ['IF', IF], ['DF', DF],
  ['OF', OF], ['NT', NT], ['RF', RF], ['VM', VM], ['AC', AC], ['VIF', 1n << 19n], ['VIP', 1n << 20n], ['ID', ID],
] as const).map(([name, mask]) => ({ name, bit: mask.toString(2).length - 1 }));

/** Names of the named flags set in `value`, in gdb's order. */
export function eflagsNames(value: bigint): string[] {
  return EFLAGS_FIELDS.filter((f) => f.name && (value >> BigInt(f.bit)) & 1n).map((f) => f.name);
}

/** eflags as gdb prints it after the hex value: "[ PF ZF IF ]", "[ ]" when no named flag is set. */
export function formatEflags(value: bigint): string {
  const set = eflagsNames(value);
  return `[ ${set.join(' ')}${set.length ? ' ' : ''}]`;
}
