// Types from DWARF DIEs, built lazily and cached by DIE offset (cycle-safe); declarations resolved by name like gdb.
import { DW_AT, DW_ATE, DW_FORM, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import type { DwarfFile } from '../dwarf/dwarf.js';
import {
  builtin, type ArrayBound, type EnumType, type Enumerator, type FloatFormat, type FunctionType, type Member,
  type StructType, type Type,
} from './types.js';

const DERIVED = new Set<number>([DW_TAG.pointer_type, DW_TAG.reference_type, DW_TAG.rvalue_reference_type, DW_TAG.const_type,
  DW_TAG.volatile_type, DW_TAG.restrict_type, DW_TAG.atomic_type, DW_TAG.typedef, DW_TAG.array_type, DW_TAG.subroutine_type,
  DW_TAG.subprogram]);
const TAG_OF = { struct: DW_TAG.structure_type, union: DW_TAG.union_type, enum: DW_TAG.enumeration_type } as const;

export class DwarfTypes {
  private readonly cache = new Map<number, Type>();
  private readonly building = new Set<number>();

  constructor(readonly dwarf: DwarfFile) {}

  /** The type at a DIE offset (undefined: void, as for a missing DW_AT_type). */
  typeAt(offset: number | undefined): Type {
    if (offset === undefined) return builtin.void;
    const hit = this.cache.get(offset);
    if (hit) return hit;
    // A type that needs itself while being built (a corrupt file: DW_AT_type cycles) becomes an error type.
    if (this.building.has(offset)) return { kind: 'error', name: '<cyclic type>' };
    this.building.add(offset);
    try {
      const die = this.dwarf.dieAt(offset);
      const t = this.derivedCycle(die) ? { kind: 'error' as const, name: '<cyclic type>' } : this.build(die);
      this.cache.set(offset, t);
      return t;
    } finally {
      this.building.delete(offset);
    }
  }

  /**
   * True when the DW_AT_type chain of a derived type (pointer, qualifier, typedef, array, function) comes
   * back to a DIE of the chain without passing through a struct/union/enum: only a corrupt file does that,
   * and the lazily built targets would otherwise loop forever.
   */
  private derivedCycle(d: Die): boolean {
    const seen = new Set<number>();
    let cur: Die | undefined = d;
    for (let hops = 0; cur && hops < 256; hops++) {
      if (!DERIVED.has(cur.tag)) return false;
      if (seen.has(cur.offset)) return true;
      seen.add(cur.offset);
      const next = cur.type;
      if (next === undefined || (next !== d.offset && this.cache.has(next))) return false;
      cur = this.dwarf.dieAt(next);
    }
    return cur !== undefined;
  }

  /** The type of a DIE's DW_AT_type. */
  typeOf(die: Die): Type {
    return this.typeAt(die.type);
  }

  /** A typedef or base type by name (first definition in the name index). */
  lookupTypedef(name: string): Type | undefined {
    const entries = this.dwarf.typesNamed(name, [DW_TAG.typedef, DW_TAG.base_type]);
    const e = entries.find((x) => x.tag === DW_TAG.typedef) ?? entries.find((x) => x.tag === DW_TAG.base_type);
    return e ? this.typeAt(e.offset) : undefined;
  }

  /** struct/union/enum by tag name, preferring a complete definition. */
  lookupTag(kind: 'struct' | 'union' | 'enum', name: string): Type | undefined {
    const tag = TAG_OF[kind];
    const entries = this.dwarf.typesNamed(name, [tag]).filter((x) => x.tag === tag);
    const e = entries.find((x) => !x.declaration) ?? entries[0];
    return e ? this.typeAt(e.offset) : undefined;
  }

  /** An enumerator constant by name: its enum type and value. */
  lookupEnumerator(name: string): { type: Type; value: bigint } | undefined {
    for (const off of this.dwarf.index.enumerators.get(name) ?? []) {
      const d = this.dwarf.dieAt(off);
      const parent = d.parent;
      if (!parent) continue;
      return { type: this.typeAt(parent.offset), value: enumValue(d) };
    }
    return undefined;
  }

  /** The type of a function (DW_TAG_subprogram or subroutine_type DIE). */
  functionType(concrete: Die): FunctionType {
    // Out-of-line copies of inlined functions keep their parameters on the abstract instance.
    let die = concrete;
    for (let i = 0; i < 8; i++) {
      const origin = die.refDie(DW_AT.abstract_origin) ?? die.refDie(DW_AT.specification);
      if (!origin) break;
      die = origin;
    }
    const params: Type[] = [];
    let varargs = false;
    for (const c of die.children()) {
      if (c.tag === DW_TAG.formal_parameter && !c.flag(DW_AT.artificial)) params.push(this.typeOf(c));
      else if (c.tag === DW_TAG.unspecified_parameters) varargs = true;
    }
    const proto = die.inherited(DW_AT.prototyped);
    const prototyped = proto?.value.kind === 'flag' && proto.value.value;
    const ret = die.type ?? die.inherited(DW_AT.type)?.value;
    const retOffset = typeof ret === 'number' ? ret : ret?.kind === 'ref' ? ret.value : undefined;
    return { kind: 'function', returnType: this.typeAt(retOffset), params, prototyped, varargs };
  }

  private build(d: Die): Type {
    switch (d.tag) {
      case DW_TAG.base_type: return baseType(d);
      case DW_TAG.pointer_type:
      case DW_TAG.reference_type:
      case DW_TAG.rvalue_reference_type: {
        const self = this;
        const off = d.type;
        let target: Type | undefined;
        return { kind: 'pointer', size: d.num(DW_AT.byte_size) ?? 8, get target() { return (target ??= self.typeAt(off)); } };
      }
      case DW_TAG.const_type: return this.qualified(d, { const: true });
      case DW_TAG.volatile_type: return this.qualified(d, { volatile: true });
      case DW_TAG.restrict_type: return this.qualified(d, { restrict: true });
      case DW_TAG.atomic_type: return this.qualified(d, { atomic: true });
      case DW_TAG.typedef: {
        const self = this;
        const off = d.type;
        let target: Type | undefined;
        return { kind: 'typedef', name: d.name ?? '', get target() { return (target ??= self.typeAt(off)); } };
      }
      case DW_TAG.structure_type:
      case DW_TAG.class_type:
      case DW_TAG.union_type:
        return this.aggregate(d);
      case DW_TAG.enumeration_type: return this.enumeration(d);
      case DW_TAG.array_type: return this.array(d);
      case DW_TAG.subroutine_type: return this.functionType(d);
      case DW_TAG.subprogram: return this.functionType(d);
      case DW_TAG.unspecified_type: return { kind: 'error', name: d.name ?? '<unknown type>' };
      default: return { kind: 'error', name: '<unknown type>' };
    }
  }

  private qualified(d: Die, quals: { const?: boolean; volatile?: boolean; restrict?: boolean; atomic?: boolean }): Type {
    const self = this;
    const off = d.type;
    let target: Type | undefined;
    return { kind: 'qualified', quals, get target() { return (target ??= self.typeAt(off)); } };
  }

  /** A declaration's complete definition elsewhere (another unit), when one exists. */
  private definition(d: Die, kind: 'struct' | 'union' | 'enum'): Die | undefined {
    const name = d.name;
    if (!name || !d.flag(DW_AT.declaration)) return undefined;
    const tag = TAG_OF[kind];
    const e = this.dwarf.typesNamed(name, [tag]).find((x) => x.tag === tag && !x.declaration);
    return e ? this.dwarf.dieAt(e.offset) : undefined;
  }

  private aggregate(decl: Die): Type {
    const kind = decl.tag === DW_TAG.union_type ? 'union' : 'struct';
    if (decl.name && decl.flag(DW_AT.declaration)) return this.lazyDeclaration(decl, kind);
    const d = decl;
    const self = this;
    let members: Member[] | undefined;
    const t: StructType = {
      kind,
      name: d.name,
      size: d.num(DW_AT.byte_size) ?? 0,
      incomplete: d.flag(DW_AT.declaration),
      get members() { return (members ??= self.members(d)); },
    };
    return t;
  }

  /**
   * A struct/union declaration: its name is known at once; its definition (found by name, possibly in another
   * unit) only when size or members are asked for, so that printing `struct foo *` looks nothing up.
   */
  private lazyDeclaration(d: Die, kind: 'struct' | 'union'): StructType {
    const self = this;
    let def: StructType | null | undefined;
    const resolved = (): StructType | null => {
      if (def === undefined) {
        const found = self.definition(d, kind);
        const t = found ? self.typeAt(found.offset) : undefined;
        def = t && (t.kind === 'struct' || t.kind === 'union') && !t.incomplete ? t : null;
      }
      return def;
    };
    return {
      kind,
      name: d.name,
      get size() { return resolved()?.size ?? d.num(DW_AT.byte_size) ?? 0; },
      get incomplete() { return resolved()?.incomplete ?? true; },
      get members() { return resolved()?.members ?? []; },
    };
  }

  private members(d: Die): Member[] {
    const out: Member[] = [];
    for (const c of d.children()) {
      if (c.tag !== DW_TAG.member) continue;
      if (c.flag(DW_AT.external) || c.flag(DW_AT.declaration)) continue; // static members (C++)
      const type = this.typeOf(c);
      const byteOffset = memberOffset(c);
      const bitSize = c.num(DW_AT.bit_size) ?? 0;
      let bitPos = byteOffset * 8;
      const dbo = c.num(DW_AT.data_bit_offset);
      if (dbo !== undefined) bitPos = dbo;
      else if (bitSize) {
        const bitOffset = c.sconst(DW_AT.bit_offset);
        if (bitOffset !== undefined) {
          // DWARF 2/3: bit_offset counts from the most significant bit of the storage unit.
          const storage = c.num(DW_AT.byte_size) ?? anonSize(type);
          bitPos = byteOffset * 8 + storage * 8 - Number(bitOffset) - bitSize;
        }
      }
      out.push({ name: c.name, type, bitPos, bitSize, ...(c.flag(DW_AT.artificial) ? { artificial: true } : {}) });
    }
    return out;
  }

  private enumeration(decl: Die): Type {
    const def = this.definition(decl, 'enum');
    if (def) return this.typeAt(def.offset);
    const d = decl;
    const enumerators: Enumerator[] = [];
    for (const c of d.children()) if (c.tag === DW_TAG.enumerator) enumerators.push({ name: c.name ?? '', value: enumValue(c) });
    const unsigned = enumerators.every((e) => e.value >= 0n);
    const flag = unsigned && enumerators.every((e) => (e.value & (e.value - 1n)) === 0n);
    const t: EnumType = {
      kind: 'enum', name: d.name, size: d.num(DW_AT.byte_size) ?? 4, unsigned, flag, enumerators,
      incomplete: d.flag(DW_AT.declaration),
    };
    return t;
  }

  private array(d: Die): Type {
    const dims: { bound: ArrayBound; lower: number }[] = [];
    for (const c of d.children()) {
      if (c.tag !== DW_TAG.subrange_type && c.tag !== DW_TAG.generic_subrange) continue;
      dims.push(subrange(c));
    }
    if (!dims.length) dims.push({ bound: { kind: 'unknown' }, lower: 0 });
    let t: Type = this.typeOf(d);
    if (d.flag(DW_AT.GNU_vector)) {
      // gdb's make_vector_type: the elements are numbers, never characters (a char vector prints {1, 2, 3, 4}).
      if (t.kind === 'int') t = { ...t, notText: true };
      return { kind: 'array', element: t, bound: dims[0]!.bound, lowerBound: dims[0]!.lower, vector: true };
    }
    for (let i = dims.length - 1; i >= 0; i--) t = { kind: 'array', element: t, bound: dims[i]!.bound, lowerBound: dims[i]!.lower };
    return t;
  }
}

function anonSize(t: Type): number {
  return 'size' in t && typeof t.size === 'number' ? t.size : 4;
}

function memberOffset(c: Die): number {
  const a = c.attr(DW_AT.data_member_location);
  if (!a) return 0;
  const v = a.value;
  if (v.kind === 'unsigned' || v.kind === 'signed') return Number(v.value);
  if (v.kind === 'block' || v.kind === 'exprloc') {
    // DWARF 2: DW_OP_plus_uconst N (the only form C compilers emit).
    const b = v.value;
    if (b[0] === 0x23) {
      let n = 0;
      let mul = 1;
      for (let i = 1; i < b.length; i++) {
        n += (b[i]! & 0x7f) * mul;
        mul *= 128;
        if (!(b[i]! & 0x80)) break;
      }
      return n;
    }
  }
  return 0;
}

function enumValue(c: Die): bigint {
  const a = c.attr(DW_AT.const_value);
  if (!a) return 0n;
  const v = a.value;
  if (v.kind === 'signed') return BigInt(v.value);
  if (v.kind === 'unsigned') return BigInt(v.value);
  return 0n;
}

function subrange(c: Die): { bound: ArrayBound; lower: number } {
  const lower = Number(c.sconst(DW_AT.lower_bound) ?? 0n);
  for (const [at, isCount] of [[DW_AT.count, true], [DW_AT.upper_bound, false]] as const) {
    const a = c.attr(at);
    if (!a) continue;
    const v = a.value;
    if (v.kind === 'ref') return { bound: { kind: 'dynamic', isCount, variableDie: v.value }, lower };
    if (v.kind === 'exprloc' || v.kind === 'block') return { bound: { kind: 'dynamic', isCount, expr: v.value, unitOffset: c.unit.offset }, lower };
    const n = a.form === DW_FORM.sdata || a.form === DW_FORM.data8 || a.form === DW_FORM.implicit_const ? c.sconst(at) : c.uconst(at);
    if (n === undefined) continue;
    const count = isCount ? Number(n) : Number(n) - lower + 1;
    return { bound: { kind: 'count', count: Math.max(0, count) }, lower };
  }
  return { bound: { kind: 'unknown' }, lower };
}

/** gdb prints C integer names canonically: "long unsigned int" is "unsigned long", "short int" is "short". */
export function canonicalIntName(name: string): string {
  const words = name.split(/\s+/);
  if (!words.every((w) => w === 'short' || w === 'long' || w === 'int' || w === 'unsigned' || w === 'signed')) return name;
  const longs = words.filter((w) => w === 'long').length;
  const core = words.includes('short') ? 'short' : longs >= 2 ? 'long long' : longs === 1 ? 'long' : 'int';
  return (words.includes('unsigned') ? 'unsigned ' : '') + core;
}

function baseType(d: Die): Type {
  const name = canonicalIntName(d.name ?? '');
  const size = d.num(DW_AT.byte_size) ?? 0;
  const enc = d.num(DW_AT.encoding) ?? DW_ATE.signed;
  switch (enc) {
    case DW_ATE.boolean: return { kind: 'bool', name, size };
    case DW_ATE.float: return { kind: 'float', name, size, format: floatFormat(size, name) };
    case DW_ATE.complex_float: {
      const half = size / 2;
      const partName = half === 4 ? 'float' : half === 8 ? 'double' : 'long double';
      return { kind: 'complex', name, size, part: { kind: 'float', name: partName, size: half, format: floatFormat(half, partName) } };
    }
    case DW_ATE.signed: case DW_ATE.signed_char: return { kind: 'int', name, size, signed: true };
    case DW_ATE.unsigned: case DW_ATE.unsigned_char: case DW_ATE.UTF: case DW_ATE.address:
      return { kind: 'int', name, size, signed: false };
    default: return { kind: 'int', name, size, signed: true };
  }
}

function floatFormat(size: number, name: string): FloatFormat {
  if (size === 2) return /bf16|bfloat/.test(name) ? 'bfloat16' : 'ieee16';
  if (size === 4) return 'ieee32';
  if (size === 8) return 'ieee64';
  if (size === 16 && /128/.test(name)) return 'ieee128';
  return 'x87';
}
