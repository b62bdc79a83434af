// The dynamic linker's library list read from process memory (r_debug / link_map, as gdb's solib-svr4 does), and gdb's vDSO rule.
import { PT_DYNAMIC, PT_LOAD, PT_PHDR } from '../elf/elf.js';
import { DT_DEBUG, DT_NULL } from '../elf/dynamic.js';
import { AT, auxvValue, type AuxvEntry } from './auxv.js';
import type { LibraryEntry, LibraryList } from './extensions.js';
import { UserError } from '../util/errors.js';

/** Reads target memory; throws (MemoryError or the backend's own) when the bytes are not there. */
export type MemoryReader = (addr: bigint, len: number) => Promise<Uint8Array>;

/** Bounds against a corrupt image: no real program has more headers, dynamic entries, libraries or longer names. */
const MAX_PHDRS = 4096;
const MAX_DYNAMIC = 4096;
const MAX_LIBRARIES = 65_536;
const MAX_NAME = 4096;

function u64(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
}

/**
 * The address of the program's dynamic section in memory: AT_PHDR's program headers, PT_PHDR for the
 * load bias, PT_DYNAMIC for the place. Undefined for a static program (no PT_DYNAMIC).
 */
export async function programDynamic(read: MemoryReader, auxv: readonly AuxvEntry[]): Promise<{ addr: bigint; size: number } | undefined> {
  const phdr = auxvValue(auxv, AT.PHDR);
  const phnum = Number(auxvValue(auxv, AT.PHNUM) ?? 0n);
  const phent = Number(auxvValue(auxv, AT.PHENT) ?? 56n);
  if (phdr === undefined || phnum <= 0) throw new UserError('Cannot find the program headers (no AT_PHDR in the auxiliary vector)');
  if (phnum > MAX_PHDRS || phent < 56 || phent > 1024) throw new UserError(`Implausible program headers in the auxiliary vector (${phnum} of ${phent} bytes)`);
  const bytes = await read(phdr, phnum * phent);
  let bias: bigint | undefined;
  let dynamic: { vaddr: bigint; size: number } | undefined;
  let firstLoad: bigint | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = i * phent;
    const type = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);
    const vaddr = u64(bytes, at + 16);
    if (type === PT_PHDR) bias = phdr - vaddr;
    if (type === PT_LOAD && u64(bytes, at + 8) === 0n) firstLoad ??= vaddr;
    if (type === PT_DYNAMIC) dynamic = { vaddr, size: Number(BigInt.asUintN(32, u64(bytes, at + 40))) };
  }
  if (!dynamic) return undefined;
  // Without PT_PHDR (rare) the headers follow the 64-byte ELF header at the start of the file's first segment.
  bias ??= phdr - 64n - (firstLoad ?? 0n);
  return { addr: BigInt.asUintN(64, dynamic.vaddr + bias), size: dynamic.size };
}

/** A NUL-terminated string in target memory, read in small pieces (it may end just before unmapped memory). */
async function readString(read: MemoryReader, addr: bigint): Promise<string> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < MAX_NAME) {
    const at = addr + BigInt(total);
    // Never past the page end in one read: the string may end just before an unmapped page.
    const piece = await read(at, Math.min(64, 4096 - Number(at & 0xfffn)));
    const nul = piece.indexOf(0);
    parts.push(nul >= 0 ? piece.subarray(0, nul) : piece);
    total += nul >= 0 ? nul : piece.length;
    if (nul >= 0) break;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** struct r_debug as the dynamic linker keeps it (glibc's link.h). */
export interface RDebug {
  /** Where r_debug is (DT_DEBUG's value). */
  addr: bigint;
  r_version: number;
  /** The first link_map entry (the program). */
  r_map: bigint;
  /** The function ld.so calls before and after each change of the list: gdb's shared-library event breakpoint. */
  r_brk: bigint;
  /** RT_CONSISTENT 0, RT_ADD 1, RT_DELETE 2: the list is only complete when consistent. */
  r_state: number;
  /** The dynamic linker's load address. */
  r_ldbase: bigint;
}

/**
 * r_debug, from DT_DEBUG of the program's dynamic section; undefined for a static program or before
 * the dynamic linker has filled DT_DEBUG (stopped at its entry: gdb then breaks on ld.so's
 * _dl_debug_state, found from AT_BASE).
 */
export async function readRDebug(read: MemoryReader, auxv: readonly AuxvEntry[]): Promise<RDebug | undefined> {
  const dyn = await programDynamic(read, auxv);
  if (!dyn) return undefined;
  const count = Math.min(Math.floor(dyn.size / 16), MAX_DYNAMIC);
  const table = await read(dyn.addr, count * 16);
  let addr = 0n;
  for (let i = 0; i < count; i++) {
    const tag = u64(table, i * 16);
    if (tag === DT_NULL) break;
    if (tag === DT_DEBUG) addr = u64(table, i * 16 + 8);
  }
  if (addr === 0n) return undefined;
  const r = await read(addr, 40);
  const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
  return { addr, r_version: dv.getInt32(0, true), r_map: u64(r, 8), r_brk: u64(r, 16), r_state: dv.getInt32(24, true), r_ldbase: u64(r, 32) };
}

/**
 * The library list from r_debug's link_map chain: struct link_map { l_addr; l_name; l_ld; l_next;
 * l_prev }. The first entry is the program (mainLm); entries with an empty name are skipped, as gdb
 * does. Before the dynamic linker has filled DT_DEBUG, or for a static program, the list is empty.
 */
export async function readLinkMap(read: MemoryReader, auxv: readonly AuxvEntry[]): Promise<LibraryList> {
  const rDebug = await readRDebug(read, auxv);
  const out: LibraryList = { libraries: [] };
  if (!rDebug) return out;
  let lm = rDebug.r_map;
  const seen = new Set<bigint>();
  while (lm !== 0n) {
    if (seen.has(lm)) throw new UserError(`The dynamic linker's library list loops (link_map 0x${lm.toString(16)} twice)`);
    if (seen.size >= MAX_LIBRARIES) throw new UserError(`The dynamic linker's library list has more than ${MAX_LIBRARIES} entries`);
    seen.add(lm);
    const fields = await read(lm, 40);
    if (out.mainLm === undefined) out.mainLm = lm;
    else {
      const namePtr = u64(fields, 8);
      const name = namePtr === 0n ? '' : await readString(read, namePtr);
      if (name) out.libraries.push({ name, lm, l_addr: u64(fields, 0), l_ld: u64(fields, 16) });
    }
    lm = u64(fields, 24);
  }
  return out;
}

/** Largest vDSO image we expect (two or three pages today); its dynamic section lies inside it. */
const VDSO_SPAN = 0x10000n;

/**
 * The list without the vDSO, which gdb never shows as a shared library (it has no file): the entry
 * loaded at AT_SYSINFO_EHDR, or whose dynamic section lies in the vDSO image.
 */
export function withoutVdso(list: LibraryList, auxv: readonly AuxvEntry[]): LibraryList {
  const ehdr = auxvValue(auxv, AT.SYSINFO_EHDR);
  if (ehdr === undefined || ehdr === 0n) return list;
  const isVdso = (e: LibraryEntry): boolean => e.l_addr === ehdr || (e.l_ld >= ehdr && e.l_ld - ehdr < VDSO_SPAN);
  return { ...list, libraries: list.libraries.filter((e) => !isVdso(e)) };
}
