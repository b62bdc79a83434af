// NT_X86_XSTATE as gdb 13 reads it: ymmNh, k0-7, zmmNh, xmm16-31 at the standard XSAVE offsets, or <unavailable> when the note is short.
import { ByteReader } from '../../util/byte-reader.js';

/** Where the XSAVE image keeps XCR0 (the kernel's sw_reserved area) and XSTATE_BV. */
const XSAVE_XCR0 = 464;
const XSAVE_XSTATE_BV = 512;

const AVX = 1n << 2n;
const MPX = (1n << 3n) | (1n << 4n);
const OPMASK = 1n << 5n;
const ZMM_H = 1n << 6n;
const ZMM = 1n << 7n;
const AVX512 = OPMASK | ZMM_H | ZMM;
const PKRU = 1n << 9n;

/**
 * gdb 13's X86_XSTATE_SIZE(xcr0): the size it expects of the note for the features XCR0 enables. gdb
 * reads the image at these fixed (Intel) offsets, and ignores a shorter note (CPUs that leave MPX out,
 * such as AMD's, lay the AVX-512 state out lower): "Section `.reg-xstate/N' in core file too small."
 */
function gdbXstateSize(xcr0: bigint): number {
  if (xcr0 & PKRU) return 2696;
  if (xcr0 & AVX512) return 2688;
  if (xcr0 & MPX) return 1088;
  if (xcr0 & AVX) return 832;
  return 576;
}

export interface XstateRegisters {
  values: Map<string, bigint>;
  /** Registers the target has (XCR0 says so) but gdb cannot read from this note: printed <unavailable>. */
  unavailable: Set<string>;
}

/** The registers an NT_X86_XSTATE note adds to NT_FPREGSET's (x87, xmm0-15 and mxcsr come from there). */
export function decodeXstate(desc: Uint8Array): XstateRegisters {
  const out: XstateRegisters = { values: new Map(), unavailable: new Set() };
  if (desc.length < XSAVE_XSTATE_BV + 8) return out;
  const r = new ByteReader(desc, 'NT_X86_XSTATE');
  r.pos = XSAVE_XCR0;
  const xcr0 = r.u64();
  r.pos = XSAVE_XSTATE_BV;
  const inUse = r.u64();
  const names: [bigint, string, number, number][] = []; // feature, name, offset, bytes
  const add = (feature: bigint, name: string, offset: number, bytes: number): void => void names.push([feature, name, offset, bytes]);
  for (let i = 0; i < 16; i++) add(AVX, `ymm${i}h`, 576 + i * 16, 16);
  for (let i = 16; i < 32; i++) {
    add(ZMM, `xmm${i}`, 1664 + (i - 16) * 64, 16);
    add(ZMM, `ymm${i}h`, 1664 + 16 + (i - 16) * 64, 16);
  }
  for (let i = 0; i < 8; i++) add(OPMASK, `k${i}`, 1088 + i * 8, 8);
  for (let i = 0; i < 16; i++) add(ZMM_H, `zmm${i}h`, 1152 + i * 32, 32);
  for (let i = 16; i < 32; i++) add(ZMM, `zmm${i}h`, 1664 + 32 + (i - 16) * 64, 32);
  add(PKRU, 'pkru', 2688, 4);
  const readable = desc.length >= gdbXstateSize(xcr0);
  for (const [feature, name, offset, bytes] of names) {
    if (!(xcr0 & feature)) continue;
    if (!readable) {
      out.unavailable.add(name);
      continue;
    }
    // A component in its init state (XSTATE_BV bit clear) reads as zeros.
    let v = 0n;
    if (inUse & feature) {
      r.pos = offset;
      const b = r.bytesN(bytes);
      for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    }
    out.values.set(name, v);
  }
  return out;
}
