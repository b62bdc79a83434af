// Little-endian machine words as bigints: masks, reads and writes of 1-8 byte values.

export const MASK64 = (1n << 64n) - 1n;
export const MASK32 = (1n << 32n) - 1n;

/** Little-endian unsigned read of bytes[off..off+len). */
export function leUint(bytes: Uint8Array, off = 0, len = bytes.length): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i] ?? 0);
  return v;
}

/** Little-endian encoding of v in `len` bytes. */
export function leBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
