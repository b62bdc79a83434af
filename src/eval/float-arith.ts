// Exact floating-point arithmetic: operands as rationals, results rounded once to the target format (float..long double).
import type { FloatFormat } from '../symbols/types.js';
import { decodeFloat, floatToNumber, numberToFloatBytes } from './floats.js';

/** A finite value num/den (den > 0, num signed; negZero marks -0), or a special (inf/nan) as a JS number. */
export type Exact = { kind: 'finite'; num: bigint; den: bigint; negZero?: boolean } | { kind: 'special'; value: number };

interface Params { p: number; emin: number; emax: number; explicitInt: boolean; expBits: number; bytes: number }
const PARAMS: Record<FloatFormat, Params> = {
  ieee16: { p: 11, emin: -14, emax: 15, explicitInt: false, expBits: 5, bytes: 2 },
  bfloat16: { p: 8, emin: -126, emax: 127, explicitInt: false, expBits: 8, bytes: 2 },
  ieee32: { p: 24, emin: -126, emax: 127, explicitInt: false, expBits: 8, bytes: 4 },
  ieee64: { p: 53, emin: -1022, emax: 1023, explicitInt: false, expBits: 11, bytes: 8 },
  x87: { p: 64, emin: -16382, emax: 16383, explicitInt: true, expBits: 15, bytes: 10 },
  ieee128: { p: 113, emin: -16382, emax: 16383, explicitInt: false, expBits: 15, bytes: 16 },
};

export function exactFromFloat(bytes: Uint8Array, format: FloatFormat): Exact {
  const d = decodeFloat(bytes, format);
  if (d.kind !== 'finite') return { kind: 'special', value: floatToNumber(bytes, format) };
  let num = d.negative ? -d.mant : d.mant;
  let den = 1n;
  if (d.exp >= 0) num <<= BigInt(d.exp);
  else den <<= BigInt(-d.exp);
  return { kind: 'finite', num, den, ...(d.negative && d.mant === 0n ? { negZero: true } : {}) };
}

export function exactFromInt(n: bigint): Exact {
  return { kind: 'finite', num: n, den: 1n };
}

/** A C decimal (or hex) floating literal, exactly. */
export function exactFromLiteral(text: string): Exact {
  if (/^0[xX]/.test(text)) return { kind: 'special', value: Number.NaN };
  const m = /^(\d*)\.?(\d*)(?:[eE]([+-]?\d*))?$/.exec(text);
  if (!m) return { kind: 'special', value: Number(text) };
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const exp = Number(m[3] || 0) - (m[2] ?? '').length;
  const n = BigInt(digits || '0');
  return exp >= 0 ? { kind: 'finite', num: n * 10n ** BigInt(exp), den: 1n } : { kind: 'finite', num: n, den: 10n ** BigInt(-exp) };
}

export function toNumber(x: Exact): number {
  if (x.kind === 'special') return x.value;
  if (x.num === 0n) return x.negZero ? -0 : 0;
  // Scale to keep 64 significant bits, then convert.
  const shift = BigInt(Math.max(0, x.num.toString(2).length - x.den.toString(2).length - 64 + 2));
  const q = (x.num << 64n) / (x.den << shift);
  return Number(q) * 2 ** (Number(shift) - 64);
}

function bitLen(n: bigint): number {
  return n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
}

/** Round an exact value to `format` (nearest, ties to even) and encode it in `size` bytes. */
export function encodeExact(x: Exact, format: FloatFormat, size: number): Uint8Array {
  if (x.kind === 'special') return numberToFloatBytes(x.value, format, size);
  const P = PARAMS[format];
  const out = new Uint8Array(size);
  const neg = x.num < 0n || (x.num === 0n && !!x.negZero);
  let num = x.num < 0n ? -x.num : x.num;
  const den = x.den;
  let mant = 0n;
  let expField = 0;
  if (num !== 0n) {
    let e = bitLen(num) - bitLen(den);
    const ge = (k: number): boolean => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den);
    while (!ge(e)) e--;
    while (ge(e + 1)) e++;
    if (e < P.emin) e = P.emin;
    // mant = round(q * 2^(p-1-e))
    const s = P.p - 1 - e;
    let n = num;
    let d = den;
    if (s >= 0) n <<= BigInt(s);
    else d <<= BigInt(-s);
    mant = n / d;
    const r = n % d;
    if (r * 2n > d || (r * 2n === d && (mant & 1n) === 1n)) mant++;
    if (mant >= 1n << BigInt(P.p)) {
      mant >>= 1n;
      e++;
    }
    if (e > P.emax) return numberToFloatBytes(neg ? -Infinity : Infinity, format, size);
    const normal = mant >= 1n << BigInt(P.p - 1);
    expField = normal ? e + (1 << (P.expBits - 1)) - 1 : 0;
    if (!P.explicitInt && normal) mant -= 1n << BigInt(P.p - 1);
  }
  const manBits = P.explicitInt ? P.p : P.p - 1;
  let bits = mant | (BigInt(expField) << BigInt(manBits));
  const signBit = BigInt(manBits + P.expBits);
  if (neg) bits |= 1n << signBit;
  for (let i = 0; i < P.bytes && i < size; i++) out[i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** a op b for + - * /; undefined for other operators. Zero signs and specials follow IEEE (via JS doubles). */
export function exactBinop(op: string, a: Exact, b: Exact): Exact | undefined {
  if (a.kind === 'special' || b.kind === 'special' || (op === '/' && b.num === 0n)) {
    const x = toNumber(a);
    const y = toNumber(b);
    const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : undefined;
    return r === undefined ? undefined : { kind: 'special', value: r };
  }
  let num: bigint;
  let den: bigint;
  switch (op) {
    case '+': num = a.num * b.den + b.num * a.den; den = a.den * b.den; break;
    case '-': num = a.num * b.den - b.num * a.den; den = a.den * b.den; break;
    case '*': num = a.num * b.num; den = a.den * b.den; break;
    case '/':
      num = a.num * b.den;
      den = a.den * b.num;
      if (den < 0n) { num = -num; den = -den; }
      break;
    default: return undefined;
  }
  if (num === 0n) {
    const z = op === '+' ? toNumber(a) + toNumber(b) : op === '-' ? toNumber(a) - toNumber(b) : op === '*' ? toNumber(a) * toNumber(b) : toNumber(a) / toNumber(b);
    return { kind: 'finite', num: 0n, den: 1n, ...(Object.is(z, -0) ? { negZero: true } : {}) };
  }
  return { kind: 'finite', num, den };
}

/** Compare exactly: -1, 0, 1, or undefined when unordered (NaN). */
export function exactCompare(a: Exact, b: Exact): number | undefined {
  if (a.kind === 'special' || b.kind === 'special') {
    const x = toNumber(a);
    const y = toNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Truncate toward zero with gdb's saturation (NaN and too-large values give LONGEST_MAX). */
export function exactToLongest(x: Exact): bigint {
  const MAX = (1n << 63n) - 1n;
  const MIN = -(1n << 63n);
  if (x.kind === 'special') return Number.isNaN(x.value) || x.value > 0 ? MAX : MIN;
  const q = x.num / x.den;
  if (q > MAX) return MAX;
  if (q < MIN) return MIN;
  return q;
}
