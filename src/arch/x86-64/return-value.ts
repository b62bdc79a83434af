// Where a returning x86-64 function leaves its value (System V psABI, as gdb reads it after `finish`).
import { leBytes } from './words.js';

/** What the caller knows of the returned type: floats come back in xmm0, small structs in rax:rdx. */
export type ReturnClass = 'integer' | 'float' | 'struct';

/** The value's bytes (from registers), or the address of a value returned in memory. */
export type ReturnLocation = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'memory'; address: bigint };

/**
 * The returned value of `size` bytes: a float up to 8 bytes from xmm0, anything up to 8 bytes from
 * rax, a struct up to 16 bytes from rax:rdx; larger values are in memory at the address in rax.
 * Undefined when a needed register is unavailable (xmm0 on a stub without SSE registers).
 */
export function returnValueLocation(size: number, cls: ReturnClass, reg: (name: string) => bigint | undefined): ReturnLocation | undefined {
  const rax = reg('rax') ?? 0n;
  if (cls === 'float' && size <= 8) {
    const xmm0 = reg('xmm0');
    return xmm0 === undefined ? undefined : { kind: 'bytes', bytes: leBytes(xmm0, 16).subarray(0, size) };
  }
  if (size <= 8) return { kind: 'bytes', bytes: leBytes(rax, 8).subarray(0, size) };
  if (size <= 16 && cls === 'struct') {
    const bytes = new Uint8Array(16);
    bytes.set(leBytes(rax, 8), 0);
    bytes.set(leBytes(reg('rdx') ?? 0n, 8), 8);
    return { kind: 'bytes', bytes: bytes.subarray(0, size) };
  }
  return { kind: 'memory', address: rax };
}
