// Relocatable objects (ET_REL, `gcc -c`), read as gdb reads them: loaded sections placed one after the other, symbols
// made absolute, and x86-64 RELA relocations applied to the debug sections (their string, abbreviation and address
// references are relocations until a linker resolves them).
import { ByteReader } from '../util/byte-reader.js';

export const ET_REL = 1;
export const SHT_RELA = 4;

const SHN_LORESERVE = 0xff00;
const R_X86_64_NONE = 0;
const R_X86_64_64 = 1;
const R_X86_64_PC32 = 2;
const R_X86_64_32 = 10;
const R_X86_64_32S = 11;
const R_X86_64_PC64 = 24;
/** Offsets in the TLS block: the location of a `__thread` variable in .debug_info (DW_OP_const8u ... form_tls_address). */
const R_X86_64_DTPOFF64 = 17;
const R_X86_64_DTPOFF32 = 21;
/** Bytes written by each supported relocation type. */
const WIDTH = new Map<number, 4 | 8>([[R_X86_64_64, 8], [R_X86_64_PC32, 4], [R_X86_64_32, 4], [R_X86_64_32S, 4], [R_X86_64_PC64, 8],
  [R_X86_64_DTPOFF64, 8], [R_X86_64_DTPOFF32, 4]]);

/** What relocating needs to know about one section of the object. */
export interface RelocationInput {
  /** The section's own bytes (decompressed). */
  data: Uint8Array;
  /** The section's address (as placed by `placeSections`). */
  address: bigint;
  /** The RELA section's bytes. */
  rela: Uint8Array;
  relaName: string;
  /** The symbol table the RELA section links to, made absolute by `absoluteSymbols`. */
  symtab: Uint8Array;
}

/**
 * gdb's default_symfile_offsets for an object whose loaded sections all sit at 0: each allocated section is placed
 * after the previous one, at its alignment. Returns the address of each section by index (0 for the others).
 */
export function placeSections(sections: readonly { size: number; flags: number; addr: bigint; align: number }[], SHF_ALLOC: number): bigint[] {
  const loaded = sections.filter((s) => s.flags & SHF_ALLOC && s.size > 0);
  if (loaded.some((s) => s.addr !== 0n)) return sections.map((s) => s.addr);
  let next = 0n;
  return sections.map((s) => {
    if (!(s.flags & SHF_ALLOC) || s.size === 0) return s.addr;
    const align = BigInt(Math.max(1, s.align));
    const at = ((next + align - 1n) / align) * align;
    next = at + BigInt(s.size);
    return at;
  });
}

/** A copy of an object's symbol table with each st_value made absolute (plus its section's address). */
export function absoluteSymbols(symtab: Uint8Array, sectionAddress: (index: number) => bigint | undefined): Uint8Array {
  const out = Uint8Array.from(symtab);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let o = 0; o + 24 <= out.length; o += 24) {
    const shndx = view.getUint16(o + 6, true);
    if (shndx === 0 || shndx >= SHN_LORESERVE) continue;
    view.setBigUint64(o + 8, BigInt.asUintN(64, view.getBigUint64(o + 8, true) + (sectionAddress(shndx) ?? 0n)), true);
  }
  return out;
}

/**
 * A copy of `data` with every relocation applied (S + A, or S + A - P for pc-relative types). A relocation of a type
 * that does not occur in debug sections is refused with a FormatError naming it, rather than guessed.
 */
export function applyRelocations(input: RelocationInput): Uint8Array {
  const out = Uint8Array.from(input.data);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const r = new ByteReader(input.rela, input.relaName);
  const syms = new DataView(input.symtab.buffer, input.symtab.byteOffset, input.symtab.byteLength);
  while (r.remaining >= 24) {
    const at = r.pos;
    const offset = r.u64n();
    const info = r.u64();
    const addend = BigInt.asIntN(64, r.u64());
    const type = Number(info & 0xffffffffn);
    if (type === R_X86_64_NONE) continue;
    const width = WIDTH.get(type) ?? r.fail(`unsupported x86-64 relocation type ${type}`, at);
    if (offset + width > out.length) r.fail(`relocation at 0x${offset.toString(16)} is outside its section`, at);
    const sym = Number(info >> 32n) * 24;
    if (sym + 24 > syms.byteLength) r.fail(`relocation names symbol ${sym / 24}, past the end of the symbol table`, at);
    const s = syms.getBigUint64(sym + 8, true);
    const pcRelative = type === R_X86_64_PC32 || type === R_X86_64_PC64;
    const value = s + addend - (pcRelative ? input.address + BigInt(offset) : 0n);
    if (width === 8) view.setBigUint64(offset, BigInt.asUintN(64, value), true);
    else view.setUint32(offset, Number(BigInt.asUintN(32, value)), true);
  }
  return out;
}
