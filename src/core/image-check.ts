// Does the target run the program whose debug info we loaded? Compares the build-id note (else the entry code) with target memory.
import type { ElfFile } from '../elf/elf.js';

/** Bytes compared at the entry point when the image has no build-id note. */
const ENTRY_BYTES = 32;

/**
 * The loaded image's identity as it sits in memory: the build-id note (a loaded section, so the target
 * holds the same bytes at the same address), else the first instructions at the entry point. gdb
 * compares build-ids (exec.c validate_exec_file); reading them from memory works on every backend.
 */
function identity(elf: ElfFile): { address: bigint; bytes: Uint8Array; what: string } | undefined {
  const note = elf.section('.note.gnu.build-id');
  if (note && note.addr !== 0n && note.size > 0) return { address: note.addr, bytes: elf.data(note), what: 'build-id' };
  const code = elf.entry !== 0n ? elf.readVirtual(elf.entry, ENTRY_BYTES) : undefined;
  return code ? { address: elf.entry, bytes: code, what: 'code at the entry point' } : undefined;
}

/**
 * The warning to give when the target's memory does not hold the image at `elf.path` (in gdb's
 * words, "Mismatch between current exec-file ..."), or undefined when it does or cannot be told
 * (the bytes cannot be read: say nothing, as gdb does without a build-id).
 */
export async function imageMismatch(elf: ElfFile, read: (address: bigint, len: number) => Promise<Uint8Array>): Promise<string | undefined> {
  const id = identity(elf);
  if (!id) return undefined;
  let actual: Uint8Array;
  try {
    actual = await read(id.address, id.bytes.length);
  } catch {
    return undefined;
  }
  if (Buffer.compare(Buffer.from(actual), Buffer.from(id.bytes)) === 0) return undefined;
  return `Mismatch between current exec-file ${elf.path} and the program the target runs (their ${id.what} differs)`;
}
