// Units of .debug_info (and v4 .debug_types) with their lazily parsed DIE trees, and the DIEs themselves (one module: each refers to the other).
import { DW_AT, DW_FORM, DW_TAG, dwName } from './constants.js';
import { readForm, type AttrValue } from './forms.js';
import type { Abbrev } from './abbrev.js';
import type { AddrRange } from './ranges.js';
import type { DwarfSections } from './sections.js';
import type { LineTable } from './line.js';
import { UnitBase } from './unit-base.js';
import type { ByteReader } from '../util/byte-reader.js';

export { type UnitBases } from './unit-base.js';
export type { UnitSection } from './sections.js';

/** What a unit needs from its file beyond raw sections: DIEs anywhere (references cross units), line tables. */
export interface UnitFile extends DwarfSections {
  dieAt(offset: number): Die;
  typeUnit(signature: bigint): Unit | undefined;
  lineTable(unit: Unit): LineTable | undefined;
  /** Runs `work` on one unit; a corrupt part is reported once and skipped from then on (undefined). */
  soundly<T>(unit: Unit, work: () => T, part?: 'dies' | 'lines'): T | undefined;
}

/**
 * A unit's DIEs in preorder, parsed incrementally: a question about an early DIE reads the unit only up to
 * it (and its subtree), which matters for units of many megabytes. Entries are appended in file order, so
 * `offsets` is sorted and found by binary search (no map of every DIE).
 */
interface Tree {
  offsets: number[];
  abbrevs: Abbrev[];
  parents: number[];
  /** Next sibling, -1 when none has been read (yet: see `Unit.nextIndex`). */
  next: number[];
  dies: (Die | undefined)[];
  /** Where the next DIE is read. */
  reader: ByteReader;
  /** Indexes of the DIEs whose children are being read, -1 (the unit) at the bottom. */
  stack: number[];
  prevAtDepth: number[];
  done: boolean;
  /** A corrupt unit fails at the same place on every later read too. */
  error?: unknown;
}

export class Unit extends UnitBase {
  declare readonly dwarf: UnitFile;
  private tree?: Tree;

  /** The root DIE (DW_TAG_compile_unit, partial_unit or type_unit). */
  get root(): Die {
    return this.entry(0);
  }

  /** The DIE at `offset`, or undefined when no DIE starts there. Reads the unit's tree up to it. */
  dieAt(offset: number): Die | undefined {
    const t = this.treeUntil((x) => x.offsets.length > 0 && x.offsets[x.offsets.length - 1]! >= offset);
    const v = t.offsets;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = v[mid]!;
      if (o < offset) lo = mid + 1;
      else if (o > offset) hi = mid - 1;
      else return this.entry(mid);
    }
    return undefined;
  }

  /** Number of DIEs in the unit (reads the whole tree). */
  get dieCount(): number {
    return this.treeUntil(() => false).offsets.length;
  }

  /** DIE number `i` in preorder. */
  entry(i: number): Die {
    const t = this.treeUntil((x) => x.offsets.length > i);
    let d = t.dies[i];
    if (!d) {
      const off = t.offsets[i];
      if (off === undefined) throw new RangeError(`DIE index ${i} out of range`);
      d = t.dies[i] = new Die(this, i, off, t.abbrevs[i]!);
    }
    return d;
  }

  /** Offset of DIE number `i` (no Die object made). */
  offsetAt(i: number): number {
    return this.treeUntil((x) => x.offsets.length > i).offsets[i] ?? -1;
  }

  /** Abbreviation of DIE number `i` (no Die object made). */
  abbrevAt(i: number): Abbrev | undefined {
    return this.treeUntil((x) => x.offsets.length > i).abbrevs[i];
  }

  /** Tag of DIE number `i` (no Die object made). */
  tagAt(i: number): number {
    return this.abbrevAt(i)?.tag ?? DW_TAG.null;
  }

  /** Index of the parent of entry `i`, or -1. */
  parentIndex(i: number): number {
    return this.treeUntil((x) => x.offsets.length > i).parents[i] ?? -1;
  }
  /** Index of the next sibling of entry `i`, or -1. */
  nextIndex(i: number): number {
    // Known once the sibling is read, or once the parent's children are all read (the parent left the stack).
    const t = this.treeUntil((x) => x.offsets.length > i && (x.next[i] !== -1 || !x.stack.includes(x.parents[i]!)));
    return t.next[i] ?? -1;
  }
  /** Index of the first child of entry `i`, or -1. */
  firstChildIndex(i: number): number {
    const t = this.treeUntil((x) => x.offsets.length > i + 1);
    return t.abbrevs[i]?.hasChildren && t.parents[i + 1] === i ? i + 1 : -1;
  }

  /** The tree, read on until `enough` holds or the unit ends. */
  private treeUntil(enough: (t: Tree) => boolean): Tree {
    const t = (this.tree ??= {
      offsets: [], abbrevs: [], parents: [], next: [], dies: [],
      reader: this.reader(this.firstDieOffset), stack: [-1], prevAtDepth: [-1], done: false,
    });
    if (t.error !== undefined) throw t.error;
    if (t.done || enough(t)) return t;
    try {
      while (!t.done && !enough(t)) this.readDie(t);
    } catch (e) {
      t.error = e;
      throw e;
    }
    return t;
  }

  /** Reads the next DIE (and the null entries before it) into the tree. */
  private readDie(t: Tree): void {
    const r = t.reader;
    const base = this.section.base;
    const { stack, prevAtDepth } = t;
    while (r.pos < r.end) {
      const at = r.pos;
      const code = r.uleb();
      if (code === 0) {
        if (stack.length <= 1) continue; // padding after the root's children
        stack.pop();
        prevAtDepth.pop();
        continue;
      }
      const a = this.abbrev(code, r, at);
      this.skipAttrs(r, a);
      const i = t.offsets.length;
      t.offsets.push(at + base);
      t.abbrevs.push(a);
      t.parents.push(stack[stack.length - 1]!);
      t.next.push(-1);
      const depth = stack.length - 1;
      const prev = prevAtDepth[depth]!;
      if (prev >= 0) t.next[prev] = i;
      prevAtDepth[depth] = i;
      if (a.hasChildren) {
        stack.push(i);
        prevAtDepth.push(-1);
      }
      if (i === 0 && !a.hasChildren) t.done = true;
      return;
    }
    t.done = true;
  }
}

export interface Attr {
  at: number;
  form: number;
  value: AttrValue;
}

/** Attributes whose data4/data8 values are section offsets in DWARF 2 and 3 (constants in 4+). */
const V3_SECTION_OFFSET_ATTRS = new Set<number>([
  DW_AT.location, DW_AT.stmt_list, DW_AT.ranges, DW_AT.frame_base, DW_AT.string_length, DW_AT.return_addr,
  DW_AT.segment, DW_AT.static_link, DW_AT.use_location, DW_AT.vtable_elem_location, DW_AT.macro_info,
]);

export class Die {
  private cache?: Attr[];

  constructor(
    readonly unit: Unit,
    /** Preorder index of this DIE within its unit. */
    readonly index: number,
    /** Offset of the DIE in the DwarfFile offset space (.debug_info offset for .debug_info units). */
    readonly offset: number,
    readonly abbrev: Abbrev,
  ) {}

  get tag(): number {
    return this.abbrev.tag;
  }
  get tagName(): string {
    return dwName(DW_TAG, this.abbrev.tag);
  }
  get hasChildren(): boolean {
    return this.abbrev.hasChildren;
  }

  get parent(): Die | undefined {
    const p = this.unit.parentIndex(this.index);
    return p < 0 ? undefined : this.unit.entry(p);
  }

  children(): Die[] {
    const out: Die[] = [];
    for (let i = this.unit.firstChildIndex(this.index); i >= 0; i = this.unit.nextIndex(i)) out.push(this.unit.entry(i));
    return out;
  }

  /** Every attribute, decoded (strings, .debug_addr indexes and unit-relative references resolved). */
  attrs(): Attr[] {
    if (this.cache) return this.cache;
    const u = this.unit;
    const r = u.reader(this.offset);
    r.uleb(); // abbreviation code
    const out: Attr[] = [];
    for (const s of this.abbrev.specs) {
      let form = s.form;
      if (form === DW_FORM.indirect) {
        const save = r.pos;
        form = r.uleb();
        r.pos = save;
      }
      let value = u.resolve(readForm(r, s.form, u, s.implicitConst));
      if (u.version < 4 && value.kind === 'unsigned' && (form === DW_FORM.data4 || form === DW_FORM.data8) && V3_SECTION_OFFSET_ATTRS.has(s.at)) {
        value = { kind: 'secOffset', value: Number(value.value) };
      }
      out.push({ at: s.at, form, value });
    }
    return (this.cache = out);
  }

  attr(at: number): Attr | undefined {
    return this.attrs().find((a) => a.at === at);
  }
  has(at: number): boolean {
    return this.abbrev.specs.some((s) => s.at === at);
  }
  value(at: number): AttrValue | undefined {
    return this.attr(at)?.value;
  }

  /** DW_AT_name. */
  get name(): string | undefined {
    return this.str(DW_AT.name);
  }

  str(at: number): string | undefined {
    const v = this.value(at);
    return v?.kind === 'string' ? v.value : undefined;
  }

  /** A constant as a number (data*, udata zero-extended; sdata/implicit_const signed). Undefined when absent or not a safe integer. */
  num(at: number): number | undefined {
    const v = this.value(at);
    if (!v) return undefined;
    if ((v.kind === 'unsigned' || v.kind === 'signed' || v.kind === 'secOffset' || v.kind === 'loclistx' || v.kind === 'rnglistx') && typeof v.value === 'number') return v.value;
    return undefined;
  }

  /** A constant as a bigint, sign-extending fixed-size data forms (data1/2/4/8) as DWARF leaves their signedness to the consumer. */
  sconst(at: number): bigint | undefined {
    const a = this.attr(at);
    if (!a) return undefined;
    const v = a.value;
    if (v.kind === 'signed') return BigInt(v.value);
    if (v.kind !== 'unsigned') return undefined;
    const bits = a.form === DW_FORM.data1 ? 8n : a.form === DW_FORM.data2 ? 16n : a.form === DW_FORM.data4 ? 32n : a.form === DW_FORM.data8 ? 64n : 0n;
    return bits ? BigInt.asIntN(Number(bits), BigInt(v.value)) : BigInt(v.value);
  }

  /** A constant as an unsigned bigint. */
  uconst(at: number): bigint | undefined {
    const v = this.value(at);
    return v && (v.kind === 'unsigned' || v.kind === 'signed') ? BigInt(v.value) : undefined;
  }

  flag(at: number): boolean {
    const v = this.value(at);
    return v?.kind === 'flag' ? v.value : false;
  }

  address(at: number): bigint | undefined {
    const v = this.value(at);
    return v?.kind === 'address' ? v.value : undefined;
  }

  /** Block or exprloc bytes. */
  block(at: number): Uint8Array | undefined {
    const v = this.value(at);
    return v?.kind === 'block' || v?.kind === 'exprloc' ? v.value : undefined;
  }

  /** A reference as an absolute DIE offset; DW_FORM_ref_sig8 resolves to the type unit's type DIE. */
  ref(at: number): number | undefined {
    const v = this.value(at);
    if (v?.kind === 'ref') return v.value;
    if (v?.kind === 'sig8') return this.unit.dwarf.typeUnit(v.value)?.typeOffset;
    return undefined;
  }

  /** The DIE a reference attribute points to. */
  refDie(at: number): Die | undefined {
    const off = this.ref(at);
    return off === undefined ? undefined : this.unit.dwarf.dieAt(off);
  }

  /** DW_AT_type as a DIE offset (undefined for void). */
  get type(): number | undefined {
    return this.ref(DW_AT.type);
  }

  /** This DIE's own attribute, or else one from its DW_AT_abstract_origin / DW_AT_specification chain. */
  inherited(at: number): Attr | undefined {
    let d: Die | undefined = this as Die;
    for (let hops = 0; d && hops < 8; hops++) {
      const a = d.attr(at);
      if (a) return a;
      d = d.refDie(DW_AT.abstract_origin) ?? d.refDie(DW_AT.specification);
    }
    return undefined;
  }

  /** The name, following abstract_origin / specification. */
  get resolvedName(): string | undefined {
    const v = this.inherited(DW_AT.name)?.value;
    return v?.kind === 'string' ? v.value : undefined;
  }

  /** Low pc, when the DIE has a DW_AT_low_pc. */
  get lowPc(): bigint | undefined {
    return this.address(DW_AT.low_pc);
  }

  /** The code ranges of the DIE: low_pc/high_pc (high as address or length) or DW_AT_ranges. Empty when it has no code. */
  pcRanges(): AddrRange[] {
    return pcRangesOf(this.unit, this.tag, this.address(DW_AT.low_pc), this.value(DW_AT.high_pc), this.value(DW_AT.ranges));
  }

  /** True when some range contains `pc`. */
  containsPc(pc: bigint): boolean {
    return this.pcRanges().some((r) => pc >= r.start && pc < r.end);
  }

  toString(): string {
    return `<0x${this.offset.toString(16)}> ${this.tagName}${this.name ? ` ${this.name}` : ''}`;
  }
}

/** A DIE's code ranges from its (resolved) DW_AT_low_pc, DW_AT_high_pc and DW_AT_ranges. */
export function pcRangesOf(unit: Unit, tag: number, low: bigint | undefined, high: AttrValue | undefined, ranges: AttrValue | undefined): AddrRange[] {
  if (low !== undefined && high) {
    if (high.kind === 'address') return high.value > low ? [{ start: low, end: high.value }] : [];
    if (high.kind === 'unsigned' || high.kind === 'signed') {
      const len = BigInt(high.value);
      return len > 0n ? [{ start: low, end: low + len }] : [];
    }
  }
  if (ranges) return unit.rangesAt(ranges);
  if (low !== undefined && !high && tag !== DW_TAG.compile_unit) return [{ start: low, end: low + 1n }];
  return [];
}
