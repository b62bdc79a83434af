// A unit's header and attribute encoding: its bytes, abbreviations, root attributes (bases) and indexes into other sections.
import { ByteReader } from '../util/byte-reader.js';
import { AbbrevTable, findAbbrev, type Abbrev } from './abbrev.js';
import { DW_AT, DW_UT, DW_TAG } from './constants.js';
import { formFixedSize, readForm, skipForm, type AttrValue, type Encoding, type RawValue } from './forms.js';
import { listxOffset, readDebugRanges, readRnglist, type AddrRange } from './ranges.js';
import type { DwarfSections, UnitSection } from './sections.js';

/** Attributes of the unit's root DIE that other sections need (read without building the tree). */
export interface UnitBases {
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
  loclistsBase: number;
  /** DW_AT_low_pc of the root DIE (0 when absent; plus the load bias): the base of offset_pair range and location list entries. */
  baseAddress: bigint;
  name?: string;
  compDir?: string;
  producer?: string;
  language?: number;
  /** DW_AT_stmt_list: offset of the unit's line program in .debug_line. */
  stmtList?: number;
}

/** Everything about a unit that needs no DIE tree (Unit adds the tree and its Die objects). */
export class UnitBase implements Encoding {
  protected abbrevCache?: AbbrevTable;
  private basesCache?: UnitBases;
  protected loaded = false;
  /** Key for per-encoding caches (fixed attribute sizes). */
  readonly encodingKey: number;

  constructor(
    readonly dwarf: DwarfSections,
    readonly section: UnitSection,
    /** Offset of the unit header (DwarfFile offset space). */
    readonly offset: number,
    /** End of the unit (exclusive), same offset space. */
    readonly end: number,
    readonly version: number,
    /** DW_UT_* (DWARF 5), DW_UT.compile for older compile units, DW_UT.type for .debug_types units. */
    readonly unitType: number,
    readonly addressSize: number,
    readonly offsetSize: number,
    readonly abbrevOffset: number,
    /** Offset of the root DIE. */
    readonly firstDieOffset: number,
    readonly typeSignature?: bigint,
    /** Type units: offset of the type DIE (DwarfFile offset space). */
    readonly typeOffset?: number,
  ) {
    this.encodingKey = version * 256 + addressSize * 16 + offsetSize;
  }

  get isTypeUnit(): boolean {
    return this.unitType === DW_UT.type || this.unitType === DW_UT.split_type;
  }

  get abbrevs(): AbbrevTable {
    return (this.abbrevCache ??= this.dwarf.abbrevTable(this.abbrevOffset));
  }

  /** A reader over this unit's bytes, positioned at `offset` (DwarfFile offset space). */
  reader(offset: number): ByteReader {
    const s = this.section;
    if (s.ensure && !this.loaded) {
      s.ensure(this.offset - s.base, this.end - this.offset);
      this.loaded = true;
    }
    const r = new ByteReader(s.bytes, s.name, this.firstDieOffset - s.base, this.end - s.base);
    if (offset < this.firstDieOffset || offset > this.end) r.fail('DIE offset outside its unit', offset - s.base);
    r.pos = offset - s.base;
    return r;
  }

  /** Abbreviation for `code`, failing with the section offset when it is missing. */
  abbrev(code: number, r: ByteReader, at: number): Abbrev {
    const a = this.abbrevs.get(code);
    if (!a) r.fail(`abbreviation code ${code} not in the table at .debug_abbrev+0x${this.abbrevOffset.toString(16)}`, at);
    return a;
  }

  /** Skip the attribute values of a DIE with abbreviation `a` (fast when all forms have fixed sizes). */
  skipAttrs(r: ByteReader, a: Abbrev): void {
    let cache = a.fixedSize;
    if (!cache) cache = a.fixedSize = new Map();
    let size = cache.get(this.encodingKey);
    if (size === undefined) {
      size = 0;
      for (const s of a.specs) {
        const n = formFixedSize(s.form, this);
        if (n === null) {
          size = null;
          break;
        }
        size += n;
      }
      cache.set(this.encodingKey, size);
    }
    if (size !== null) r.skip(size);
    else for (const s of a.specs) skipForm(r, s.form, this);
  }

  /** Raw attributes of the DIE at `offset` (no tree needed). */
  readRaw(offset: number): { abbrev: Abbrev; values: RawValue[] } | undefined {
    const s = this.section;
    // A lazily read section: try with the first bytes of the unit only, the whole unit if the DIE is longer.
    if (s.ensure && !this.loaded && offset === this.firstDieOffset) {
      const prefixEnd = Math.min(this.end, this.offset + 4096);
      s.ensure(this.offset - s.base, prefixEnd - this.offset);
      const r = new ByteReader(s.bytes, s.name, this.firstDieOffset - s.base, this.end - s.base);
      try {
        // Only the root's abbreviation is needed: do not parse the unit's whole table yet.
        const code = r.uleb();
        if (code === 0) return undefined;
        const abbrev = this.abbrevCache?.get(code) ?? findAbbrev(this.dwarf.sectionBytes('.debug_abbrev'), this.abbrevOffset, code)
          ?? r.fail(`abbreviation code ${code} not in the table at .debug_abbrev+0x${this.abbrevOffset.toString(16)}`, offset - s.base);
        const got = { abbrev, values: abbrev.specs.map((x) => readForm(r, x.form, this, x.implicitConst)) };
        if (r.pos + s.base <= prefixEnd) return got;
      } catch {
        // read past the prefix: retry with the whole unit below
      }
    }
    return this.readRawWith(this.reader(offset), offset);
  }

  private readRawWith(r: ByteReader, offset: number): { abbrev: Abbrev; values: RawValue[] } | undefined {
    const code = r.uleb();
    if (code === 0) return undefined;
    const abbrev = this.abbrev(code, r, offset - this.section.base);
    const values = abbrev.specs.map((s) => readForm(r, s.form, this, s.implicitConst));
    return { abbrev, values };
  }

  get bases(): UnitBases {
    if (this.basesCache) return this.basesCache;
    const b: UnitBases = { strOffsetsBase: 0, addrBase: 0, rnglistsBase: 0, loclistsBase: 0, baseAddress: this.bias };
    this.basesCache = b;
    const raw = this.readRaw(this.firstDieOffset);
    if (!raw) return b;
    const later: [number, RawValue][] = [];
    raw.abbrev.specs.forEach((s, i) => {
      const v = raw.values[i]!;
      const n = v.kind === 'secOffset' || v.kind === 'unsigned' ? Number(v.value) : undefined;
      switch (s.at) {
        case DW_AT.str_offsets_base: b.strOffsetsBase = n ?? 0; break;
        case DW_AT.addr_base: case DW_AT.GNU_addr_base: b.addrBase = n ?? 0; break;
        case DW_AT.rnglists_base: b.rnglistsBase = n ?? 0; break;
        case DW_AT.loclists_base: b.loclistsBase = n ?? 0; break;
        case DW_AT.stmt_list: b.stmtList = n; break;
        case DW_AT.language: b.language = n; break;
        case DW_AT.low_pc: case DW_AT.name: case DW_AT.comp_dir: case DW_AT.producer: later.push([s.at, v]); break;
      }
    });
    for (const [at, raw0] of later) {
      const v = this.resolve(raw0);
      if (at === DW_AT.low_pc && v.kind === 'address') b.baseAddress = v.value;
      else if (v.kind === 'string') {
        if (at === DW_AT.name) b.name = v.value;
        else if (at === DW_AT.comp_dir) b.compDir = v.value;
        else if (at === DW_AT.producer) b.producer = v.value;
      }
    }
    return b;
  }

  /** Resolve indexes into other sections: strings, .debug_addr, unit-relative references. */
  resolve(v: RawValue): AttrValue {
    switch (v.kind) {
      case 'strp': return { kind: 'string', value: this.dwarf.strAt(v.section, v.value) };
      case 'strx': return { kind: 'string', value: this.strx(v.value) };
      case 'addrx': return { kind: 'address', value: this.addrx(v.value) };
      case 'address': return { kind: 'address', value: v.value + this.bias };
      case 'unitRef': return { kind: 'ref', value: this.offset + v.value };
      case 'supplementary': return { kind: 'unsigned', value: v.value };
      default: return v;
    }
  }

  /** String `index` of the unit's .debug_str_offsets table. */
  strx(index: number): string {
    const data = this.dwarf.sectionBytes('.debug_str_offsets');
    const r = new ByteReader(data, '.debug_str_offsets');
    const at = this.bases.strOffsetsBase + index * this.offsetSize;
    if (at + this.offsetSize > data.length) r.fail(`string index ${index} out of range`, at);
    r.pos = at;
    return this.dwarf.strAt('.debug_str', this.offsetSize === 8 ? r.u64n() : r.u32());
  }

  /** The image's load bias (see DwarfSections.bias). */
  get bias(): bigint {
    return this.dwarf.bias;
  }

  /** Address `index` of the unit's .debug_addr table, as a run-time address (load bias added). */
  addrx(index: number): bigint {
    return this.addrxRaw(index) + this.bias;
  }

  /** Entry `index` of the unit's .debug_addr table as written (DW_OP_constx: a constant, not an address). */
  addrxRaw(index: number): bigint {
    const data = this.dwarf.sectionBytes('.debug_addr');
    const r = new ByteReader(data, '.debug_addr');
    const at = this.bases.addrBase + index * this.addressSize;
    if (at + this.addressSize > data.length) r.fail(`address index ${index} out of range`, at);
    r.pos = at;
    return r.uN(this.addressSize);
  }

  /** Offset in .debug_rnglists of list `index` (DW_FORM_rnglistx). */
  rnglistOffset(index: number): number {
    return listxOffset(this.dwarf.sectionBytes('.debug_rnglists'), '.debug_rnglists', this.bases.rnglistsBase, index, this.offsetSize);
  }

  /** Offset in .debug_loclists of list `index` (DW_FORM_loclistx). */
  loclistOffset(index: number): number {
    return listxOffset(this.dwarf.sectionBytes('.debug_loclists'), '.debug_loclists', this.bases.loclistsBase, index, this.offsetSize);
  }

  /** The ranges of a DW_AT_ranges value (sec_offset into .debug_ranges/.debug_rnglists, or rnglistx). */
  rangesAt(value: { kind: string; value: unknown }): AddrRange[] {
    const ctx = { addressSize: this.addressSize, baseAddress: this.bases.baseAddress, bias: this.bias, addrx: (i: number) => this.addrx(i) };
    if (value.kind === 'rnglistx') return readRnglist(this.dwarf.sectionBytes('.debug_rnglists'), this.rnglistOffset(Number(value.value)), ctx);
    if (value.kind !== 'secOffset' && value.kind !== 'unsigned') return [];
    const off = Number(value.value);
    if (this.version >= 5) return readRnglist(this.dwarf.sectionBytes('.debug_rnglists'), off, ctx);
    return readDebugRanges(this.dwarf.sectionBytes('.debug_ranges'), off, ctx);
  }

  /** Root DIE tag without parsing the tree. */
  get rootTag(): number {
    return this.readRaw(this.firstDieOffset)?.abbrev.tag ?? DW_TAG.null;
  }
}
