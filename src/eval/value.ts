// Values: a type plus bytes (fetched lazily from memory) and where they live; independent of any target.
import type { Piece } from '../dwarf/expr.js';
import { MemoryError } from '../target/contract.js';
import { UserError } from '../util/errors.js';
import { resolve, sizeOf, isSigned, type Type, type FloatType } from '../symbols/types.js';
import { floatToNumber, numberToFloatBytes } from './floats.js';
import { exactFromFloat, exactToLongest } from './float-arith.js';

/** Reads target memory; throws MemoryError ("Cannot access memory at address 0x...") when it cannot. */
export type ReadMemory = (addr: bigint, len: number) => Promise<Uint8Array>;
export type WriteMemory = (addr: bigint, data: Uint8Array) => Promise<void>;

/** Where a value lives (gdb's lval kinds). */
export type Lval =
  | { kind: 'memory'; address: bigint }
  /** `offset`: a member's bytes into the register ($xmm0.v4_float[1]). */
  | { kind: 'register'; name: string; offset?: number }
  | { kind: 'internalvar'; name: string }
  /** A pointer that no longer exists (DW_OP_implicit_pointer): to `offset` bytes into the object of DIE `dieOffset`. */
  | { kind: 'implicit-pointer'; dieOffset: number; offset: bigint }
  /** A composite of DWARF pieces (gdb's lval_computed); `bitOffset`: where this value starts in it. */
  | { kind: 'composite'; pieces: readonly Piece[]; bitOffset: number }
  | { kind: 'none' };

/** gdb's max-value-size: larger values are refused rather than read or allocated. */
export const MAX_VALUE_SIZE = 65536;

/** The byte size of a value of `type` (0 when unknown), refused like gdb when a (corrupt) type is absurdly large. */
export function valueSize(type: Type, unknown = 0): number {
  const n = sizeOf(type) ?? unknown;
  if (n > MAX_VALUE_SIZE) throw new UserError(`value requires ${n} bytes, which is more than max-value-size`);
  return n;
}

/** Per-byte availability: 0 valid, 1 optimized out, 2 synthetic pointer, 3 unavailable. */
export const BYTE_OK = 0;
export const BYTE_OPTIMIZED_OUT = 1;
export const BYTE_SYNTHETIC = 2;
export const BYTE_UNAVAILABLE = 3;

export interface Bitfield {
  /** Bit position relative to the lval's address (little-endian numbering). */
  bitPos: number;
  bitSize: number;
}

/**
 * Per-byte states from per-bit ones: each byte shows its worst bit, so a value never shows bits it does not have;
 * the bits are kept (for bitfields, gdb tracks every bit) only when some byte mixes states.
 */
export function statesFromBits(bits: Uint8Array, size: number): { byteState: Uint8Array; bitState?: Uint8Array } {
  const byteState = new Uint8Array(size);
  let mixed = false;
  for (let i = 0; i < size; i++) {
    const byte = bits.subarray(i * 8, i * 8 + 8);
    byteState[i] = byte.reduce((w, b) => (b !== BYTE_OK ? b : w), BYTE_OK);
    mixed ||= byte.some((b) => b !== byte[0]);
  }
  return mixed ? { byteState, bitState: bits } : { byteState };
}

export class Value {
  private contents?: Uint8Array;
  /** False for history values ($1), which gdb refuses to assign to. */
  modifiable = true;

  constructor(
    readonly type: Type,
    readonly lval: Lval,
    contents?: Uint8Array,
    /** Availability of each byte (absent: every byte valid). */
    readonly byteState?: Uint8Array,
    /** Set when this value is a bitfield extracted from the container at `lval`. */
    readonly bitfield?: Bitfield,
    /**
     * Availability of each bit, only when some byte mixes states (a DW_OP_bit_piece composite): byteState then
     * holds each byte's worst bit, which whole-byte values print by, and bitfields look at their own bits (gdb).
     */
    readonly bitState?: Uint8Array,
  ) {
    this.contents = contents;
  }

  static fromBytes(type: Type, bytes: Uint8Array, lval: Lval = { kind: 'none' }): Value {
    return new Value(type, lval, bytes);
  }

  /** A lazy value in memory: bytes are read on first use. */
  static at(type: Type, address: bigint): Value {
    return new Value(type, { kind: 'memory', address });
  }

  static fromBigInt(type: Type, n: bigint): Value {
    return new Value(type, { kind: 'none' }, bigIntToBytes(n, valueSize(type, 8)));
  }

  static fromNumber(type: FloatType, n: number): Value {
    return new Value(type, { kind: 'none' }, numberToFloatBytes(n, type.format, type.size));
  }

  /** A value whose every byte is optimized out (prints as <optimized out>). */
  static optimizedOut(type: Type): Value {
    const n = valueSize(type);
    return new Value(type, { kind: 'none' }, new Uint8Array(n), new Uint8Array(n).fill(BYTE_OPTIMIZED_OUT));
  }

  get isLazy(): boolean {
    return this.contents === undefined;
  }

  get address(): bigint | undefined {
    return this.lval.kind === 'memory' ? this.lval.address : undefined;
  }

  get size(): number {
    if (sizeOf(this.type) === undefined) throw new UserError('value has an unknown size');
    return valueSize(this.type);
  }

  /** The bytes, reading memory when lazy. */
  async fetch(read: ReadMemory): Promise<Uint8Array> {
    if (this.contents) return this.contents;
    if (this.lval.kind !== 'memory') throw new Error('lazy value not in memory');
    const n = this.size;
    this.contents = n === 0 ? new Uint8Array(0) : await read(this.lval.address, n);
    return this.contents;
  }

  /** Bytes already known (throws when lazy: call fetch first). */
  get bytes(): Uint8Array {
    if (!this.contents) throw new Error('value not fetched');
    return this.contents;
  }

  /** A component `len` bytes at `offset` with `type` (lazy when this is lazy). */
  component(type: Type, offset: number, len = sizeOf(type) ?? 0): Value {
    const lval: Lval = this.lval.kind === 'memory' ? { kind: 'memory', address: this.lval.address + BigInt(offset) }
      : this.lval.kind === 'register' ? { ...this.lval, offset: (this.lval.offset ?? 0) + offset }
      : this.lval.kind === 'composite' ? { ...this.lval, bitOffset: this.lval.bitOffset + offset * 8 }
      : this.lval.kind === 'implicit-pointer' ? { kind: 'none' } : this.lval;
    if (!this.contents) return new Value(type, lval);
    const state = this.byteState?.subarray(offset, offset + len);
    const bits = this.bitState?.subarray(offset * 8, (offset + len) * 8);
    return new Value(type, lval, this.contents.subarray(offset, offset + len), state, undefined, bits);
  }

  /** Worst state over a bit range: per bit when known, else of the bytes holding it. */
  stateOfBits(bitPos: number, bitSize: number): number {
    if (!this.bitState) return this.stateOf(Math.floor(bitPos / 8), Math.floor((bitPos + bitSize - 1) / 8) - Math.floor(bitPos / 8) + 1);
    let worst = BYTE_OK;
    for (let i = bitPos; i < bitPos + bitSize && i < this.bitState.length; i++) if (this.bitState[i]! !== BYTE_OK) worst = this.bitState[i]!;
    return worst;
  }

  /** Worst state over a byte range (BYTE_OK when all valid). */
  stateOf(offset = 0, len = this.contents?.length ?? 0): number {
    if (!this.byteState) return BYTE_OK;
    let worst = BYTE_OK;
    for (let i = offset; i < offset + len && i < this.byteState.length; i++) if (this.byteState[i]! !== BYTE_OK) worst = this.byteState[i]!;
    return worst;
  }

  /** True when no byte is available (a register a core's note does not have). */
  get entirelyUnavailable(): boolean {
    return !!this.byteState && this.byteState.length > 0 && this.byteState.every((b) => b === BYTE_UNAVAILABLE);
  }

  /** True when every byte is optimized out. */
  get entirelyOptimizedOut(): boolean {
    return !!this.byteState && this.byteState.length > 0 && this.byteState.every((b) => b === BYTE_OPTIMIZED_OUT);
  }
}

/** Two's-complement little-endian encoding of `n` in `size` bytes. */
export function bigIntToBytes(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, n);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToBigInt(b: Uint8Array, signed: boolean): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return signed && b.length ? BigInt.asIntN(b.length * 8, v) : v;
}

/** gdb's require_not_optimized_out: using an optimized-out value (`*p`, `p->x`, `p + 1`) is an error, not a read at 0. */
export function requireNotOptimizedOut(v: Value): void {
  const st = v.stateOf();
  if (st === BYTE_OPTIMIZED_OUT) throw new UserError('value has been optimized out');
  if (st === BYTE_UNAVAILABLE) throw new UserError('value is not available');
}

/** gdb's unpack_long: an integral/pointer/float value as an integer (floats truncate, saturating like gdb). */
export function unpackLong(v: Value): bigint {
  requireNotOptimizedOut(v);
  const t = resolve(v.type);
  const b = v.bytes;
  if (t.kind === 'float') {
    return exactToLongest(exactFromFloat(b, t.format));
  }
  if (t.kind === 'int' || t.kind === 'enum' || t.kind === 'bool' || t.kind === 'pointer' || t.kind === 'flags') {
    if (b.length > 8) throw new UserError('That operation is not available on integers of more than 8 bytes.');
    return bytesToBigInt(b, isSigned(t));
  }
  throw new UserError("Value can't be converted to integer.");
}

/** A numeric value as a JS number (for float arithmetic). */
export function unpackDouble(v: Value): number {
  requireNotOptimizedOut(v);
  const t = resolve(v.type);
  if (t.kind === 'float') return floatToNumber(v.bytes, t.format);
  return Number(unpackLong(v));
}

/** Read target memory, reporting a MemoryError at the first unreadable byte (like gdb's partial reads). */
export async function readPartial(read: ReadMemory, addr: bigint, len: number): Promise<{ bytes: Uint8Array; error?: MemoryError }> {
  try {
    return { bytes: await read(addr, len) };
  } catch (e) {
    if (!(e instanceof MemoryError)) throw e;
  }
  const out: number[] = [];
  for (let i = 0; i < len; i++) {
    try {
      out.push((await read(addr + BigInt(i), 1))[0]!);
    } catch (e) {
      if (e instanceof MemoryError) return { bytes: Uint8Array.from(out), error: new MemoryError(addr + BigInt(i)) };
      throw e;
    }
  }
  return { bytes: Uint8Array.from(out) };
}
