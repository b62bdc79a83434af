// The shared libraries of a Linux core: the dynamic linker's link_map in the dumped memory (as gdb reads it), else the ELF files NT_FILE maps.
import { ET_DYN, PT_DYNAMIC, PT_LOAD } from '../../elf/elf.js';
import { AT, auxvValue, type AuxvEntry } from '../auxv.js';
import type { LibraryEntry, LibraryList } from '../extensions.js';
import { readLinkMap, withoutVdso, type MemoryReader } from '../link-map.js';
import type { FileMapping } from './linux-notes.js';

const MAX_PHDRS = 256;

/**
 * gdb walks r_debug in the core's memory; that needs the program's dynamic section and ld.so's data,
 * which a kernel core always has. When the walk fails (a gcore of a static program, memory the core
 * lacks) or finds nothing, the mapped ELF files of NT_FILE stand in for the list.
 */
export async function coreLibraries(read: MemoryReader, auxv: readonly AuxvEntry[], mappings: readonly FileMapping[]): Promise<LibraryList> {
  try {
    const list = withoutVdso(await readLinkMap(read, auxv), auxv);
    if (list.libraries.length > 0) return list;
  } catch {
    // fall back to NT_FILE below
  }
  return { libraries: await mappedLibraries(read, auxv, mappings) };
}

/**
 * One entry per shared object NT_FILE maps (not the program: the file holding AT_ENTRY), in address
 * order: l_addr is where the file's first mapping starts minus the vaddr of its PT_LOAD at file
 * offset 0, read from the ELF header in the core; l_ld is l_addr plus PT_DYNAMIC's vaddr; lm is 0
 * (no link_map). Mapped files that are not ELF shared objects (locale archives, fonts) are left out.
 */
export async function mappedLibraries(read: MemoryReader, auxv: readonly AuxvEntry[], mappings: readonly FileMapping[]): Promise<LibraryEntry[]> {
  const entry = auxvValue(auxv, AT.ENTRY);
  const program = entry === undefined ? undefined : mappings.find((m) => entry >= m.start && entry < m.end)?.path;
  const first = new Map<string, FileMapping>();
  for (const m of [...mappings].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    if (m.path !== program && m.fileOffset === 0n && !first.has(m.path)) first.set(m.path, m);
  }
  const out: LibraryEntry[] = [];
  for (const m of first.values()) {
    const lib = await sharedObjectAt(read, m);
    if (lib) out.push(lib);
  }
  return out;
}

/** The library whose ELF header is at the start of `m`, or undefined when it is none (or unreadable). */
async function sharedObjectAt(read: MemoryReader, m: FileMapping): Promise<LibraryEntry | undefined> {
  try {
    const h = await read(m.start, 64);
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (dv.getUint32(0, false) !== 0x7f454c46 || h[4] !== 2 || dv.getUint16(16, true) !== ET_DYN) return undefined;
    const phoff = dv.getBigUint64(32, true);
    const phentsize = dv.getUint16(54, true);
    const phnum = dv.getUint16(56, true);
    if (phentsize < 56 || phnum === 0 || phnum > MAX_PHDRS || phoff > 0x10000n) return undefined;
    const ph = await read(m.start + phoff, phnum * phentsize);
    const pv = new DataView(ph.buffer, ph.byteOffset, ph.byteLength);
    let base: bigint | undefined;
    let dynamic: bigint | undefined;
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const type = pv.getUint32(at, true);
      const vaddr = pv.getBigUint64(at + 16, true);
      if (type === PT_LOAD && pv.getBigUint64(at + 8, true) === 0n) base ??= vaddr;
      if (type === PT_DYNAMIC) dynamic = vaddr;
    }
    if (base === undefined) return undefined;
    const lAddr = BigInt.asUintN(64, m.start - base);
    return { name: m.path, lm: 0n, l_addr: lAddr, l_ld: dynamic === undefined ? 0n : BigInt.asUintN(64, lAddr + dynamic) };
  } catch {
    return undefined; // header not in the core and the file not readable: no entry, as gdb warns and goes on
  }
}
