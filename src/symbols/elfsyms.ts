// ELF symbol table lookups: address -> symbol+offset (gdb's <demo+185>), and the "Non-debugging symbols" list.
import type { ElfFile, ElfSymbol } from '../elf/elf.js';
import { pltSymbols } from './plt.js';

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_NOTYPE = 0;
const STT_GNU_IFUNC = 10;

export class ElfSymbols {
  /** Code and data symbols with an address, sorted by address. */
  readonly sorted: ElfSymbol[];
  private pltCache?: ElfSymbol[];

  constructor(private readonly elf: ElfFile) {
    this.sorted = elf.symbols()
      .filter((s) => s.name && s.shndx !== 0 && s.shndx < 0xff00 && (s.type === STT_FUNC || s.type === STT_OBJECT || s.type === STT_NOTYPE || s.type === STT_GNU_IFUNC) && !s.name.startsWith('$'))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  /** The symbol at or before `addr` (inside it when it has a size), preferring functions and global binding. */
  lookup(addr: bigint): { symbol: ElfSymbol; offset: bigint } | undefined {
    const v = this.sorted;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid]!.value <= addr) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0) return undefined;
    const at = v[i]!.value;
    let best = v[i]!;
    for (let j = i; j >= 0 && v[j]!.value === at; j--) {
      const s = v[j]!;
      const rank = (x: ElfSymbol): number => (x.type === STT_FUNC ? 2 : 0) + (x.bind === 1 ? 1 : 0);
      if (rank(s) > rank(best)) best = s;
    }
    if (best.size > 0 && addr >= best.value + BigInt(best.size)) return undefined; // past the end of a sized symbol
    return { symbol: best, offset: addr - best.value };
  }

  /** gdb's "<name+off>" (or "<name>") for an address, or '' when no symbol is near. */
  describe(addr: bigint): string {
    const p = this.plt().find((x) => addr >= x.value && addr < x.value + BigInt(x.size));
    const s = p ? { symbol: p, offset: addr - p.value } : this.lookup(addr);
    if (!s) return '';
    return s.offset === 0n ? `<${s.symbol.name}>` : `<${s.symbol.name}+${s.offset}>`;
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
