// An ELF file's dynamic section: its entries, DT_NEEDED / DT_SONAME names and the DT_DEBUG slot where ld.so puts r_debug.
import { ByteReader, stringAt } from '../util/byte-reader.js';
import { PT_DYNAMIC, SHT_DYNAMIC, type ElfFile } from './elf.js';

export const DT_NULL = 0n;
export const DT_NEEDED = 1n;
export const DT_STRTAB = 5n;
export const DT_SONAME = 14n;
export const DT_DEBUG = 21n;

export interface DynamicEntry {
  tag: bigint;
  value: bigint;
}

/** Where the dynamic section is: its file address, bytes and the string table its names index. */
function dynamicSection(elf: ElfFile): { addr: bigint; bytes: Uint8Array; strtab?: Uint8Array } | undefined {
  const sec = elf.sections.find((x) => x.type === SHT_DYNAMIC);
  if (sec) {
    const str = elf.sections[sec.link];
    return { addr: sec.addr, bytes: elf.data(sec), strtab: str ? elf.data(str) : undefined };
  }
  const seg = elf.segments.find((x) => x.type === PT_DYNAMIC);
  const bytes = seg ? elf.readVirtual(seg.vaddr, seg.filesz) : undefined;
  return seg && bytes ? { addr: seg.vaddr, bytes } : undefined;
}

/** The entries up to DT_NULL; empty for a static file. */
export function dynamicEntries(elf: ElfFile): DynamicEntry[] {
  const dyn = dynamicSection(elf);
  const out: DynamicEntry[] = [];
  if (!dyn) return out;
  const r = new ByteReader(dyn.bytes, '.dynamic');
  while (r.remaining >= 16) {
    const tag = r.u64();
    const value = r.u64();
    if (tag === DT_NULL) break;
    out.push({ tag, value });
  }
  return out;
}

/** DT_NEEDED names in order and DT_SONAME (from the section headers' string table). */
export function dynamicNames(elf: ElfFile): { needed: string[]; soname?: string } {
  const dyn = dynamicSection(elf);
  const out: { needed: string[]; soname?: string } = { needed: [] };
  if (!dyn?.strtab) return out;
  for (const e of dynamicEntries(elf)) {
    if ((e.tag !== DT_NEEDED && e.tag !== DT_SONAME) || e.value >= BigInt(dyn.strtab.length)) continue;
    const name = stringAt(dyn.strtab, Number(e.value), '.dynstr');
    if (e.tag === DT_NEEDED) out.needed.push(name);
    else out.soname = name;
  }
  return out;
}

/** The file address of the DT_DEBUG entry's value (ld.so stores &r_debug there), when the file has one. */
export function debugSlotAddress(elf: ElfFile): bigint | undefined {
  const dyn = dynamicSection(elf);
  const i = dynamicEntries(elf).findIndex((e) => e.tag === DT_DEBUG);
  return dyn === undefined || i < 0 ? undefined : dyn.addr + BigInt(i * 16 + 8);
}
