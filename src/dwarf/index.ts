// The name index: functions, variables and types of every compile unit, from a scan of top-level DIEs only.
import { DW_AT, DW_TAG } from './constants.js';
import { readForm, skipForm, type RawValue } from './forms.js';
import type { ByteReader } from '../util/byte-reader.js';
import type { Unit } from './unit.js';
import type { Abbrev } from './abbrev.js';

export interface IndexEntry {
  name: string;
  /** DIE offset (DwarfFile offset space). */
  offset: number;
  unit: Unit;
  tag: number;
  /** DW_AT_external (own or through specification / abstract_origin). */
  external: boolean;
  declaration: boolean;
  /** Function with code (low_pc or ranges), or variable with a location. */
  defined: boolean;
  /** DW_AT_low_pc when present. */
  lowPc?: bigint;
  /** DW_AT_abstract_origin or DW_AT_specification target, when the name came from there. */
  origin?: number;
}

const TYPE_TAGS = new Set<number>([DW_TAG.structure_type, DW_TAG.union_type, DW_TAG.enumeration_type, DW_TAG.typedef, DW_TAG.base_type, DW_TAG.class_type]);
const WANTED = new Set<number>([DW_AT.name, DW_AT.external, DW_AT.declaration, DW_AT.low_pc, DW_AT.ranges, DW_AT.location,
  DW_AT.abstract_origin, DW_AT.specification, DW_AT.sibling]);
/** Keep at most this many DIEs per type name (the same header types repeat in every unit). */
const MAX_TYPES_PER_NAME = 16;

export class NameIndex {
  /** Subprograms by name (declarations, abstract inline instances and out-of-line copies included; see the flags). */
  readonly functions = new Map<string, IndexEntry[]>();
  /** Top-level variables by name (globals and file statics). */
  readonly variables = new Map<string, IndexEntry[]>();
  /** Named types: struct/union/enum tags, typedefs, base types, by name (at most 16 per name). */
  readonly types = new Map<string, IndexEntry[]>();
  /** Enumerators of top-level enumeration types, by name (DIE offsets of the DW_TAG_enumerator). */
  readonly enumerators = new Map<string, number[]>();

  /** Scans every sound unit; a corrupt one is reported and left out (`soundly`), the others are indexed. */
  static build(dwarf: { readonly units: readonly Unit[]; soundly<T>(unit: Unit, work: () => T): T | undefined }): NameIndex {
    const ix = new NameIndex();
    const strCache = new Map<number, string>();
    for (const u of dwarf.units) {
      // Entries reach the maps only when the whole unit scanned cleanly.
      const part = dwarf.soundly(u, () => {
        const one = new NameIndex();
        if (u.isTypeUnit) scanTypeUnit(one, u);
        else scanUnit(one, u, strCache);
        return one;
      });
      if (part) ix.merge(part);
    }
    return ix;
  }

  private merge(part: NameIndex): void {
    for (const [map, from] of [[this.functions, part.functions], [this.variables, part.variables], [this.types, part.types]] as const) {
      for (const list of from.values()) for (const e of list) this.add(map, e);
    }
    for (const [name, offs] of part.enumerators) {
      const list = this.enumerators.get(name);
      if (list) list.push(...offs);
      else this.enumerators.set(name, offs);
    }
  }

  /** All functions named `name` that have code. */
  definedFunctions(name: string): IndexEntry[] {
    return (this.functions.get(name) ?? []).filter((e) => e.defined);
  }

  add(map: Map<string, IndexEntry[]>, e: IndexEntry): void {
    const list = map.get(e.name);
    if (!list) map.set(e.name, [e]);
    else if (map !== this.types || list.length < MAX_TYPES_PER_NAME) list.push(e);
  }
}

interface Pending {
  entry: Omit<IndexEntry, 'name'>;
  map: Map<string, IndexEntry[]>;
}

function scanUnit(ix: NameIndex, u: Unit, strCache: Map<number, string>): void {
  const r = readerAtFirstChild(u);
  if (!r) return;
  const base = u.section.base;
  const names = new Map<number, { name: string; external: boolean }>();
  const pending: Pending[] = [];
  const str = (v: RawValue): string | undefined => {
    if (v.kind === 'string') return v.value;
    if (v.kind === 'strp' && v.section === '.debug_str') {
      let s = strCache.get(v.value);
      if (s === undefined) strCache.set(v.value, (s = u.dwarf.strAt(v.section, v.value)));
      return s;
    }
    const res = u.resolve(v);
    return res.kind === 'string' ? res.value : undefined;
  };
  while (r.pos < r.end) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) break;
    const a = u.abbrev(code, r, at);
    const tag = a.tag;
    const isFn = tag === DW_TAG.subprogram;
    const isVar = tag === DW_TAG.variable;
    const isType = TYPE_TAGS.has(tag);
    if (!isFn && !isVar && !isType && !a.hasChildren) {
      u.skipAttrs(r, a);
      continue;
    }
    let name: string | undefined;
    let external = false;
    let declaration = false;
    let lowPc: bigint | undefined;
    let defined = false;
    let origin: number | undefined;
    let sibling: number | undefined;
    for (const s of a.specs) {
      if (!WANTED.has(s.at) || (!isFn && !isVar && !isType && s.at !== DW_AT.sibling)) {
        skipForm(r, s.form, u);
        continue;
      }
      if (s.at === DW_AT.ranges || s.at === DW_AT.location) {
        // Only their presence matters here: skipping spares a value (an expression's bytes) per global.
        defined = true;
        skipForm(r, s.form, u);
        continue;
      }
      const v = readForm(r, s.form, u, s.implicitConst);
      switch (s.at) {
        case DW_AT.name: name = str(v); break;
        case DW_AT.external: external = v.kind === 'flag' && v.value; break;
        case DW_AT.declaration: declaration = v.kind === 'flag' && v.value; break;
        case DW_AT.low_pc: {
          const res = u.resolve(v);
          if (res.kind === 'address') lowPc = res.value;
          defined = true;
          break;
        }
        case DW_AT.abstract_origin: case DW_AT.specification: {
          const res = u.resolve(v);
          if (res.kind === 'ref') origin = res.value;
          break;
        }
        case DW_AT.sibling: {
          const res = u.resolve(v);
          if (res.kind === 'ref') sibling = res.value;
          break;
        }
      }
    }
    const offset = at + base;
    if (isFn || isVar || isType) {
      const map = isFn ? ix.functions : isVar ? ix.variables : ix.types;
      const entry = { offset, unit: u, tag, external, declaration, defined, ...(lowPc !== undefined ? { lowPc } : {}) };
      if (name !== undefined) {
        names.set(offset, { name, external });
        if (!isType || !declaration) ix.add(map, { name, ...entry });
      } else if (origin !== undefined && !isType) pending.push({ entry: { ...entry, origin }, map });
    }
    if (a.hasChildren) {
      if (tag === DW_TAG.enumeration_type) scanEnumerators(ix, u, r, str);
      else if (sibling !== undefined && sibling > offset && sibling <= u.end) r.pos = sibling - base;
      else skipChildren(u, r);
    }
  }
  for (const p of pending) {
    const o = names.get(p.entry.origin!);
    let name = o?.name;
    let external = p.entry.external || (o?.external ?? false);
    if (name === undefined) {
      const d = u.dwarf.dieAt(p.entry.origin!);
      name = d.resolvedName;
      external ||= d.inherited(DW_AT.external)?.value.kind === 'flag';
    }
    if (name !== undefined) ix.add(p.map, { name, ...p.entry, external });
  }
}

/** A reader at the first child of the unit's root DIE, or undefined when the root has none. */
export function readerAtFirstChild(u: Unit): ByteReader | undefined {
  const r = u.reader(u.firstDieOffset);
  const rootCode = r.uleb();
  if (rootCode === 0) return undefined;
  const root = u.abbrev(rootCode, r, r.pos - 1);
  u.skipAttrs(r, root);
  return root.hasChildren ? r : undefined;
}

/**
 * Walks the descendants of the DIE just read (r is at its first child) in order; `visit` must read or
 * skip the attributes of each DIE (depth 1 = a direct child).
 */
function walkDescendants(u: Unit, r: ByteReader, visit: (a: Abbrev, at: number, depth: number) => void): void {
  let depth = 1;
  while (depth > 0 && r.pos < r.end) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) {
      depth--;
      continue;
    }
    const a = u.abbrev(code, r, at);
    visit(a, at, depth);
    if (a.hasChildren) depth++;
  }
}

/** Skip the children of the DIE just read (r is at its first child). */
export function skipChildren(u: Unit, r: ByteReader): void {
  walkDescendants(u, r, (a) => u.skipAttrs(r, a));
}

function scanEnumerators(ix: NameIndex, u: Unit, r: ByteReader, str: (v: RawValue) => string | undefined): void {
  walkDescendants(u, r, (a, at, depth) => {
    if (a.tag !== DW_TAG.enumerator || depth !== 1) return u.skipAttrs(r, a);
    let name: string | undefined;
    for (const s of a.specs) {
      if (s.at === DW_AT.name) name = str(readForm(r, s.form, u, s.implicitConst));
      else skipForm(r, s.form, u);
    }
    if (name === undefined) return;
    const list = ix.enumerators.get(name);
    if (!list) ix.enumerators.set(name, [at + u.section.base]);
    else if (list.length < MAX_TYPES_PER_NAME) list.push(at + u.section.base);
  });
}

/** Type units contribute their one named type. */
function scanTypeUnit(ix: NameIndex, u: Unit): void {
  if (u.typeOffset === undefined) return;
  const d = u.dwarf.dieAt(u.typeOffset);
  const name = d.name;
  if (name && TYPE_TAGS.has(d.tag) && !d.flag(DW_AT.declaration)) {
    ix.add(ix.types, { name, offset: d.offset, unit: u, tag: d.tag, external: false, declaration: false, defined: true });
  }
}

