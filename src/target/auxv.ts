// The ELF auxiliary vector (Linux x86-64): the AT_* constants and one decoder, for core files (NT_AUXV) and qXfer:auxv:read.
import { ByteReader } from '../util/byte-reader.js';

/** One auxv entry; `type` is an AT_* constant. */
export interface AuxvEntry {
  type: number;
  value: bigint;
}

/** The AT_* types gdb's `info auxv` knows on Linux (include/elf/common.h); enough to name what Linux puts there. */
export const AT = {
  NULL: 0, IGNORE: 1, EXECFD: 2, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9,
  NOTELF: 10, UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23,
  BASE_PLATFORM: 24, RANDOM: 25, HWCAP2: 26, EXECFN: 31, SYSINFO: 32, SYSINFO_EHDR: 33,
  MINSIGSTKSZ: 51, RSEQ_FEATURE_SIZE: 27, RSEQ_ALIGN: 28,
} as const;

/** No Linux process has more auxv entries than this; a longer vector is a corrupt note or a hostile stub. */
const MAX_ENTRIES = 4096;

/**
 * Decodes a 64-bit auxv (pairs of little-endian u64), stopping at AT_NULL. `what` names the source in
 * errors ("NT_AUXV", "qXfer:auxv:read"). A trailing partial entry is ignored, as gdb does.
 */
export function decodeAuxv(bytes: Uint8Array, what = 'auxv'): AuxvEntry[] {
  const r = new ByteReader(bytes, what);
  const out: AuxvEntry[] = [];
  while (r.remaining >= 16 && out.length < MAX_ENTRIES) {
    const type = r.u64();
    const value = r.u64();
    if (type === 0n) break; // AT_NULL
    // A type past 2^53 is no AT_* constant; keep it out of the number range of real ones.
    out.push({ type: type > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(type), value });
  }
  return out;
}

/** The value of the first entry of `type`, if present. */
export function auxvValue(entries: readonly AuxvEntry[], type: number): bigint | undefined {
  return entries.find((e) => e.type === type)?.value;
}
