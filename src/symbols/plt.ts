// Synthetic NAME@plt symbols (as BFD and gdb make them): PLT entries decoded to their GOT slot, named by its dynamic relocation.
import { isEndbr64 } from '../arch/x86-64/prologue.js';
import { ByteReader, stringAt } from '../util/byte-reader.js';
import type { ElfFile, ElfSection, ElfSymbol } from '../elf/elf.js';

const SHT_RELA = 4;
const STT_FUNC = 2;
/** Cap on relocations read from one section (hostile files). */
const MAX_RELOCS = 1_000_000;

/** GOT slot address -> symbol name, from the dynamic relocation sections that point into .dynsym. */
function gotSlots(elf: ElfFile): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const rel of elf.sections) {
    if (rel.type !== SHT_RELA || !(rel.name === '.rela.plt' || rel.name === '.rela.dyn')) continue;
    const symtab = elf.sections[rel.link];
    const strtab = symtab ? elf.sections[symtab.link] : undefined;
    if (!symtab || !strtab) continue;
    const syms = elf.data(symtab);
    const strs = elf.data(strtab);
    const r = new ByteReader(elf.data(rel), rel.name);
    for (let i = 0; r.remaining >= 24 && i < MAX_RELOCS; i++) {
      const offset = r.u64();
      const info = r.u64();
      r.i64(); // addend
      const symIndex = Number(info >> 32n);
      if (symIndex === 0 || (symIndex + 1) * 24 > syms.length) continue;
      const nameOff = new DataView(syms.buffer, syms.byteOffset, syms.byteLength).getUint32(symIndex * 24, true);
      if (nameOff === 0 || nameOff >= strs.length) continue;
      const name = stringAt(strs, nameOff, strtab.name);
      // r_offset is a link-time address; the slots are compared with run-time jump targets.
      if (name && !out.has(offset + elf.bias)) out.set(offset + elf.bias, name);
    }
  }
  return out;
}

/** Position of `ff 25 disp32` (jmp *disp(%rip)) in an entry, after optional endbr64 / bnd prefixes. */
function jmpSlot(code: Uint8Array, entry: bigint): bigint | undefined {
  for (let i = 0; i + 6 <= code.length; i++) {
    if (code[i] === 0xff && code[i + 1] === 0x25) {
      const disp = new DataView(code.buffer, code.byteOffset + i + 2, 4).getInt32(0, true);
      return entry + BigInt(i + 6) + BigInt(disp);
    }
    // Only prefixes may come before the jump: endbr64 (f3 0f 1e fa) and bnd (f2).
    if (code[i] === 0xf2) continue;
    if (isEndbr64(code, i)) {
      i += 3;
      continue;
    }
    return undefined;
  }
  return undefined;
}

function entrySize(sec: ElfSection): number {
  if (sec.entsize >= 8 && sec.entsize <= 32) return sec.entsize;
  return sec.name === '.plt.got' ? 8 : 16;
}

/** name@plt symbols for .plt, .plt.sec and .plt.got entries, sorted by address. */
export function pltSymbols(elf: ElfFile): ElfSymbol[] {
  const slots = gotSlots(elf);
  if (!slots.size) return [];
  const out: ElfSymbol[] = [];
  for (const sec of elf.sections) {
    if (sec.name !== '.plt' && sec.name !== '.plt.sec' && sec.name !== '.plt.got') continue;
    const data = elf.data(sec);
    const size = entrySize(sec);
    for (let off = 0; off + size <= data.length && off < 16 * MAX_RELOCS; off += size) {
      const at = sec.addr + BigInt(off);
      const slot = jmpSlot(data.subarray(off, off + size), at);
      const name = slot === undefined ? undefined : slots.get(slot);
      if (name) out.push({ name: `${name}@plt`, value: at, size, type: STT_FUNC, bind: 1, shndx: sec.index });
    }
  }
  return out.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
