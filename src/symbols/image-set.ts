// The images of a process: the main program plus one per shared library, and which of them holds an address.
import type { ElfFile } from '../elf/elf.js';
import { Cfi } from '../dwarf/cfi.js';
import { Program } from './program.js';
import { BoundedMemo } from '../util/bounded-memo.js';

/** One shared library as the dynamic linker lists it, with what could be read of it here. */
export interface LibraryImage {
  /** The path the dynamic linker opened (as the target names it). */
  name: string;
  /** Address of its link_map entry (0 when unknown). */
  lm: bigint;
  /** Its load bias (l_addr). */
  bias: bigint;
  /** Its ELF (and DWARF when found) at that bias; undefined when the file could not be read here. */
  program?: Program;
  /** Why the file could not be read (one line), when `program` is undefined. */
  problem?: string;
}

/** How a library's files are found: the ELF at its bias and its separate debug file, or a one-line reason. */
export type LibraryOpener = (name: string, bias: bigint) => { elf: ElfFile; debug?: ElfFile } | { problem: string };

/** The shape of a library list entry this module needs (the target's LibraryEntry has these fields). */
export interface LibraryListEntry { name: string; lm: bigint; l_addr: bigint }

export class ImageSet {
  private libs: LibraryImage[] = [];
  private cfiCache?: Cfi;

  constructor(readonly main: Program) {}

  get libraries(): readonly LibraryImage[] {
    return this.libs;
  }

  /**
   * Makes the set follow the dynamic linker's list: libraries still loaded at the same place keep
   * their model, new ones are opened with `open`, unloaded ones dropped. Returns the libraries added.
   */
  update(list: readonly LibraryListEntry[], open: LibraryOpener): LibraryImage[] {
    const same = (l: LibraryImage, e: LibraryListEntry): boolean => l.name === e.name && l.bias === e.l_addr;
    // Like gdb, libraries keep their place in the list; new ones are appended in link-map order.
    const next = this.libs.filter((l) => list.some((e) => same(l, e)));
    const added: LibraryImage[] = [];
    for (const e of list) {
      if (!e.name || next.some((l) => same(l, e))) continue; // the main program's own entry carries no name
      const got = open(e.name, e.l_addr);
      const lib: LibraryImage = 'problem' in got
        ? { name: e.name, lm: e.lm, bias: e.l_addr, problem: got.problem }
        : { name: e.name, lm: e.lm, bias: e.l_addr, program: new Program(got.elf, got.debug) };
      next.push(lib);
      added.push(lib);
    }
    const changed = added.length > 0 || next.length !== this.libs.length;
    this.libs = next;
    if (changed) {
      this.cfiCache = undefined;
      this.byAddress.clear();
    }
    return added;
  }

  /** Every image with a model: the main program first, then the libraries in load order (gdb's search order). */
  programs(): Program[] {
    const out: Program[] = [this.main];
    for (const l of this.libs) if (l.program) out.push(l.program);
    return out;
  }

  /** The library whose loaded sections hold `address`. */
  libraryAt(address: bigint): LibraryImage | undefined {
    return this.libs.find((l) => l.program?.elf.loadedSectionAt(address));
  }

  /** The image holding `address`: a library's when one does, else the main program (which answers "unknown" for stray pcs). */
  programAt(address: bigint): Program {
    return this.byAddress.get(address, () => (this.main.elf.loadedSectionAt(address) ? this.main : this.libraryAt(address)?.program ?? this.main));
  }
  private readonly byAddress = new BoundedMemo<bigint, Program>();

  /** The call-frame information of every image (addresses are run-time ones, so one table list serves all). */
  get cfi(): Cfi {
    return (this.cfiCache ??= new Cfi(this.programs().flatMap((p) => Cfi.fromElf(p.elf).tables)));
  }

  /** Forget cached CFI (the main program moved to another load bias). */
  mainMoved(): void {
    this.cfiCache = undefined;
    this.byAddress.clear();
  }

  /** gdb's "0x7ffff7e5a6c0 <malloc+16>" over all images. */
  formatAddress(address: bigint): string {
    return this.programAt(address).formatAddress(address);
  }
}
