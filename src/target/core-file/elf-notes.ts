// ELF notes (PT_NOTE segments, SHT_NOTE sections): name, type and descriptor of each, bounds-checked, count capped.
import { ByteReader } from '../../util/byte-reader.js';
import { PT_NOTE } from '../../elf/elf.js';
import { FormatError } from '../../util/errors.js';
import type { FileImage } from './file-image.js';

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

/** More notes than this in one core means a corrupted file (a 4096-thread process has ~20000). */
const MAX_NOTES = 200_000;
/** No note segment we read is bigger than this. */
const MAX_NOTE_BYTES = 256 * 1024 * 1024;

/** Notes of a blob in the standard 4-byte aligned layout; `where` names the blob in errors. */
export function parseNotes(bytes: Uint8Array, where: string): ElfNote[] {
  const r = new ByteReader(bytes, where);
  const out: ElfNote[] = [];
  while (r.remaining >= 12) {
    if (out.length >= MAX_NOTES) r.fail(`more than ${MAX_NOTES} notes`);
    const namesz = r.u32();
    const descsz = r.u32();
    const type = r.u32();
    const nameBytes = r.bytesN(namesz);
    r.skip(pad4(namesz) - namesz);
    const nul = nameBytes.indexOf(0);
    const name = Buffer.from(nameBytes.subarray(0, nul < 0 ? namesz : nul)).toString('latin1');
    const desc = r.bytesN(descsz);
    r.skip(Math.min(pad4(descsz) - descsz, r.remaining));
    out.push({ name, type, desc });
  }
  return out;
}

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

function pad4(n: number): number {
  return (n + 3) & ~3;
}
