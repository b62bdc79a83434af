// gdb's types of the x87 and vector registers: i387_ext, i386_mxcsr, union vec128 (target description), vec256i / vec512i.
import { builtin, type ArrayType, type FlagsType, type FloatType, type IntType, type Member, type StructType, type Type } from '../symbols/types.js';

export const I387_EXT: FloatType = { kind: 'float', name: 'builtin_type_i387_ext', size: 10, format: 'x87' };

/** gdb/features/i386/64bit-sse.xml's i386_mxcsr flags. */
export const MXCSR_TYPE: FlagsType = {
  kind: 'flags', name: 'i386_mxcsr', size: 4,
  fields: ['IE', 'DE', 'ZE', 'OE', 'UE', 'PE', 'DAZ', 'IM', 'DM', 'ZM', 'OM', 'UM', 'PM'].map((name, bit) => ({ name, bit })).concat([{ name: 'FZ', bit: 15 }]),
};

const bfloat16: FloatType = { kind: 'float', name: 'bfloat16', size: 2, format: 'bfloat16' };
const half: FloatType = { kind: 'float', name: 'half', size: 2, format: 'ieee16' };
const int128: IntType = { kind: 'int', name: 'int128_t', size: 16, signed: true };
const uint128: IntType = { kind: 'int', name: 'uint128_t', size: 16, signed: false };
export const UINT64: IntType = { kind: 'int', name: 'uint64_t', size: 8, signed: false };

function vector(element: Type, count: number): ArrayType {
  return { kind: 'array', element, bound: { kind: 'count', count }, lowerBound: 0, vector: true };
}

function union(name: string, size: number, fields: [string, Type][]): StructType {
  const members: Member[] = fields.map(([n, type]) => ({ name: n, type, bitPos: 0, bitSize: 0 }));
  return { kind: 'union', name, size, members, incomplete: false };
}

/** The element types of gdb's vector unions, in member order, with the member-name stem. */
const LANES: [string, Type, string][] = [
  ['bfloat16', bfloat16, 'bf16'], ['half', half, 'h'], ['float', builtin.float, 'f'], ['double', builtin.double, 'd'],
  ['int8', builtin.int8, 'i8'], ['int16', builtin.int16, 'i16'], ['int32', builtin.int32, 'i32'], ['int64', builtin.int64, 'i64'],
];

/** The target description's own names of its float element types (gdb's tdesc builtins). */
const TDESC_FLOATS: Record<string, FloatType> = {
  bfloat16: { ...bfloat16, name: 'builtin_type_bfloat16' },
  half: { ...half, name: 'builtin_type_ieee_half' },
  float: { ...builtin.float, name: 'builtin_type_ieee_single' },
  double: { ...builtin.double, name: 'builtin_type_ieee_double' },
};

/** xmm: the target description's union, whose members are named vector types (v4f, v2d...). */
export const VEC128: StructType = union('vec128', 16, [
  ...LANES.map(([n, t, stem]): [string, Type] => {
    const count = 16 / (t as { size: number }).size;
    return [`v${count}_${n}`, { kind: 'typedef', name: `v${count}${stem}`, target: vector(TDESC_FLOATS[n] ?? t, count) }];
  }),
  ['uint128', uint128],
]);

/** The raw upper halves: ymmNh (uint128_t) and zmmNh (the description's v2ui128). */
export const YMMH_TYPE: IntType = uint128;
export const ZMMH_TYPE: Type = { kind: 'typedef', name: 'v2ui128', target: vector(uint128, 2) };

/** ymm and zmm: gdb's own unions (i386_ymm_type, i386_zmm_type), with unnamed vector members. */
function wide(bytes: number): StructType {
  const fields = LANES.map(([n, t]): [string, Type] => {
    const count = bytes / (t as { size: number }).size;
    return [`v${count}_${n}`, vector(t, count)];
  });
  fields.push([`v${bytes / 16}_int128`, vector(int128, bytes / 16)]);
  return union(`builtin_type_vec${bytes * 8}i`, bytes, fields);
}

export const VEC256: StructType = wide(32);
export const VEC512: StructType = wide(64);
