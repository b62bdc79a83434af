// A PIE's load bias from what the process tells (auxv's AT_ENTRY and AT_PHDR), as gdb's svr4_exec_displacement finds it.
import { ET_DYN, PT_PHDR, type ElfFile } from '../elf/elf.js';


/**
 * The bias of `elf` in a process whose entry point is `atEntry` and whose program headers sit at `atPhdr`:
 * 0 for a fixed-address executable; AT_ENTRY minus the file's entry for a PIE, checked against AT_PHDR
 * when the file has a PT_PHDR. Undefined when it cannot be told or the two disagree (a different file):
 * the program is then left at its link-time addresses, as gdb does.
 */
export function loadBiasOf(elf: ElfFile, atEntry: bigint | undefined, atPhdr: bigint | undefined): bigint | undefined {
  if (elf.type !== ET_DYN) return 0n;
  if (atEntry === undefined) return undefined;
  const bias = BigInt.asUintN(64, atEntry - (elf.entry - elf.bias));
  const phdr = elf.segments.find((s) => s.type === PT_PHDR);
  if (phdr && atPhdr !== undefined && BigInt.asUintN(64, atPhdr - (phdr.vaddr - elf.bias)) !== bias) return undefined;
  // A load bias is page aligned: anything else means AT_ENTRY is not this file's entry point.
  return bias % 0x1000n === 0n ? bias : undefined;
}
