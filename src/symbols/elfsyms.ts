// ELF symbol table lookups: address -> symbol+offset (gdb's <demo+185>), and the "Non-debugging symbols" list.
import { decodeUtf8 } from '../util/byte-reader.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { SHF_ALLOC, SHF_EXECINSTR, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB, type ElfFile, type ElfSection, type ElfSymbol } from '../elf/elf.js';
import { pltSymbols } from './plt.js';

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_NOTYPE = 0;
const STT_GNU_IFUNC = 10;
const SHF_TLS = 0x400;

/**
 * The usable symbols in compact form (typed arrays, names undecoded), sorted by address. A kernel has
 * 100,000+ symbols: making an object per symbol up front costs a second; lookups need only a few.
 */
interface Table {
  /** Symbol entries (index into the symtab), sorted by address, ties in symtab order. */
  order: Uint32Array;
  /** Address halves by position in `order`, for a search without BigInt allocation. */
  hi: Uint32Array;
  lo: Uint32Array;
  syms: DataView;
  strs: Uint8Array;
}

export class ElfSymbols {
  private pltCache?: ElfSymbol[];
  private tableCache?: Table;
  private sortedCache?: ElfSymbol[];
  private readonly made = new Map<number, ElfSymbol>();

  constructor(private readonly elf: ElfFile) {}

  private get table(): Table {
    if (this.tableCache) return this.tableCache;
    const elf = this.elf;
    const tab = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
    const bytes = tab ? elf.data(tab) : new Uint8Array(0);
    const strsec = tab ? elf.sections[tab.link] : undefined;
    const strs = strsec ? elf.data(strsec) : new Uint8Array(0);
    const syms = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Math.floor(bytes.length / 24);
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * 24;
      const nameOff = syms.getUint32(o, true);
      const type = syms.getUint8(o + 4) & 0xf;
      const shndx = syms.getUint16(o + 6, true);
      if (!nameOff || nameOff >= strs.length || strs[nameOff] === 0 || strs[nameOff] === 0x24 /* $ */) continue;
      if (shndx === 0 || shndx >= 0xff00) continue;
      if (type !== STT_FUNC && type !== STT_OBJECT && type !== STT_NOTYPE && type !== STT_GNU_IFUNC) continue;
      keep.push(i);
    }
    // Sort positions by (address, symtab index) reading the halves from flat arrays.
    const m = keep.length;
    const kh = new Uint32Array(m);
    const kl = new Uint32Array(m);
    for (let k = 0; k < m; k++) {
      kh[k] = syms.getUint32(keep[k]! * 24 + 12, true);
      kl[k] = syms.getUint32(keep[k]! * 24 + 8, true);
    }
    const perm = new Uint32Array(m);
    for (let k = 0; k < m; k++) perm[k] = k;
    perm.sort((a, b) => kh[a]! - kh[b]! || kl[a]! - kl[b]! || a - b);
    const order = new Uint32Array(m);
    const hi = new Uint32Array(m);
    const lo = new Uint32Array(m);
    for (let k = 0; k < m; k++) {
      const p = perm[k]!;
      order[k] = keep[p]!;
      hi[k] = kh[p]!;
      lo[k] = kl[p]!;
    }
    return (this.tableCache = { order, hi, lo, syms, strs });
  }

  /** The symbol object for symtab entry `i` (made once). */
  private symbolAt(i: number): ElfSymbol {
    let s = this.made.get(i);
    if (!s) {
      const t = this.table;
      const o = i * 24;
      const nameOff = t.syms.getUint32(o, true);
      let end = t.strs.indexOf(0, nameOff);
      if (end < 0) end = t.strs.length;
      const info = t.syms.getUint8(o + 4);
      const size = t.syms.getBigUint64(o + 16, true);
      s = {
        name: decodeUtf8(t.strs, nameOff, end),
        // Kept symbols are all defined in a section (see `table`): they move with the image.
        value: t.syms.getBigUint64(o + 8, true) + this.elf.bias,
        size: size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size),
        type: info & 0xf,
        bind: info >> 4,
        shndx: t.syms.getUint16(o + 6, true),
      };
      this.made.set(i, s);
    }
    return s;
  }

  /** Code and data symbols with an address, sorted by address. */
  get sorted(): ElfSymbol[] {
    return (this.sortedCache ??= Array.from(this.table.order, (i) => this.symbolAt(i)));
  }

  /**
   * gdb's lookup_minimal_symbol_by_pc_section: the nearest symbol at or before `addr` in the section holding
   * `addr` (none outside the image's sections). A zero-sized symbol (a label) gives way to a sized one further
   * back that still covers `addr`; a sized symbol that ends before `addr` names it only through such a label.
   * Among symbols at one address, functions and global binding win.
   */
  lookup(addr: bigint): { symbol: ElfSymbol; offset: bigint } | undefined {
    const t = this.table;
    const section = this.sectionAt(addr);
    if (!section) return undefined;
    // The table holds link-time values: search with the file address.
    const fileAddr = addr - this.elf.bias;
    if (fileAddr < 0n || fileAddr >= 1n << 64n) return undefined;
    const lo = this.positionAfter(fileAddr);
    const shndxAt = (k: number): number => t.syms.getUint16(t.order[k]! * 24 + 6, true);
    const sizeAt = (k: number): bigint => t.syms.getBigUint64(t.order[k]! * 24 + 16, true);
    // Sorted by address: nothing before the section's start lies in it (the walk stays within the section).
    const start = section.addr - this.elf.bias;
    const sh = Number((start >> 32n) & 0xffffffffn);
    const sl = Number(start & 0xffffffffn);
    let i = lo - 1;
    let zeroSized = -1;
    for (; i >= 0; i--) {
      if (t.hi[i]! < sh || (t.hi[i] === sh && t.lo[i]! < sl)) {
        i = -1;
        break;
      }
      if (shndxAt(i) !== section.index) continue;
      if (sizeAt(i) !== 0n) break;
      if (zeroSized < 0) zeroSized = i;
    }
    if (zeroSized >= 0 && i < 0) i = zeroSized;
    if (i < 0) return undefined;
    if (sizeAt(i) !== 0n && addr >= this.symbolAt(t.order[i]!).value + sizeAt(i)) {
      if (zeroSized < 0) return undefined; // past the end of a sized symbol
      i = zeroSized;
    }
    let best = this.symbolAt(t.order[i]!);
    const rank = (x: ElfSymbol): number => (x.type === STT_FUNC ? 2 : 0) + (x.bind === 1 ? 1 : 0);
    for (let j = i - 1; j >= 0 && t.hi[j] === t.hi[i] && t.lo[j] === t.lo[i]; j--) {
      const s = this.symbolAt(t.order[j]!);
      if (s.shndx === section.index && rank(s) > rank(best)) best = s;
    }
    return { symbol: best, offset: addr - best.value };
  }

  /** The first position in the sorted table whose address is above `fileAddr` (a link-time address). */
  private positionAfter(fileAddr: bigint): number {
    const t = this.table;
    const ah = Number((fileAddr >> 32n) & 0xffffffffn);
    const al = Number(fileAddr & 0xffffffffn);
    let lo = 0;
    let hi = t.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.hi[mid]! < ah || (t.hi[mid] === ah && t.lo[mid]! <= al)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The allocated section holding `addr` (gdb's find_pc_section; .tbss holds no addresses). */
  private sectionAt(addr: bigint): ElfSection | undefined {
    return this.elf.sections.find((s) => s.flags & SHF_ALLOC && !(s.flags & SHF_TLS && s.type === SHT_NOBITS) && s.size > 0 && addr >= s.addr && addr < s.addr + BigInt(s.size));
  }

  /**
   * The first defined code symbol called `name`: FUNC or GNU_IFUNC, or an untyped label in code (gdb's mst_text for
   * an assembler entry such as Mini-OS's thread_starter).
   */
  functionNamed(name: string): ElfSymbol | undefined {
    return this.named(name).find((s) => s.shndx !== 0 && (s.type === STT_FUNC || s.type === STT_GNU_IFUNC || (s.type === STT_NOTYPE && this.inCode(s))));
  }

  /** The first defined data (OBJECT) symbol called `name` (thread-local ones are not addresses). */
  objectNamed(name: string): ElfSymbol | undefined {
    return this.named(name).find((s) => s.type === STT_OBJECT && s.shndx !== 0);
  }

  /** Symbols called exactly `name` (compared as bytes: no name is decoded but the matches'). */
  named(name: string): ElfSymbol[] {
    return [...this.byName.get(name, (n) => this.scanNamed(n))];
  }
  /** named()'s answers: `break NAME` asks every image, and again at each library change. */
  private readonly byName = new BoundedMemo<string, ElfSymbol[]>(256);

  private scanNamed(name: string): ElfSymbol[] {
    const t = this.table;
    const want = Buffer.from(name, 'utf8');
    const out: ElfSymbol[] = [];
    for (const i of t.order) {
      const off = t.syms.getUint32(i * 24, true);
      if (off + want.length >= t.strs.length || t.strs[off + want.length] !== 0 || t.strs[off] !== want[0]) continue;
      let eq = true;
      for (let k = 1; k < want.length && eq; k++) eq = t.strs[off + k] === want[k];
      if (eq) out.push(this.symbolAt(i));
    }
    return out;
  }

  /** gdb's "<name+off>" (or "<name>") for an address, or '' when no symbol is near. */
  describe(addr: bigint): string {
    const p = this.plt().find((x) => addr >= x.value && addr < x.value + BigInt(x.size));
    const s = p ? { symbol: p, offset: addr - p.value } : this.naming(addr);
    if (!s) return '';
    return s.offset === 0n ? `<${s.symbol.name}>` : `<${s.symbol.name}+${s.offset}>`;
  }

  /**
   * The symbol gdb names an address after in `<sym+off>` (build_address_symbolic): lookup's, except
   * that a zero-sized symbol outside code names nothing (a bare assembler label in .rodata does not
   * name the strings that follow it).
   */
  naming(addr: bigint): { symbol: ElfSymbol; offset: bigint } | undefined {
    const s = this.lookup(addr);
    return s && (s.symbol.size > 0 || this.inCode(s.symbol)) ? s : undefined;
  }

  /**
   * Where a symbol's code or data ends (gdb's minimal_symbol_upper_bound): its size when it has one, else the next
   * symbol in its section at a higher address, else the section's end. Names a label's function to disassemble.
   */
  upperBound(sym: ElfSymbol): bigint {
    if (sym.size > 0) return sym.value + BigInt(sym.size);
    const section = this.sectionOf(sym);
    const sectionEnd = section ? section.addr + BigInt(section.size) : sym.value;
    const t = this.table;
    const lo = this.positionAfter(sym.value - this.elf.bias);
    for (let k = lo; k < t.order.length; k++) {
      if (t.syms.getUint16(t.order[k]! * 24 + 6, true) !== sym.shndx) continue;
      const next = this.symbolAt(t.order[k]!).value;
      return next < sectionEnd ? next : sectionEnd;
    }
    return sectionEnd;
  }

  private inCode(sym: ElfSymbol): boolean {
    const section = this.sectionOf(sym);
    return section !== undefined && (section.flags & SHF_EXECINSTR) !== 0;
  }

  private sectionOf(sym: ElfSymbol): ElfSection | undefined {
    return this.elf.sections.find((x) => x.index === sym.shndx);
  }

  /** Function symbols, for "Non-debugging symbols:". */
  functions(): ElfSymbol[] {
    return this.sorted.filter((s) => s.type === STT_FUNC || s.type === STT_GNU_IFUNC);
  }

  /** Synthetic name@plt symbols (not in .symtab; BFD and gdb derive them from the PLT and its relocations). */
  plt(): ElfSymbol[] {
    return (this.pltCache ??= pltSymbols(this.elf));
  }
}
