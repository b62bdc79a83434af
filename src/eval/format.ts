// gdb-exact value printing (print / output): scalars, pointers, strings, structs, arrays, repeats, limits.
import { MemoryError } from '../target/contract.js';
import { cyclicTypeError, MAX_TYPE_NESTING, resolve, sizeOf, isTextual, unqualified, type Type, type StructType, type ArrayType, type EnumType, type FlagsType } from '../symbols/types.js';
import { typeName, nameOf, checkTypedef } from '../symbols/type-format.js';
import { Value, BYTE_OK, BYTE_OPTIMIZED_OUT, BYTE_SYNTHETIC, bytesToBigInt, readPartial, type ReadMemory } from './value.js';
import { charLiteral, stringLiteral, PRINT_MAX } from './chars.js';
import { formatFloatBytes } from './floats.js';
import { printScalarFormatted } from './print-format.js';
import { memberValue } from './members.js';

/** What printing needs from the outside world. */
export interface PrintEnv {
  readMemory: ReadMemory;
  /** gdb's <symbol+offset> for an address ("square", "g_arr+4"), or undefined when none covers it. */
  symbolize(addr: bigint, linkage?: boolean): string | undefined;
}

export interface PrintOptions {
  /** A print/FMT letter: x d u o t a c f s z (undefined: natural format). */
  format?: string;
  /** gdb's `print elements` (200). */
  elementLimit?: number;
  /** gdb's `print repeats` (10). */
  repeatThreshold?: number;
  /** gdb's `print max-depth` (20). */
  maxDepth?: number;
}

interface Ctx {
  env: PrintEnv;
  format: string | undefined;
  limit: number;
  threshold: number;
  maxDepth: number;
}

function ctxOf(env: PrintEnv, o: PrintOptions): Ctx {
  return { env, format: o.format, limit: o.elementLimit ?? PRINT_MAX, threshold: o.repeatThreshold ?? 10, maxDepth: o.maxDepth ?? 20 };
}

/** The text after "$1 = " for `print[/FMT] expr` (gdb's print_formatted + value_print). */
export async function formatValue(v: Value, env: PrintEnv, opts: PrintOptions = {}): Promise<string> {
  const c = ctxOf(env, opts);
  const t = resolve(v.type);
  const fmt = opts.format;
  // gdb's value_check_printable: a value with no byte available prints bare, aggregates too.
  if (!v.isLazy && v.entirelyUnavailable) return '<unavailable>';
  if (fmt && fmt !== 's' && t.kind !== 'void' && t.kind !== 'array' && t.kind !== 'struct' && t.kind !== 'union') {
    await v.fetch(env.readMemory);
    return scalarFormatted(v, c, fmt);
  }
  let prefix = '';
  // gdb's value_check_printable: an optimized-out value prints bare, before any "(type *) " prefix.
  if (t.kind === 'pointer' && (await v.fetch(env.readMemory), v.entirelyOptimizedOut)) return '<optimized out>';
  if (t.kind === 'pointer') {
    const orig = unqualified(v.type);
    const target = orig.kind === 'pointer' ? orig.target : undefined;
    if (!(orig.kind === 'pointer' && target && nameOf(target) === 'char')) prefix = `(${typeName(v.type)}) `;
  }
  return prefix + (await commonPrint(v, c, 0));
}

/** A value printed as an element/member would be (no "(type *)" prefix): for the TUI's variable panes. */
export async function formatInner(v: Value, env: PrintEnv, opts: PrintOptions = {}): Promise<string> {
  return commonPrint(v, ctxOf(env, opts), 0);
}

function scalarFormatted(v: Value, c: Ctx, fmt: string): string {
  const st = v.stateOf();
  if (st === BYTE_OPTIMIZED_OUT) return '<optimized out>';
  if (st === BYTE_SYNTHETIC) return '<synthetic pointer>';
  if (st !== BYTE_OK) return '<unavailable>';
  // gdb's /a prints the linkage name (print_address), a pointer value its print name (print_address_demangle).
  return printScalarFormatted(v, fmt, (addr) => addressText(addr, c, true));
}

/** 0x1129 <square>, or just 0x2a when no symbol covers the address. */
function addressText(addr: bigint, c: Ctx, linkage = false): string {
  const sym = c.env.symbolize(addr, linkage);
  return `0x${addr.toString(16)}${sym ? ` <${sym}>` : ''}`;
}

/** `recurse` is gdb's depth for max-depth (anonymous members do not count); `nesting` counts every level. */
async function commonPrint(v: Value, c: Ctx, recurse: number, nesting = 0): Promise<string> {
  if (nesting > MAX_TYPE_NESTING) throw cyclicTypeError();
  const t = resolve(v.type);
  const zeroArray = t.kind === 'array' && (sizeOf(t) ?? 0) === 0;
  if (t.kind !== 'function' && t.kind !== 'void' && !zeroArray) await v.fetch(c.env.readMemory);
  if (!v.isLazy && v.entirelyOptimizedOut) return '<optimized out>';
  if ((t.kind === 'struct' || t.kind === 'union' || t.kind === 'array') && recurse >= c.maxDepth) return '{...}';
  switch (t.kind) {
    case 'array': return printArray(v, t, c, recurse, nesting);
    case 'pointer': return printPointer(v, c);
    case 'struct': case 'union': return printStruct(v, t, c, recurse, nesting);
    case 'int': return printInt(v, c);
    case 'enum':
      if (c.format) return scalarOrNatural(v, c);
      return guard(v, () => enumText(t, bytesToBigInt(v.bytes, !t.unsigned)));
    case 'bool':
      if (c.format) return scalarOrNatural(v, c);
      return guard(v, () => {
        const n = bytesToBigInt(v.bytes, false);
        return n === 0n ? 'false' : n === 1n ? 'true' : n.toString();
      });
    case 'float':
      if (c.format) return scalarOrNatural(v, c);
      return guard(v, () => formatFloatBytes(v.bytes, t.format));
    case 'complex': {
      const n = t.part.size;
      const re = v.component(t.part, 0, n);
      const im = v.component(t.part, n, n);
      const one = (x: Value): string => (c.format && c.format !== 's' ? scalarFormatted(x, c, c.format) : guard(x, () => formatFloatBytes(x.bytes, t.part.format)));
      return `${one(re)} + ${one(im)}i`;
    }
    case 'function': {
      const addr = v.address ?? 0n;
      if (c.format && c.format !== 's') return printScalarFormatted(Value.fromBigInt({ kind: 'int', name: 'long', size: 8, signed: false }, addr), c.format, (a) => addressText(a, c));
      return `{${typeName(v.type)}} ${addressText(addr, c)}`;
    }
    case 'void': return 'void';
    case 'flags':
      if (c.format) return scalarOrNatural(v, c);
      return guard(v, () => flagsText(t, bytesToBigInt(v.bytes, false)));
    case 'error': return `<unknown type ${t.name}>`;
    default: return '<unknown>';
  }
}

/** Format letters other than /s go to the scalar printer; /s falls back to the natural form. */
function scalarOrNatural(v: Value, c: Ctx): Promise<string> | string {
  if (c.format === 's') return commonPrint(v, { ...c, format: undefined }, 0);
  return scalarFormatted(v, c, c.format!);
}

function guard(v: Value, f: () => string): string {
  const st = v.stateOf();
  if (st === BYTE_OPTIMIZED_OUT) return '<optimized out>';
  if (st === BYTE_SYNTHETIC) return '<synthetic pointer>';
  if (st !== BYTE_OK) return '<unavailable>';
  return f();
}

function printInt(v: Value, c: Ctx): string {
  if (c.format && c.format !== 's') return scalarFormatted(v, c, c.format);
  return guard(v, () => {
    const t = resolve(v.type);
    const n = bytesToBigInt(v.bytes, t.kind === 'int' && t.signed);
    return isTextual(v.type) ? `${n} ${charLiteral(Number(n & 0xffn))}` : n.toString();
  });
}

/** generic_val_print_enum_1: the enumerator's name, a flag-enum decomposition, or the number. */
export function enumText(t: EnumType, val: bigint): string {
  const exact = t.enumerators.find((e) => e.value === val);
  if (exact) return exact.name;
  if (!t.flag) return val.toString();
  let rest = val;
  const parts: string[] = [];
  for (const e of t.enumerators) {
    if ((rest & e.value) !== 0n) {
      parts.push(e.name);
      rest &= ~e.value;
    }
  }
  if (rest !== 0n) {
    parts.push(`unknown: 0x${BigInt.asUintN(64, rest).toString(16)}`);
    return `(${parts.join(' | ')})`;
  }
  return parts.length ? `(${parts.join(' | ')})` : '0';
}

function flagsText(t: FlagsType, val: bigint): string {
  let s = '[ ';
  for (const f of t.fields) if (f.name && (val >> BigInt(f.bit)) & 1n) s += `${f.name} `;
  return s + ']';
}

function arrayLen(t: ArrayType): number {
  return t.bound.kind === 'count' ? t.bound.count : 0;
}

async function printPointer(v: Value, c: Ctx): Promise<string> {
  if (c.format && c.format !== 's') return scalarFormatted(v, c, c.format);
  const st = v.stateOf();
  if (st !== BYTE_OK) return guard(v, () => '');
  const t = resolve(v.type);
  if (t.kind !== 'pointer') return '';
  const addr = bytesToBigInt(v.bytes, false);
  return unpackedPointer(addr, t.target, c);
}

/** print_unpacked_pointer: address, <symbol>, and the string for character pointers. */
async function unpackedPointer(addr: bigint, target: Type, c: Ctx): Promise<string> {
  if (resolve(target).kind === 'function') return addressText(addr, c);
  let out = addressText(addr, c);
  if (isTextual(target) && addr !== 0n) out += ' ' + (await readCString(addr, c));
  return out;
}

/** val_print_string with len -1: fetch up to `print elements` characters until NUL. */
export async function readCString(addr: bigint, c: { env: PrintEnv; limit: number; threshold: number }): Promise<string> {
  const limit = c.limit;
  const buf: number[] = [];
  let err: MemoryError | undefined;
  let foundNul = false;
  let a = addr;
  while (buf.length < limit && !foundNul) {
    // gdb fetches 8 characters at a time; reading on to the end of the page is equivalent (failures fall back to bytes).
    const toPage = 4096 - Number(a & 4095n);
    const n = Math.min(Math.max(8, Math.min(toPage, 64)), limit - buf.length);
    const r = await readPartial(c.env.readMemory, a, n);
    for (const b of r.bytes) {
      buf.push(b);
      a++;
      if (b === 0) {
        foundNul = true;
        break;
      }
    }
    if (foundNul) break;
    if (r.error) {
      err = r.error;
      break;
    }
  }
  let force = false;
  if (!foundNul && !err) {
    try {
      const peek = await c.env.readMemory(a, 1);
      if (peek[0] !== 0) force = true;
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
    }
  }
  let out = '';
  if (!err || buf.length > 0) out = stringLiteral(Uint8Array.from(buf), { forceEllipses: force, limit, threshold: c.threshold });
  if (err) out += `<error: ${err.message}>`;
  return out;
}

async function printArray(v: Value, t: ArrayType, c: Ctx, recurse: number, nesting: number): Promise<string> {
  const elt = t.element;
  const eltSize = sizeOf(elt) ?? 0;
  const len = arrayLen(t);
  if (len * eltSize === 0 || eltSize === 0) {
    return unpackedPointer(v.address ?? 0n, elt, c);
  }
  await v.fetch(c.env.readMemory);
  // c_textual_element_type: /s makes any 1-byte integer textual, even a vector's not-a-character elements.
  const r = resolve(elt);
  const textual = c.format === 's' ? r.kind === 'int' && r.size === 1 : !c.format && isTextual(elt);
  if (textual && v.stateOf() === BYTE_OK) {
    return stringLiteral(v.bytes.subarray(0, len * eltSize), { limit: c.limit, threshold: c.threshold });
  }
  const parts: string[] = [];
  let printed = 0;
  let i = 0;
  const bytes = v.bytes;
  const state = v.byteState;
  const same = (a: number, b: number): boolean => {
    for (let k = 0; k < eltSize; k++) {
      if (bytes[a * eltSize + k] !== bytes[b * eltSize + k]) return false;
      if (state && state[a * eltSize + k] !== state[b * eltSize + k]) return false;
    }
    return true;
  };
  for (; i < len && printed < c.limit; i++) {
    let reps = 1;
    while (i + reps < len && same(i, i + reps)) reps++;
    const text = await commonPrint(v.component(elt, i * eltSize, eltSize), c, recurse + 1, nesting + 1);
    if (reps > c.threshold) {
      parts.push(`${text} <repeats ${reps} times>`);
      i += reps - 1;
      printed += c.threshold;
    } else {
      parts.push(text);
      printed++;
    }
  }
  return `{${parts.join(', ')}${i < len ? '...' : ''}}`;
}

async function printStruct(v: Value, t: StructType, c: Ctx, recurse: number, nesting: number): Promise<string> {
  const members = t.members;
  if (members.length === 0) return t.incomplete ? '<incomplete type>' : '{<No data fields>}';
  const parts: string[] = [];
  for (const m of members) {
    if (m.artificial) continue;
    const mv = memberValue(v, m);
    const anonymous = m.name === undefined || m.name === '';
    // Anonymous members do not count towards max-depth (gdb treats them as at the parent's depth).
    const text = await commonPrint(mv, c, anonymous ? recurse : recurse + 1, nesting + 1);
    parts.push(anonymous ? text : `${m.name} = ${text}`);
  }
  return `{${parts.join(', ')}}`;
}

export { checkTypedef };
