// ELF notes (name, type, descriptor; bounds-checked, count capped), the GNU build-id and .gnu_debuglink, and gdb's debuglink CRC32.
import { ByteReader } from '../util/byte-reader.js';

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

/** NT_GNU_BUILD_ID, in a note named "GNU". */
export const NT_GNU_BUILD_ID = 3;

/** More notes than this in one blob means a corrupted file (a core of a 4096-thread process has ~20000). */
const MAX_NOTES = 200_000;

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

/** The build-id bytes of a notes blob (GNU / NT_GNU_BUILD_ID), or undefined. */
export function buildIdIn(notes: readonly ElfNote[]): Uint8Array | undefined {
  const n = notes.find((x) => x.name === 'GNU' && x.type === NT_GNU_BUILD_ID && x.desc.length > 0);
  return n?.desc;
}

/** The contents of .gnu_debuglink: a file name, NUL, padding to 4, then the CRC32 of the debug file. */
export interface DebugLink {
  name: string;
  crc: number;
}

/** Parses .gnu_debuglink; undefined when the section is malformed (no NUL, no room for the CRC, an empty name). */
export function parseDebugLink(bytes: Uint8Array): DebugLink | undefined {
  const nul = bytes.indexOf(0);
  if (nul <= 0) return undefined;
  const crcAt = pad4(nul + 1);
  if (crcAt + 4 > bytes.length) return undefined;
  const name = Buffer.from(bytes.subarray(0, nul)).toString('utf8');
  const crc = new DataView(bytes.buffer, bytes.byteOffset + crcAt, 4).getUint32(0, true);
  return { name, crc };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, zlib's), which gdb's gnu_debuglink_crc32 computes over a whole debug file; `crc` continues a running value. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const table = (crcTable ??= makeCrcTable());
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function makeCrcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
