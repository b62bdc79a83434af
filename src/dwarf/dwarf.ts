// DwarfFile: the DWARF sections of an ElfFile, unit headers read at open, DIEs/lines/index parsed lazily on demand.
import type { ElfFile } from '../elf/elf.js';
import { ByteReader, stringAt } from '../util/byte-reader.js';
import { FormatError } from '../util/errors.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { AbbrevTable, parseAbbrevTable } from './abbrev.js';
import { DW_AT, DW_UT, DW_TAG } from './constants.js';
import { Unit, type UnitFile } from './unit.js';
import type { Die } from './die.js';
import type { DwarfSectionName, UnitSection } from './sections.js';
import { NameIndex, type IndexEntry } from './index.js';
import { scanNamed, scanTypesNamed, unitHasName } from './name-scan.js';
import { LineTable, parseLineTable } from './line.js';
import { parseAranges, type Arange } from './aranges.js';

export type { DwarfSectionName } from './sections.js';

const EMPTY = new Uint8Array(0);
/** .debug_info at least this big is not indexed whole to answer one question. */
const INDEX_LIMIT = 16 * 1024 * 1024;
const SUBPROGRAM = new Set<number>([DW_TAG.subprogram]);

export class DwarfFile implements UnitFile {
  /** Every unit: .debug_info units in file order, then .debug_types units. Sorted by offset. */
  readonly units: Unit[] = [];
  private readonly sections = new Map<string, Uint8Array>();
  private readonly abbrevTables = new Map<number, AbbrevTable>();
  private readonly lineTables = new Map<number, LineTable>();
  private sigs?: Map<bigint, Unit>;
  private indexCache?: NameIndex;
  private arangeCache?: Arange[];
  private readonly typeScans = new Map<string, IndexEntry[]>();
  /** mayHoldName's answers. */
  private readonly nameChecks = new BoundedMemo<string, boolean>(256);

  /** Units found corrupt (by offset): skipped by the whole-file walks, reported once. */
  /** Parts of units found corrupt: `dies:OFFSET` (the unit's DIEs) or `lines:OFFSET` (its line table only). */
  private readonly unsoundParts = new Set<string>();
  /** What was found corrupt and skipped, in gdb's words ("Dwarf Error: ... [in module FILE]"), each once. */
  readonly warnings: string[] = [];
  private readonly warningListeners: ((message: string) => void)[] = [];

  /** Size of .debug_info (known without reading it). */
  private readonly infoSize: number;

  private constructor(readonly elf: ElfFile) {
    // In a big file read lazily, .debug_info is read unit by unit, when a unit is first parsed.
    const view = elf.sectionView('.debug_info');
    const info = view?.bytes ?? this.sectionBytes('.debug_info');
    this.infoSize = info.length;
    this.readUnits({ name: '.debug_info', bytes: info, base: 0, ...(view ? { ensure: view.ensure } : {}) });
    const types = this.sectionBytes('.debug_types');
    if (types.length) this.readUnits({ name: '.debug_types', bytes: types, base: info.length });
  }

  /**
   * Read the unit headers (only) of an ELF file's DWARF. A file without .debug_info gives no units.
   * `previous` (the same file at another load bias) hands over its warning listeners and what it reported.
   */
  static open(elf: ElfFile, previous?: DwarfFile): DwarfFile {
    const d = new DwarfFile(elf);
    if (previous) {
      d.warningListeners.push(...previous.warningListeners);
      d.warnings.push(...previous.warnings);
    }
    return d;
  }

  /** The image's load bias (the ElfFile's): see DwarfSections.bias. */
  get bias(): bigint {
    return this.elf.bias;
  }

  get hasDebugInfo(): boolean {
    return this.units.length > 0;
  }

  /** Compile (and partial) units: the ones with code and variables. */
  get compileUnits(): Unit[] {
    return this.units.filter((u) => !u.isTypeUnit && u.unitType !== DW_UT.skeleton);
  }

  /** Calls `listener` with each warning about corrupt debug info from now on (the front end prints them). */
  onWarning(listener: (message: string) => void): void {
    this.warningListeners.push(listener);
  }

  /** Reports a problem once, as gdb does: "Dwarf Error: MESSAGE [in module FILE]". */
  warn(message: string): void {
    const line = `Dwarf Error: ${message} [in module ${this.elf.path}]`;
    if (this.warnings.includes(line)) return;
    this.warnings.push(line);
    for (const l of this.warningListeners) l(line);
  }

  /**
   * Runs a whole-file walk's work on one unit: a FormatError (a corrupt unit) is reported once and that
   * part of the unit is skipped from then on, so that one bad unit does not make the others unusable
   * (gdb loads what is sound). A broken line table costs only the unit's lines, as in gdb: its
   * functions, variables and types still answer.
   */
  soundly<T>(unit: Unit, work: () => T, part: 'dies' | 'lines' = 'dies'): T | undefined {
    const key = `${part}:${unit.offset}`;
    if (this.unsoundParts.has(key)) return undefined;
    try {
      return work();
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      this.unsoundParts.add(key);
      this.warn(e.message);
      return undefined;
    }
  }

  /** Section bytes (decompressed), or an empty array when the section is absent. */
  sectionBytes(name: DwarfSectionName): Uint8Array {
    let d = this.sections.get(name);
    if (!d) {
      d = this.elf.sectionData(name) ?? EMPTY;
      this.sections.set(name, d);
    }
    return d;
  }

  abbrevTable(offset: number): AbbrevTable {
    let t = this.abbrevTables.get(offset);
    if (!t) {
      t = parseAbbrevTable(this.sectionBytes('.debug_abbrev'), offset);
      this.abbrevTables.set(offset, t);
    }
    return t;
  }

  /** String at `offset` of .debug_str or .debug_line_str. */
  strAt(section: '.debug_str' | '.debug_line_str', offset: number): string {
    return stringAt(this.sectionBytes(section), offset, section);
  }

  /** The unit containing `offset` (DwarfFile offset space), by binary search. */
  unitAt(offset: number): Unit | undefined {
    const us = this.units;
    let lo = 0;
    let hi = us.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = us[mid]!;
      if (offset < u.offset) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    return undefined;
  }

  /** The DIE at `offset`; a FormatError when no DIE starts there (a bad reference). */
  dieAt(offset: number): Die {
    const u = this.unitAt(offset);
    const d = u?.dieAt(offset);
    if (!d) throw new FormatError(`no DIE at offset 0x${offset.toString(16)}`, { section: u?.section.name ?? '.debug_info', offset });
    return d;
  }

  /**
   * Die.inherited(at) as a string, read from the raw attributes of the DIEs at `offset` and along its
   * abstract_origin / specification chain: no DIE tree is read (the tree up to a DIE is every DIE before it).
   */
  inheritedString(offset: number, at: number): string | undefined {
    let here: number | undefined = offset;
    for (let hops = 0; here !== undefined && hops < 8; hops++) {
      const u = this.unitAt(here);
      const raw = u?.readRaw(here);
      if (!u || !raw) return undefined;
      let origin: number | undefined;
      let specification: number | undefined;
      for (let i = 0; i < raw.abbrev.specs.length; i++) {
        const a = raw.abbrev.specs[i]!.at;
        if (a !== at && a !== DW_AT.abstract_origin && a !== DW_AT.specification) continue;
        const v = u.resolve(raw.values[i]!);
        if (a === at) return v.kind === 'string' ? v.value : undefined;
        if (v.kind !== 'ref') continue;
        if (a === DW_AT.abstract_origin) origin = v.value;
        else specification = v.value;
      }
      here = origin ?? specification;
    }
    return undefined;
  }

  /** The type unit with signature `sig` (DWARF 4 .debug_types or DWARF 5 DW_UT_type). */
  typeUnit(sig: bigint): Unit | undefined {
    if (!this.sigs) {
      this.sigs = new Map();
      for (const u of this.units) if (u.isTypeUnit && u.typeSignature !== undefined) this.sigs.set(u.typeSignature, u);
    }
    return this.sigs.get(sig);
  }

  /** The name index (functions, variables, types, CU names), built on first use by scanning top-level DIEs only. */
  get index(): NameIndex {
    return (this.indexCache ??= NameIndex.build(this));
  }

  /**
   * False when no DIE can be named `name`, so the name index need not be built to say so (a library's, for
   * `break NAME` on the program's function). A name is either inline in .debug_info (DW_FORM_string: the bytes
   * "name\0" are there) or an offset into .debug_str where "name\0" starts, as a whole string or as the tail of a
   * longer one (linkers merge tails: "main" is often read from "dl_main"); such an offset is stored in
   * .debug_info (strp) or .debug_str_offsets (strx) as 4 little-endian bytes. When none of these bytes occur, no
   * DIE has the name. True when it may, or when the strings may be elsewhere (a supplementary file, 64-bit DWARF,
   * a .debug_info read lazily).
   */
  mayHoldName(name: string): boolean {
    if (this.indexCache || this.elf.section('.gnu_debugaltlink') || this.elf.sectionView('.debug_info')) return true;
    return this.nameChecks.get(name, (n) => this.stringsMayName(n));
  }

  private stringsMayName(name: string): boolean {
    const bytes = (section: DwarfSectionName): Buffer => {
      const b = this.sectionBytes(section);
      return Buffer.from(b.buffer, b.byteOffset, b.length);
    };
    if (this.units.some((u) => u.offsetSize !== 4)) return true;
    const needle = Buffer.from(`${name}\0`, 'utf8');
    const info = bytes('.debug_info');
    const str = bytes('.debug_str');
    const elsewhere = [bytes('.debug_str_offsets'), bytes('.debug_types')].filter((b) => b.length);
    // Where the bytes that could name it sit in .debug_info: the string inline, or a 4-byte .debug_str offset.
    const positions: number[] = [];
    for (let p = info.indexOf(needle); p >= 0; p = info.indexOf(needle, p + 1)) positions.push(p);
    const offsets = new Set<number>();
    const offset = Buffer.alloc(4);
    for (let at = str.indexOf(needle); at >= 0; at = str.indexOf(needle, at + 1)) {
      offsets.add(at);
      offset.writeUInt32LE(at);
      if (elsewhere.some((h) => h.indexOf(offset) >= 0)) return true;
      for (let p = info.indexOf(offset); p >= 0; p = info.indexOf(offset, p + 1)) positions.push(p);
    }
    if (!positions.length) return false;
    // Short offsets often occur by chance (ld.so's "main", a tail of "remain"): only the units holding such
    // bytes are read, for a DIE really named so. A unit found corrupt may hold it.
    const units = new Set(positions.map((p) => {
      const u = this.unitAt(p);
      return u && !u.isTypeUnit ? u : undefined;
    }));
    for (const u of units) if (!u || (this.soundly(u, () => unitHasName(u, needle.subarray(0, -1), offsets)) ?? true)) return true;
    return false;
  }

  /** Whether the name index has been built (a lookup through it costs nothing more). */
  get indexed(): boolean {
    return this.indexCache !== undefined;
  }

  /**
   * True when the whole-file name index is too costly to build for a single question (big .debug_info, index
   * not built yet): lookups then scan for the one name they need and stop early. DUSTER_INDEX_LIMIT (bytes)
   * overrides the threshold (tests use 0 to exercise the big-file paths on small fixtures).
   */
  get big(): boolean {
    if (this.indexCache) return false;
    const limit = Number(process.env.DUSTER_INDEX_LIMIT ?? INDEX_LIMIT);
    return this.infoSize >= limit;
  }

  /** Top-level subprogram DIEs named `name` (declarations and abstract instances included), by a full scan. */
  subprogramsNamed(name: string): IndexEntry[] {
    if (!this.big) return this.index.functions.get(name) ?? [];
    return scanNamed(this, name, SUBPROGRAM, () => false);
  }

  /**
   * Named type DIEs (struct/union/enum tags, typedefs, base types) called `name`: from the index once it is
   * built, else by a scan that stops at the first complete definition with one of `tags` (`ptype struct X`
   * alone then costs a pass over the units that compares string offsets, not the whole index).
   */
  typesNamed(name: string, tags: readonly number[]): IndexEntry[] {
    if (this.indexCache) return this.indexCache.types.get(name) ?? [];
    const key = `${name}\0${tags.join(',')}`;
    let hit = this.typeScans.get(key);
    if (!hit) {
      hit = scanTypesNamed(this, name, (found) => found.some((e) => !e.declaration && tags.includes(e.tag)));
      this.typeScans.set(key, hit);
    }
    return hit;
  }

  /** The unit's line table (header + rows decoded on first use of rows), or undefined without DW_AT_stmt_list. */
  lineTable(unit: Unit): LineTable | undefined {
    return this.soundly(unit, () => {
      const b = unit.bases;
      if (b.stmtList === undefined) return undefined;
      let t = this.lineTables.get(b.stmtList);
      if (!t) {
        t = parseLineTable(this, b.stmtList, { addressSize: unit.addressSize, compDir: b.compDir ?? '', cuName: b.name ?? '' });
        this.lineTables.set(b.stmtList, t);
      }
      return t;
    }, 'lines');
  }

  /** .debug_aranges entries sorted by start (empty when the section is absent). */
  get aranges(): Arange[] {
    const bias = this.bias;
    return (this.arangeCache ??= parseAranges(this.sectionBytes('.debug_aranges'), (m) => this.warn(m))
      .map((a) => (bias ? { ...a, start: a.start + bias, end: a.end + bias } : a)));
  }

  /** The compile unit whose code covers `pc`: .debug_aranges first, then the units' own ranges. */
  unitForPc(pc: bigint): Unit | undefined {
    const ar = this.aranges;
    let lo = 0;
    let hi = ar.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const a = ar[mid]!;
      if (pc < a.start) hi = mid - 1;
      else if (pc >= a.end) lo = mid + 1;
      else return this.unitAt(a.unitOffset);
    }
    const covered = new Set(ar.map((a) => a.unitOffset));
    for (const u of this.compileUnits) {
      if (covered.has(u.offset)) continue;
      if (this.soundly(u, () => u.rootTag === DW_TAG.compile_unit && u.root.containsPc(pc))) return u;
    }
    return undefined;
  }

  private readUnits(sec: UnitSection): void {
    const r = new ByteReader(sec.bytes, sec.name);
    while (r.remaining > 0) {
      const start = r.pos;
      sec.ensure?.(start, 32); // the unit header
      let length = r.u32();
      let offsetSize = 4;
      if (length === 0xffffffff) {
        length = r.u64n();
        offsetSize = 8;
      } else if (length >= 0xfffffff0) r.fail(`reserved unit length 0x${length.toString(16)}`, start);
      if (length === 0) continue; // padding between units (some linkers)
      const body = r.sub(length);
      const end = body.end;
      const version = body.u16();
      if (version < 2 || version > 5) r.fail(`unsupported DWARF version ${version}`, start);
      let unitType: number = sec.name === '.debug_types' ? DW_UT.type : DW_UT.compile;
      let addressSize: number;
      let abbrevOffset: number;
      let typeSignature: bigint | undefined;
      let typeOffset: number | undefined;
      if (version >= 5) {
        unitType = body.u8();
        addressSize = body.u8();
        abbrevOffset = offsetSize === 8 ? body.u64n() : body.u32();
        if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) body.u64();
        else if (unitType === DW_UT.type || unitType === DW_UT.split_type) {
          typeSignature = body.u64();
          typeOffset = offsetSize === 8 ? body.u64n() : body.u32();
        }
      } else {
        abbrevOffset = offsetSize === 8 ? body.u64n() : body.u32();
        addressSize = body.u8();
        if (sec.name === '.debug_types') {
          typeSignature = body.u64();
          typeOffset = offsetSize === 8 ? body.u64n() : body.u32();
        }
      }
      if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported address size ${addressSize}`, start);
      const base = sec.base;
      this.units.push(new Unit(this, sec, start + base, end + base, version, unitType, addressSize, offsetSize, abbrevOffset,
        body.pos + base, typeSignature, typeOffset === undefined ? undefined : start + base + typeOffset));
    }
  }
}
