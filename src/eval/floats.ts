// Floating-point bytes <-> values, and gdb's exact float text: %.9g / %.17g / %.21Lg, inf, nan(0x...).
import type { FloatFormat } from '../symbols/types.js';

interface Layout { expBits: number; manBits: number; explicitInt: boolean; bytes: number }
const LAYOUTS: Record<FloatFormat, Layout> = {
  ieee16: { expBits: 5, manBits: 10, explicitInt: false, bytes: 2 },
  bfloat16: { expBits: 8, manBits: 7, explicitInt: false, bytes: 2 },
  ieee32: { expBits: 8, manBits: 23, explicitInt: false, bytes: 4 },
  ieee64: { expBits: 11, manBits: 52, explicitInt: false, bytes: 8 },
  x87: { expBits: 15, manBits: 64, explicitInt: true, bytes: 10 },
  ieee128: { expBits: 15, manBits: 112, explicitInt: false, bytes: 16 },
};

/** Precision in bits of the significand (gdb's floatformat_precision). */
function precision(l: Layout): number {
  return l.explicitInt ? l.manBits : l.manBits + 1;
}

/** A decoded float: finite = sign * mant * 2^exp exactly. */
export type Decoded =
  | { kind: 'finite'; negative: boolean; mant: bigint; exp: number }
  | { kind: 'inf'; negative: boolean }
  | { kind: 'nan'; negative: boolean; mantissaHex: string }
  | { kind: 'invalid' };

function littleEndianBig(bytes: Uint8Array, n: number): bigint {
  let v = 0n;
  for (let i = Math.min(n, bytes.length) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function decodeFloat(bytes: Uint8Array, format: FloatFormat): Decoded {
  const l = LAYOUTS[format];
  const bits = littleEndianBig(bytes, l.bytes);
  const total = BigInt(l.bytes * 8);
  const manMask = (1n << BigInt(l.manBits)) - 1n;
  const mant = bits & manMask;
  const expField = Number((bits >> BigInt(l.manBits)) & ((1n << BigInt(l.expBits)) - 1n));
  const negative = ((bits >> (format === 'x87' ? 79n : total - 1n)) & 1n) === 1n;
  const expMax = (1 << l.expBits) - 1;
  const bias = (1 << (l.expBits - 1)) - 1;
  const fracBits = l.explicitInt ? l.manBits - 1 : l.manBits;
  const frac = l.explicitInt ? mant & ((1n << BigInt(fracBits)) - 1n) : mant;
  if (l.explicitInt && (expField === 0) !== (((mant >> BigInt(fracBits)) & 1n) === 0n)) return { kind: 'invalid' };
  if (expField === expMax) {
    if (frac === 0n) return { kind: 'inf', negative };
    return { kind: 'nan', negative, mantissaHex: mantissaHex(mant, l.manBits) };
  }
  if (expField === 0) return { kind: 'finite', negative, mant: l.explicitInt ? mant : frac, exp: 1 - bias - fracBits };
  const full = l.explicitInt ? mant : frac | (1n << BigInt(fracBits));
  return { kind: 'finite', negative, mant: full, exp: expField - bias - fracBits };
}

/** gdb's floatformat_mantissa: first (bits % 32 || 32) bits with %lx, then 32-bit chunks with %08lx. */
function mantissaHex(mant: bigint, manBits: number): string {
  let first = manBits % 32 || 32;
  let left = manBits;
  let out = '';
  while (left > 0) {
    const shift = BigInt(left - first);
    const chunk = (mant >> shift) & ((1n << BigInt(first)) - 1n);
    out += out === '' ? chunk.toString(16) : chunk.toString(16).padStart(8, '0');
    left -= first;
    first = 32;
  }
  return out;
}

/** The number of significant digits gdb prints for a format: ceil(1 + p * log10(2)). */
export function decimalDigits(format: FloatFormat): number {
  const d = 1 + precision(LAYOUTS[format]) * 0.30102999566398119521;
  return Math.ceil(d);
}

/** gdb's default text for a float of the given format. */
export function formatFloatBytes(bytes: Uint8Array, format: FloatFormat): string {
  const d = decodeFloat(bytes, format);
  switch (d.kind) {
    case 'invalid': return '<invalid float value>';
    case 'inf': return `${d.negative ? '-' : ''}inf`;
    case 'nan': return `${d.negative ? '-' : ''}nan(0x${d.mantissaHex})`;
    case 'finite': return formatG(d.negative, d.mant, d.exp, decimalDigits(format));
  }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** printf("%.{p}g", ±mant * 2^exp), computed exactly (round half to even, as glibc does). */
export function formatG(negative: boolean, mant: bigint, exp: number, p: number): string {
  const sign = negative ? '-' : '';
  if (mant === 0n) return `${sign}0`;
  // value = num / den exactly.
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  // Decimal exponent estimate, then correct so 10^x <= value < 10^(x+1).
  let x = Math.floor((num.toString(2).length - den.toString(2).length) * 0.30102999566398119521);
  const geq = (k: number): boolean => (k >= 0 ? num >= den * pow10(k) : num * pow10(-k) >= den);
  while (!geq(x)) x--;
  while (geq(x + 1)) x++;
  // digits = round(value * 10^(p-1-x))
  const k = p - 1 - x;
  let n = num;
  let d = den;
  if (k >= 0) n *= pow10(k);
  else d *= pow10(-k);
  let q = n / d;
  const r = n % d;
  if (r * 2n > d || (r * 2n === d && (q & 1n) === 1n)) q++;
  if (q >= pow10(p)) {
    q /= 10n;
    x++;
  }
  const digits = q.toString();
  if (x < -4 || x >= p) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const e = Math.abs(x).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac ? '.' + frac : ''}e${x < 0 ? '-' : '+'}${e}`;
  }
  if (x >= 0) {
    const int = digits.slice(0, x + 1);
    const frac = digits.slice(x + 1).replace(/0+$/, '');
    return `${sign}${int}${frac ? '.' + frac : ''}`;
  }
  const frac = ('0'.repeat(-x - 1) + digits).replace(/0+$/, '');
  return `${sign}0.${frac}`;
}

/** A float's value as a JS number (long double rounded to double). */
export function floatToNumber(bytes: Uint8Array, format: FloatFormat): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'ieee32') return dv.getFloat32(0, true);
  if (format === 'ieee64') return dv.getFloat64(0, true);
  // bfloat16 is the upper half of an ieee32.
  if (format === 'bfloat16') return new DataView(Uint8Array.of(0, 0, bytes[0] ?? 0, bytes[1] ?? 0).buffer).getFloat32(0, true);
  const d = decodeFloat(bytes, format);
  switch (d.kind) {
    case 'inf': return d.negative ? -Infinity : Infinity;
    case 'nan': case 'invalid': return NaN;
    case 'finite': {
      // Scale in steps to avoid overflow of intermediate powers.
      const bitLen = d.mant.toString(2).length;
      const shift = Math.max(0, bitLen - 64);
      let v = Number(d.mant >> BigInt(shift));
      let e = d.exp + shift;
      while (e > 1000) { v *= 2 ** 1000; e -= 1000; }
      while (e < -1000) { v *= 2 ** -1000; e += 1000; }
      v *= 2 ** e;
      return d.negative ? -v : v;
    }
  }
}

/** Encode a JS number in a float format (size bytes; long double padded to 16). */
export function numberToFloatBytes(v: number, format: FloatFormat, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  if (format === 'ieee32') { dv.setFloat32(0, v, true); return out; }
  if (format === 'ieee64') { dv.setFloat64(0, v, true); return out; }
  if (format === 'ieee16' || format === 'bfloat16') {
    const bits = halfBits(v, LAYOUTS[format]);
    out[0] = bits & 0xff;
    if (size > 1) out[1] = bits >> 8;
    return out;
  }
  const tmp = new DataView(new ArrayBuffer(8));
  tmp.setFloat64(0, v, true);
  const bits = tmp.getBigUint64(0, true);
  const negative = bits >> 63n === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const f = bits & ((1n << 52n) - 1n);
  let mant: bigint;
  let exp: number;
  if (e === 0x7ff) {
    exp = 0x7fff;
    mant = (1n << 63n) | (f << 11n);
  } else if (e === 0 && f === 0n) {
    exp = 0;
    mant = 0n;
  } else if (e === 0) {
    // Double denormal: normalise.
    const len = f.toString(2).length;
    mant = f << BigInt(64 - len);
    exp = -1022 - (52 - len) - 1 + 16383;
  } else {
    mant = (1n << 63n) | (f << 11n);
    exp = e - 1023 + 16383;
  }
  if (format === 'ieee128') {
    const m112 = (mant & ((1n << 63n) - 1n)) << 49n;
    const all = (negative ? 1n << 127n : 0n) | (BigInt(exp) << 112n) | m112;
    for (let i = 0; i < 16; i++) out[i] = Number((all >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  for (let i = 0; i < 8; i++) out[i] = Number((mant >> BigInt(8 * i)) & 0xffn);
  out[8] = exp & 0xff;
  out[9] = ((exp >> 8) & 0x7f) | (negative ? 0x80 : 0);
  return out;
}

/** A JS number rounded (nearest, ties to even) to a 16-bit IEEE-style format, as its bits. */
function halfBits(v: number, l: Layout): number {
  const sign = v < 0 || Object.is(v, -0) ? 1 << 15 : 0;
  const a = Math.abs(v);
  const expMax = (1 << l.expBits) - 1;
  if (Number.isNaN(v)) return (expMax << l.manBits) | (1 << (l.manBits - 1));
  const bias = (1 << (l.expBits - 1)) - 1;
  if (a === 0) return sign;
  if (a === Infinity) return sign | (expMax << l.manBits);
  // The value as an integer count of the smallest subnormal step, rounded half to even.
  let e = Math.max(Math.floor(Math.log2(a)), 1 - bias);
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  e = Math.max(e, 1 - bias);
  const scaled = a * 2 ** (l.manBits - e);
  let m = Math.floor(scaled);
  const r = scaled - m;
  if (r > 0.5 || (r === 0.5 && (m & 1) === 1)) m++;
  if (m >= 2 ** (l.manBits + 1)) { m /= 2; e++; }
  if (e > bias) return sign | (expMax << l.manBits);
  const normal = m >= 2 ** l.manBits;
  const field = normal ? e + bias : 0;
  return sign | (field << l.manBits) | (m & ((1 << l.manBits) - 1));
}
