// Bounds-checked little-endian byte reader shared by every ELF and DWARF parser; errors name section and offset.
import { FormatError } from './errors.js';

export class ByteReader {
  /** Absolute position inside `bytes`. */
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly section: string,
    start = 0,
    end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new FormatError(`range 0x${start.toString(16)}..0x${end.toString(16)} outside ${bytes.length} bytes`, { section, offset: start });
    }
    this.pos = start;
    this.end = end;
  }

  private view?: DataView;
  private get dv(): DataView {
    return (this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  get remaining(): number {
    return this.end - this.pos;
  }
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, offset = this.pos): never {
    throw new FormatError(message, { section: this.section, offset });
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated: need ${n} bytes, ${this.remaining} left`);
  }

  /** A reader over the next `len` bytes (advancing this one past them). */
  sub(len: number): ByteReader {
    this.need(len);
    const r = new ByteReader(this.bytes, this.section, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  /** A reader at an absolute offset, bounded by this reader's end. */
  at(offset: number, end = this.end): ByteReader {
    if (offset < 0 || offset > end || end > this.bytes.length) this.fail(`offset out of range`, offset);
    return new ByteReader(this.bytes, this.section, offset, end);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  i8(): number {
    this.need(1);
    return this.dv.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(): number {
    this.need(2);
    const v = this.dv.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** 64-bit value as bigint. */
  u64(): bigint {
    this.need(8);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** 64-bit value as a number; fails when it cannot be represented exactly (sizes, offsets). */
  u64n(): number {
    const start = this.pos;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`value 0x${v.toString(16)} too large`, start);
    return Number(v);
  }
  /** Unsigned value of `size` bytes (1, 2, 4 or 8) as bigint. */
  uN(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported size ${size}`);
    }
  }
  uleb(): number {
    let result = 0;
    let mul = 1;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) break;
      mul *= 128;
      if (mul > 2 ** 63) this.fail('ULEB128 too long', start);
    }
    return result;
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let b: number;
    const start = this.pos;
    do {
      b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (mul > 2 ** 70) this.fail('SLEB128 too long', start);
    } while (b & 0x80);
    if (b & 0x40) result -= mul;
    return result;
  }
  /** ULEB128 exactly, as bigint (for DW_OP_constu and friends). */
  ulebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) break;
      if (shift > 70n) this.fail('ULEB128 too long', start);
    }
    return result;
  }
  slebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    const start = this.pos;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (shift > 70n) this.fail('SLEB128 too long', start);
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return result;
  }
  bytesN(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** NUL-terminated string (UTF-8). */
  cstr(): string {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.end) this.fail('unterminated string', start);
    this.pos = nul + 1;
    return decodeUtf8(this.bytes, start, nul);
  }
}

const utf8 = new TextDecoder('utf-8');
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // Fast path for ASCII, which almost every name is.
  if (end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}

/** NUL-terminated string at an absolute offset of a string table. */
export function stringAt(bytes: Uint8Array, offset: number, section: string): string {
  if (offset < 0 || offset >= bytes.length) throw new FormatError(`string offset 0x${offset.toString(16)} out of range`, { section, offset });
  const nul = bytes.indexOf(0, offset);
  if (nul < 0) throw new FormatError('unterminated string', { section, offset });
  return decodeUtf8(bytes, offset, nul);
}
