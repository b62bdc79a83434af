// Decompression of ELF sections (SHF_COMPRESSED, zlib) and gzip'd images, bounded against zlib and gzip bombs.
import { gunzipSync, inflateSync } from 'node:zlib';
import { ByteReader } from '../util/byte-reader.js';
import { FormatError, errorMessage } from '../util/errors.js';

const ELFCOMPRESS_ZLIB = 1;
/**
 * Guard against absurd sizes in hostile files (a gzip or zlib bomb): no image or section is decompressed to more
 * than this (a kernel with full debug info is a few hundred MB).
 */
const MAX_DECOMPRESSED = 1024 * 1024 * 1024;

/** An SHF_COMPRESSED section's bytes (Elf64_Chdr, then a zlib stream), bounded by the size its header declares. */
export function decompressSection(raw: Uint8Array, name: string): Uint8Array {
  const r = new ByteReader(raw, name);
  const type = r.u32();
  r.u32(); // reserved
  const size = r.u64n();
  r.u64(); // addralign
  if (type !== ELFCOMPRESS_ZLIB) r.fail(`unsupported compression type ${type}`, 0);
  if (size > MAX_DECOMPRESSED) r.fail(`claims an absurd uncompressed size 0x${size.toString(16)}`, 8);
  try {
    // The declared ch_size bounds the output: a section that inflates to more is refused, not expanded. One
    // output chunk of that size: zlib's default 16 KB chunks, concatenated, cost as much again (allocation, GC).
    const out = inflateSync(raw.subarray(24), { maxOutputLength: Math.max(size, 1), chunkSize: outputChunk(size, raw.length) });
    if (out.length !== size) r.fail(`decompressed to ${out.length} bytes, header says ${size}`, 8);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    if (isTooLarge(e)) return r.fail(`decompresses to more than the ${size} bytes its header declares`, 24);
    return r.fail(`cannot decompress: ${errorMessage(e)}`, 24);
  }
}

/**
 * The output buffer for a stream that declares `declared` bytes: that size, but never more than `compressed` bytes
 * can inflate to (deflate's best ratio is 1032:1), so a hostile header cannot make us allocate ahead of the data.
 */
function outputChunk(declared: number, compressed: number): number {
  return Math.max(64, Math.min(declared, compressed * 1032 + 64));
}

/** zlib's error when maxOutputLength is exceeded. */
function isTooLarge(e: unknown): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * gunzip with the output bounded: by the stream's own ISIZE trailer (the uncompressed size mod 2^32; an image
 * that inflates to more is refused, not expanded) and by MAX_DECOMPRESSED.
 */
export function gunzipBounded(bytes: Uint8Array): Uint8Array {
  const isize = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  if (isize > MAX_DECOMPRESSED) throw new FormatError(`declares ${isize} bytes uncompressed, more than the ${MAX_DECOMPRESSED}-byte limit`, { section: 'gzip stream' });
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(isize, 1), chunkSize: outputChunk(isize, bytes.length) });
  } catch (e) {
    if (isTooLarge(e)) throw new FormatError(`decompresses to more than the ${isize} bytes its trailer declares`, { section: 'gzip stream' });
    throw new FormatError(`cannot gunzip: ${errorMessage(e)}`, { section: 'gzip stream' });
  }
}
