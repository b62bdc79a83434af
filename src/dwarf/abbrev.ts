// .debug_abbrev: abbreviation tables (tag, children flag, attribute specs), parsed once per table offset.
import { ByteReader } from '../util/byte-reader.js';
import { DW_AT, DW_FORM } from './constants.js';

export interface AttrSpec {
  at: number;
  form: number;
  /** The value of a DW_FORM_implicit_const (stored in the abbreviation, not in .debug_info). */
  implicitConst?: bigint;
}

export interface Abbrev {
  code: number;
  tag: number;
  hasChildren: boolean;
  specs: AttrSpec[];
  /** Index of DW_AT_sibling in specs, or -1. */
  siblingIndex: number;
  /** Size in bytes of all attribute values when every form has a fixed size for the unit's encoding (cached per encoding key). */
  fixedSize?: Map<number, number | null>;
}

/** One abbreviation table: codes are usually dense 1..N, so an array gives O(1) lookups. */
export class AbbrevTable {
  private readonly dense: (Abbrev | undefined)[] = [];
  private readonly sparse = new Map<number, Abbrev>();

  constructor(readonly offset: number) {}

  add(a: Abbrev): void {
    if (a.code < 100_000) this.dense[a.code] = a;
    else this.sparse.set(a.code, a);
  }

  get(code: number): Abbrev | undefined {
    return code < 100_000 ? this.dense[code] : this.sparse.get(code);
  }

  *all(): Iterable<Abbrev> {
    for (const a of this.dense) if (a) yield a;
    yield* this.sparse.values();
  }
}

function readerAt(data: Uint8Array, offset: number): ByteReader {
  const r = new ByteReader(data, '.debug_abbrev');
  if (offset < 0 || offset >= data.length) r.fail(`abbreviation table offset 0x${offset.toString(16)} out of range`, offset);
  r.pos = offset;
  return r;
}

/**
 * The next abbreviation of a table (undefined at the table's end). Unless `wanted` says otherwise its
 * attribute specs are kept; an entry that is not the wanted one is skipped without allocating them.
 */
function readAbbrev(r: ByteReader, wanted?: number): Abbrev | undefined {
  const code = r.uleb();
  if (code === 0) return undefined;
  const tag = r.uleb();
  const children = r.u8();
  if (children > 1) r.fail(`bad DW_CHILDREN value ${children} for abbreviation ${code}`, r.pos - 1);
  const keep = wanted === undefined || code === wanted;
  const specs: AttrSpec[] = [];
  let siblingIndex = -1;
  for (;;) {
    const at = r.uleb();
    const form = r.uleb();
    if (at === 0 && form === 0) break;
    const implicitConst = form === DW_FORM.implicit_const ? r.slebBig() : undefined;
    if (!keep) continue;
    const spec: AttrSpec = { at, form };
    if (implicitConst !== undefined) spec.implicitConst = implicitConst;
    if (at === DW_AT.sibling) siblingIndex = specs.length;
    specs.push(spec);
  }
  return { code, tag, hasChildren: children === 1, specs, siblingIndex };
}

/** Parse the abbreviation table that starts at `offset` in .debug_abbrev. */
export function parseAbbrevTable(data: Uint8Array, offset: number): AbbrevTable {
  const r = readerAt(data, offset);
  const table = new AbbrevTable(offset);
  for (;;) {
    const at0 = r.pos;
    const a = readAbbrev(r);
    if (!a) break;
    if (table.get(a.code)) r.fail(`duplicate abbreviation code ${a.code}`, at0);
    table.add(a);
  }
  return table;
}

/**
 * The abbreviation `code` of the table at `offset`, parsing entries only up to it (for reading a unit's root DIE
 * without building the unit's whole table). Undefined when the table has no such code.
 */
export function findAbbrev(data: Uint8Array, offset: number, wanted: number): Abbrev | undefined {
  const r = readerAt(data, offset);
  for (;;) {
    const a = readAbbrev(r, wanted);
    if (!a || a.code === wanted) return a;
  }
}
