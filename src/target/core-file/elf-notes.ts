// The notes of a core's PT_NOTE segments (the note parser itself is elf/notes.ts).
import { parseNotes, type ElfNote } from '../../elf/notes.js';
import { PT_NOTE } from '../../elf/elf.js';
import { FormatError } from '../../util/errors.js';
import type { FileImage } from './file-image.js';

export { parseNotes, type ElfNote };

/** No note segment we read is bigger than this. */
const MAX_NOTE_BYTES = 256 * 1024 * 1024;

/** All notes of the PT_NOTE segments of an image. */
export function segmentNotes(img: FileImage): ElfNote[] {
  const out: ElfNote[] = [];
  for (const seg of img.elf.segments) {
    if (seg.type !== PT_NOTE || seg.filesz === 0) continue;
    const where = `PT_NOTE at offset 0x${seg.offset.toString(16)}`;
    if (seg.filesz > MAX_NOTE_BYTES) throw new FormatError(`${img.path}: ${where} has an absurd size 0x${seg.filesz.toString(16)}`);
    for (const n of parseNotes(img.read(seg.offset, seg.filesz, where), `${img.path}: ${where}`)) out.push(n);
  }
  return out;
}
