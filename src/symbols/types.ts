// The C type model (as gdb sees C types): built-ins, derived types, aggregates; helpers to strip typedefs and qualifiers.
import { FormatError } from '../util/errors.js';

/** ieee16: IEEE half (_Float16, gdb's `half`); bfloat16: the top half of an ieee32 (gdb's `bfloat16`). */
export type FloatFormat = 'ieee16' | 'bfloat16' | 'ieee32' | 'ieee64' | 'x87' | 'ieee128';

export interface VoidType { readonly kind: 'void'; readonly name: string }
/** Integers, including char types (any 1-byte integer is "textual" unless notText). */
export interface IntType {
  readonly kind: 'int';
  readonly name: string;
  readonly size: number;
  readonly signed: boolean;
  /** Set on integer types that must never print as characters (register int8 types). */
  readonly notText?: boolean;
}
export interface BoolType { readonly kind: 'bool'; readonly name: string; readonly size: number }
export interface FloatType { readonly kind: 'float'; readonly name: string; readonly size: number; readonly format: FloatFormat }
export interface ComplexType { readonly kind: 'complex'; readonly name: string; readonly size: number; readonly part: FloatType }
export interface PointerType { readonly kind: 'pointer'; readonly name?: undefined; readonly size: number; readonly target: Type }
/** const / volatile / restrict / _Atomic applied to `target` (gdb's instance flags). */
export interface QualifiedType {
  readonly kind: 'qualified';
  readonly name?: undefined;
  readonly quals: Quals;
  readonly target: Type;
}
export interface Quals { const?: boolean; volatile?: boolean; restrict?: boolean; atomic?: boolean }
export interface TypedefType { readonly kind: 'typedef'; readonly name: string; readonly target: Type }

export interface Member {
  /** Undefined for an anonymous struct/union member. */
  readonly name?: string;
  readonly type: Type;
  /** Position from the start of the aggregate, in bits (little-endian bit numbering). */
  readonly bitPos: number;
  /** Non-zero for bitfields. */
  readonly bitSize: number;
  readonly artificial?: boolean;
}
export interface StructType {
  readonly kind: 'struct' | 'union';
  readonly name?: string;
  readonly size: number;
  readonly members: readonly Member[];
  /** A declaration without a definition ("incomplete type"), after trying to resolve it by name. */
  readonly incomplete: boolean;
}
export interface Enumerator { readonly name: string; readonly value: bigint }
export interface EnumType {
  readonly kind: 'enum';
  readonly name?: string;
  readonly size: number;
  /** gdb's "unsigned enum": every value >= 0. */
  readonly unsigned: boolean;
  /** gdb's "flag enum": every value >= 0 with at most one bit set; values print as (A | B | unknown: 0x..). */
  readonly flag: boolean;
  readonly enumerators: readonly Enumerator[];
  readonly incomplete: boolean;
}
/** An array bound: known, absent (flexible `[]`), or computed at run time (VLA). */
export type ArrayBound =
  | { kind: 'count'; count: number }
  | { kind: 'unknown' }
  /** `upper` is DW_AT_upper_bound (count - 1) or DW_AT_count (`isCount`), as an expression or a variable DIE. */
  | { kind: 'dynamic'; isCount: boolean; expr?: Uint8Array; variableDie?: number; unitOffset?: number };
export interface ArrayType {
  readonly kind: 'array';
  readonly name?: undefined;
  readonly element: Type;
  readonly bound: ArrayBound;
  readonly lowerBound: number;
  /** A GNU vector (DW_AT_GNU_vector, `__attribute__ ((vector_size (N)))`): ptype shows the attribute, it never decays to a pointer. */
  readonly vector?: boolean;
}
export interface FunctionType {
  readonly kind: 'function';
  /** gdb's name for the type of a code symbol without debug info ("<text variable, no debug info>"). */
  readonly name?: string;
  readonly returnType: Type;
  readonly params: readonly Type[];
  readonly prototyped: boolean;
  readonly varargs: boolean;
}
/** A register-flags type (eflags): prints as [ IF ZF ]; unnamed fields are reserved bits. */
export interface FlagsType {
  readonly kind: 'flags';
  readonly name: string;
  readonly size: number;
  readonly fields: readonly { name: string; bit: number }[];
}
/** A type the reader could not understand; prints as its name. */
export interface ErrorType { readonly kind: 'error'; readonly name: string }

export type Type =
  | VoidType | IntType | BoolType | FloatType | ComplexType | PointerType | QualifiedType | TypedefType
  | StructType | EnumType | ArrayType | FunctionType | FlagsType | ErrorType;

/**
 * Types nest deeper than this only in a corrupt file whose types contain themselves through a function's
 * parameters or a struct's members (resolved lazily, so the DW_AT_type cycle check cannot see them).
 */
export const MAX_TYPE_NESTING = 100;
let typeNesting = 0;

/** The one-line error a walk into a cyclic type ends with. */
export function cyclicTypeError(): FormatError {
  return new FormatError(`cyclic type in the debug info (nested more than ${MAX_TYPE_NESTING} levels deep)`);
}

/** Runs one level of a synchronous walk into a type's parts; a walk nesting absurdly deep ends in one clean error. */
export function nestedType<T>(step: () => T): T {
  if (typeNesting >= MAX_TYPE_NESTING) throw cyclicTypeError();
  typeNesting++;
  try {
    return step();
  } finally {
    typeNesting--;
  }
}

/** Strip typedefs and qualifiers (gdb's check_typedef, minus the qualifiers). */
export function resolve(t: Type): Type {
  for (let i = 0; i < 100; i++) {
    if (t.kind === 'typedef' || t.kind === 'qualified') t = t.target;
    else return t;
  }
  return t;
}

/** Strip qualifiers only (keeps typedefs). */
export function unqualified(t: Type): Type {
  while (t.kind === 'qualified') t = t.target;
  return t;
}

/** The qualifiers directly applied to `t` (through nested qualifier wrappers, not through typedefs). */
export function qualsOf(t: Type): Quals {
  const q: Quals = {};
  while (t.kind === 'qualified') {
    if (t.quals.const) q.const = true;
    if (t.quals.volatile) q.volatile = true;
    if (t.quals.restrict) q.restrict = true;
    if (t.quals.atomic) q.atomic = true;
    t = t.target;
  }
  return q;
}

/** Size in bytes; undefined for void, functions, incomplete and dynamic arrays. */
export function sizeOf(t: Type): number | undefined {
  const r = resolve(t);
  switch (r.kind) {
    case 'void': return 1; // gdb: sizeof(void) is 1
    case 'function': return 1;
    case 'array': {
      if (r.bound.kind !== 'count') return r.bound.kind === 'unknown' ? 0 : undefined;
      const e = sizeOf(r.element);
      return e === undefined ? undefined : e * r.bound.count;
    }
    case 'error': return undefined;
    case 'int': case 'bool': case 'float': case 'complex': case 'pointer': case 'struct': case 'union': case 'enum': case 'flags':
      return r.size;
    default: return undefined;
  }
}

export function arrayLength(t: ArrayType): number | undefined {
  return t.bound.kind === 'count' ? t.bound.count : undefined;
}

/** Integer-like scalars: int, char, bool, enum (gdb's is_integral_type). */
export function isIntegral(t: Type): boolean {
  const k = resolve(t).kind;
  return k === 'int' || k === 'bool' || k === 'enum' || k === 'flags';
}

export function isScalar(t: Type): boolean {
  const k = resolve(t).kind;
  return k !== 'struct' && k !== 'union' && k !== 'array' && k !== 'function' && k !== 'void';
}

/** Signedness of an integral type (enums per gdb's unsigned-enum rule). */
export function isSigned(t: Type): boolean {
  const r = resolve(t);
  if (r.kind === 'int') return r.signed;
  if (r.kind === 'enum') return !r.unsigned;
  if (r.kind === 'float') return true;
  return false;
}

/** One-byte integer types print as characters too (gdb's textual element type for C). */
export function isTextual(t: Type): boolean {
  const r = resolve(t);
  return r.kind === 'int' && r.size === 1 && !r.notText;
}

// --- Built-in types (x86-64 LP64, as gdb's C parser names them). ---

function int(name: string, size: number, signed: boolean): IntType {
  return { kind: 'int', name, size, signed };
}

export const builtin = {
  void: { kind: 'void', name: 'void' } as VoidType,
  bool: { kind: 'bool', name: '_Bool', size: 1 } as BoolType,
  char: int('char', 1, true),
  signedChar: int('signed char', 1, true),
  unsignedChar: int('unsigned char', 1, false),
  short: int('short', 2, true),
  unsignedShort: int('unsigned short', 2, false),
  int: int('int', 4, true),
  unsignedInt: int('unsigned int', 4, false),
  long: int('long', 8, true),
  unsignedLong: int('unsigned long', 8, false),
  longLong: int('long long', 8, true),
  unsignedLongLong: int('unsigned long long', 8, false),
  int128: int('__int128', 16, true),
  unsignedInt128: int('unsigned __int128', 16, false),
  float: { kind: 'float', name: 'float', size: 4, format: 'ieee32' } as FloatType,
  double: { kind: 'float', name: 'double', size: 8, format: 'ieee64' } as FloatType,
  longDouble: { kind: 'float', name: 'long double', size: 16, format: 'x87' } as FloatType,
  int8: { kind: 'int', name: 'int8_t', size: 1, signed: true, notText: true } as IntType,
  int16: int('int16_t', 2, true),
  int32: int('int32_t', 4, true),
  int64: int('int64_t', 8, true),
};

/** Names gdb's C parser accepts for base types, normalised to a builtin. */
const BASE_NAMES: Record<string, Type> = {
  'void': builtin.void, '_Bool': builtin.bool, 'char': builtin.char, 'signed char': builtin.signedChar,
  'unsigned char': builtin.unsignedChar, 'short': builtin.short, 'signed short': builtin.short,
  'unsigned short': builtin.unsignedShort, 'int': builtin.int, 'signed': builtin.int, 'signed int': builtin.int,
  'unsigned': builtin.unsignedInt, 'unsigned int': builtin.unsignedInt, 'long': builtin.long,
  'signed long': builtin.long, 'unsigned long': builtin.unsignedLong, 'long long': builtin.longLong,
  'signed long long': builtin.longLong, 'unsigned long long': builtin.unsignedLongLong,
  '__int128': builtin.int128, 'signed __int128': builtin.int128, 'unsigned __int128': builtin.unsignedInt128,
  'float': builtin.float, 'double': builtin.double, 'long double': builtin.longDouble,
};

/** A base type from its keywords in any order ("long unsigned int", "short int"); undefined when not a base type. */
export function baseTypeFromWords(words: readonly string[]): Type | undefined {
  let unsigned = false;
  let signed = false;
  let longs = 0;
  let core = '';
  for (const w of words) {
    if (w === 'unsigned') unsigned = true;
    else if (w === 'signed') signed = true;
    else if (w === 'long') longs++;
    else if (w === 'int') { if (!core) core = 'int'; }
    else if (w === 'short' || w === 'char' || w === 'double' || w === 'float' || w === 'void' || w === '_Bool' || w === '__int128') {
      if (core && core !== 'int') return undefined;
      core = w;
    } else return undefined;
  }
  if (core === 'int' || core === '') core = longs === 0 ? (unsigned || signed ? 'int' : core) : '';
  let name: string;
  if (core === 'double') name = longs ? 'long double' : 'double';
  else if (core === '' && longs) name = longs >= 2 ? 'long long' : 'long';
  else if (core === '') return undefined;
  else name = core;
  if (core === 'char') name = unsigned ? 'unsigned char' : signed ? 'signed char' : 'char';
  else if (unsigned) name = `unsigned ${name}`;
  return BASE_NAMES[name];
}

export function pointerTo(target: Type): PointerType {
  return { kind: 'pointer', size: 8, target };
}

export function arrayOf(element: Type, count: number | undefined): ArrayType {
  return { kind: 'array', element, bound: count === undefined ? { kind: 'unknown' } : { kind: 'count', count }, lowerBound: 0 };
}

export function qualified(target: Type, quals: Quals): Type {
  if (!quals.const && !quals.volatile && !quals.restrict && !quals.atomic) return target;
  return { kind: 'qualified', quals, target };
}

/** An integer type of `size` bytes and the given signedness (for arithmetic results). */
export function intOfSize(size: number, signed: boolean): IntType {
  switch (size) {
    case 1: return signed ? builtin.signedChar : builtin.unsignedChar;
    case 2: return signed ? builtin.short : builtin.unsignedShort;
    case 4: return signed ? builtin.int : builtin.unsignedInt;
    case 16: return signed ? builtin.int128 : builtin.unsignedInt128;
    default: return signed ? builtin.long : builtin.unsignedLong;
  }
}
