// Targeted lookups for big files: find top-level DIEs with one name without building the whole name index, stopping early.
import { DW_AT, DW_FORM, DW_TAG } from './constants.js';
import { readForm, skipForm } from './forms.js';
import { readerAtFirstChild, skipChildren, type IndexEntry } from './index.js';
import type { DwarfSections } from './sections.js';
import type { ByteReader } from '../util/byte-reader.js';

/** The file being scanned: its units and the bytes of .debug_str. */
type ScannedFile = DwarfSections & { readonly units: readonly Unit[]; soundly<T>(unit: Unit, work: () => T): T | undefined };
import type { Unit } from './unit.js';

const TYPE_TAGS = new Set<number>([DW_TAG.structure_type, DW_TAG.union_type, DW_TAG.enumeration_type, DW_TAG.typedef, DW_TAG.base_type, DW_TAG.class_type]);

/** Every .debug_str offset whose string is exactly `name` (strings may share tails, so any position counts). */
function strOffsets(dwarf: ScannedFile, name: string): Set<number> {
  const str = dwarf.sectionBytes('.debug_str');
  const needle = Buffer.from(name + '\0', 'utf8');
  const hay = Buffer.from(str.buffer, str.byteOffset, str.byteLength);
  const out = new Set<number>();
  for (let p = hay.indexOf(needle); p >= 0; p = hay.indexOf(needle, p + 1)) out.add(p);
  return out;
}

/**
 * Top-level type DIEs named `name`, in unit order, scanning units until `enough` says the entries found so far
 * answer the question (e.g. a complete definition was met). Only names are compared; no strings are decoded.
 */
export function scanTypesNamed(dwarf: ScannedFile, name: string, enough: (found: IndexEntry[]) => boolean): IndexEntry[] {
  return scanNamed(dwarf, name, TYPE_TAGS, enough);
}

/** Top-level DIEs with one of `tags` named `name` (the DIE's own DW_AT_name), in unit order, until `enough`. */
export function scanNamed(dwarf: ScannedFile, name: string, tags: ReadonlySet<number>, enough: (found: IndexEntry[]) => boolean): IndexEntry[] {
  const offsets = strOffsets(dwarf, name);
  const bytes = Buffer.from(name, 'utf8');
  const found: IndexEntry[] = [];
  for (const u of dwarf.units) {
    // A corrupt unit is reported and skipped (`soundly`); only a whole unit's entries are kept.
    const mine = dwarf.soundly(u, () => {
      const part: IndexEntry[] = [];
      scanUnit(u, bytes, offsets, part, tags);
      return part;
    });
    for (const e of mine ?? []) found.push(e);
    if (enough(found)) break;
  }
  return found;
}

function scanUnit(u: Unit, name: Buffer, offsets: Set<number>, found: IndexEntry[], tags: ReadonlySet<number>): void {
  if (u.isTypeUnit) {
    if (u.typeOffset === undefined) return;
    const d = u.dwarf.dieAt(u.typeOffset);
    if (tags.has(d.tag) && d.name === name.toString('utf8') && !d.flag(DW_AT.declaration)) {
      found.push({ name: d.name, offset: d.offset, unit: u, tag: d.tag, external: false, declaration: false, defined: true });
    }
    return;
  }
  const r = readerAtFirstChild(u);
  if (!r) return;
  const base = u.section.base;
  while (r.pos < r.end) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) break;
    const a = u.abbrev(code, r, at);
    if (!tags.has(a.tag)) {
      // Skip the DIE and its children, through DW_AT_sibling when it has one.
      if (!a.hasChildren) {
        u.skipAttrs(r, a);
        continue;
      }
      let sibling: number | undefined;
      for (const s of a.specs) {
        if (s.at === DW_AT.sibling) {
          const v = u.resolve(readForm(r, s.form, u, s.implicitConst));
          if (v.kind === 'ref') sibling = v.value;
        } else skipForm(r, s.form, u);
      }
      if (sibling !== undefined && sibling > at + base && sibling <= u.end) r.pos = sibling - base;
      else skipChildren(u, r);
      continue;
    }
    let match = false;
    let declaration = false;
    let sibling: number | undefined;
    for (const s of a.specs) {
      if (s.at === DW_AT.name) {
        match = readNameIs(r, s, u, name, offsets);
      } else if (s.at === DW_AT.declaration) {
        const v = readForm(r, s.form, u, s.implicitConst);
        declaration = v.kind === 'flag' && v.value;
      } else if (s.at === DW_AT.sibling) {
        const v = u.resolve(readForm(r, s.form, u, s.implicitConst));
        if (v.kind === 'ref') sibling = v.value;
      } else skipForm(r, s.form, u);
    }
    if (match) found.push({ name: name.toString('utf8'), offset: at + base, unit: u, tag: a.tag, external: false, declaration, defined: !declaration });
    if (a.hasChildren) {
      if (sibling !== undefined && sibling > at + base && sibling <= u.end) r.pos = sibling - base;
      else skipChildren(u, r);
    }
  }
}

/**
 * Whether any DIE of `u`, at any depth, has DW_AT_name `name`: strp values are compared as offsets (`offsets`:
 * where "name\0" starts in .debug_str), inline strings byte by byte, other forms resolved. No string is decoded
 * for the common forms: this answers "is that offset found in .debug_info a name, or chance bytes?".
 */
export function unitHasName(u: Unit, name: Buffer, offsets: ReadonlySet<number>): boolean {
  const r = u.reader(u.firstDieOffset);
  while (r.pos < r.end) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) continue; // the end of some DIE's children
    const a = u.abbrev(code, r, at);
    for (const s of a.specs) {
      if (s.at !== DW_AT.name) skipForm(r, s.form, u);
      else if (readNameIs(r, s, u, name, offsets)) return true;
    }
  }
  return false;
}

/**
 * Reads the DW_AT_name value at `r` (form `spec.form`) and says whether it is `name`: a strp as its offset
 * (one of `offsets`), an inline string byte by byte, other forms resolved. No string is decoded for the first two.
 */
function readNameIs(r: ByteReader, spec: { form: number; implicitConst?: bigint }, u: Unit, name: Buffer, offsets: ReadonlySet<number>): boolean {
  if (spec.form === DW_FORM.strp && u.offsetSize === 4) return offsets.has(r.u32());
  if (spec.form === DW_FORM.string) {
    const end = r.bytes.indexOf(0, r.pos);
    if (end < 0 || end >= r.end) r.fail('unterminated string');
    const match = end - r.pos === name.length && Buffer.from(r.bytes.buffer, r.bytes.byteOffset + r.pos, name.length).equals(name);
    r.pos = end + 1;
    return match;
  }
  const v = u.resolve(readForm(r, spec.form, u, spec.implicitConst));
  return v.kind === 'string' && v.value === name.toString('utf8');
}

