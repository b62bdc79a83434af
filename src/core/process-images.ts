// The process's images as core follows them: the main program's load bias (auxv), the shared-library list, and the
// dynamic linker's event address (r_brk) where the list changes.
import { PT_INTERP } from '../elf/elf.js';
import { AT, auxvValue, type AuxvEntry } from '../target/auxv.js';
import type { LibraryEntry, Target } from '../target/contract.js';
import { ImageSet, type LibraryImage } from '../symbols/image-set.js';
import { libraryOpener } from '../symbols/library-files.js';
import { DEFAULT_SYSROOT } from '../symbols/sysroot.js';
import { loadBiasOf } from '../symbols/load-bias.js';
import type { Program } from '../symbols/program.js';
import type { UnitFile } from '../dwarf/unit.js';
import { UserError, errorMessage } from '../util/errors.js';

/** The function the dynamic linker calls after each change to its list (glibc's r_brk). */
const EVENT_FUNCTION = '_dl_debug_state';

export class ProcessImages {
  readonly set: ImageSet;
  /** gdb's `set sysroot`: where the target's library paths are looked up. */
  sysroot = DEFAULT_SYSROOT;
  /** r_brk, once the dynamic linker is known: a stop there is a library event, not the user's. */
  eventAddress: bigint | undefined;
  private auxv: AuxvEntry[] = [];
  /** The library list the target's symbol questions were last answered for. */
  private symbolsOffered?: readonly LibraryImage[];
  /** The main program's link_map entry (for its thread-local variables), when the target says. */
  mainLm?: bigint;
  private readonly said = new Set<string>();

  constructor(private readonly target: Target, program: Program, private readonly warn: (message: string) => void) {
    this.set = new ImageSet(program);
  }

  get main(): Program {
    return this.set.main;
  }

  /** True when the target can tell anything about the process's images (gdbserver, a Linux core). */
  get followed(): boolean {
    return this.target.processImage !== undefined;
  }

  /**
   * A new process (attach, run): the main program's load bias from its auxv, then its libraries.
   * Returns true when the main program moved (breakpoints must be resolved again).
   */
  async attach(): Promise<boolean> {
    const img = this.target.processImage;
    if (!img) return false;
    this.auxv = await img.auxv().catch((e: unknown) => {
      this.once(`warning: cannot read the auxiliary vector: ${errorMessage(e)}`);
      return [];
    });
    const main = this.set.main;
    const bias = loadBiasOf(main.elf, auxvValue(this.auxv, AT.ENTRY), auxvValue(this.auxv, AT.PHDR));
    let moved = false;
    if (bias !== undefined && bias !== main.bias) {
      main.rebase(bias);
      this.set.mainMoved();
      moved = true;
    }
    this.set.update([], this.opener()); // the old process's libraries are gone
    this.eventAddress = undefined;
    await this.refresh();
    return moved;
  }

  /** gdb's `set sysroot`: libraries are read again from under `path`. */
  async setSysroot(path: string): Promise<void> {
    this.sysroot = path;
    this.set.update([], this.opener());
    this.eventAddress = undefined;
    this.said.clear();
    await this.refresh();
  }

  /** Reads the library list again (at attach and at each library event); returns the libraries that appeared. */
  async refresh(): Promise<LibraryImage[]> {
    const img = this.target.processImage;
    if (!img) return [];
    let list: LibraryEntry[] = [];
    try {
      const got = await img.libraries();
      list = got.libraries;
      this.mainLm = got.mainLm;
    } catch (e) {
      this.once(`warning: cannot read the shared library list: ${errorMessage(e)}`);
    }
    const entries = [...list];
    // Before the dynamic linker has set up its list (a process at its first instruction), gdb already knows
    // the interpreter: the main program's PT_INTERP, loaded at AT_BASE.
    const interp = this.interpreter();
    const base = auxvValue(this.auxv, AT.BASE);
    if (interp && base && !entries.some((e) => e.name === interp || e.l_addr === base)) entries.unshift({ name: interp, lm: 0n, l_addr: base, l_ld: 0n });
    const added = this.set.update(entries, this.opener());
    for (const l of added) if (l.problem) this.once(`warning: ${l.problem}`);
    this.findEventAddress();
    return added;
  }

  /**
   * The address of thread-local `offset` of the image whose debug info is `dwarf`, in thread `vcpu`: the target
   * asked with that image's link_map entry, as gdb does (a library's from the list, the program's main-lm).
   */
  async threadLocalAddress(dwarf: UnitFile, offset: bigint, vcpu: number): Promise<bigint> {
    const img = this.target.processImage;
    if (!img?.tlsAddress) throw new UserError('Cannot find thread-local variables on this target');
    const lib = this.set.libraries.find((l) => l.program && l.program.dwarfIs(dwarf));
    const lm = lib ? lib.lm : this.mainLm;
    if (!lm) throw new UserError('Cannot find thread-local storage: the link map of the module is not known');
    try {
      return await img.tlsAddress(vcpu, offset, lm);
    } catch (e) {
      // gdbserver finds TLS through libthread_db, which it loads once told the symbols it asks for (gdb's qSymbol).
      if (!img.offerSymbols || this.symbolsOffered === this.set.libraries) throw e;
      this.symbolsOffered = this.set.libraries;
      await img.offerSymbols((name) => {
        for (const p of this.set.programs()) {
          const s = p.symbols.named(name).find((x) => x.value !== 0n);
          if (s) return s.value;
        }
        return undefined;
      });
      return img.tlsAddress(vcpu, offset, lm);
    }
  }

  private opener() {
    return libraryOpener(this.sysroot, (m) => this.once(`warning: ${m}`));
  }

  /** The dynamic linker's path from the main program's PT_INTERP (undefined for a static program). */
  private interpreter(): string | undefined {
    const elf = this.set.main.elf;
    const seg = elf.segments.find((s) => s.type === PT_INTERP);
    if (!seg || seg.filesz <= 1 || seg.offset + seg.filesz > elf.bytes.length) return undefined;
    return Buffer.from(elf.bytes.subarray(seg.offset, seg.offset + seg.filesz - 1)).toString('latin1');
  }

  /** r_brk: _dl_debug_state in the library loaded at AT_BASE (the dynamic linker). */
  private findEventAddress(): void {
    if (this.eventAddress !== undefined) return;
    const base = auxvValue(this.auxv, AT.BASE);
    const ld = this.set.libraries.find((l) => l.bias === base)?.program;
    const sym = ld?.symbols.named(EVENT_FUNCTION)[0];
    if (sym) this.eventAddress = sym.value;
  }

  private once(message: string): void {
    if (this.said.has(message)) return;
    this.said.add(message);
    this.warn(message);
  }
}
