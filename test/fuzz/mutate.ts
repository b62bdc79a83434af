// Deterministic mutations of ELF files for the corrupt-input fuzz test and the bench/fuzz driver: bit flips, truncation, junk over headers, huge lengths, type cycles, and (mutateWide) section-targeted byte runs, program headers, ULEB/DW_FORM-aware damage.
import { DW_AT } from '../../src/dwarf/constants.js';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { DW_FORM } from '../../src/dwarf/constants.js';
import { skipForm } from '../../src/dwarf/forms.js';
import { ElfFile } from '../../src/elf/elf.js';

/** xorshift32: small, fast, reproducible from a seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** What the mutator knows about a pristine file: its debug sections and where DW_AT_type references sit. */
export interface Template {
  name: string;
  bytes: Uint8Array;
  /** [file offset, size] of each .debug_* section stored uncompressed, plus the ELF section header table. */
  debug: { name: string; offset: number; size: number }[];
  shoff: number;
  shnum: number;
  /** File offsets of DW_FORM_ref4 DW_AT_type values, with the unit offset (refs are unit-relative). */
  typeRefs: { pos: number; unitOffset: number; dieOffset: number }[];
  /** Every section with file bytes (compressed ones too): for section-targeted damage. */
  sections: { name: string; offset: number; size: number }[];
  phoff: number;
  phnum: number;
  /** File offsets of DIE abbreviation codes (ULEB128) in .debug_info (when stored uncompressed). */
  dieCodes: number[];
  /** File offsets of DW_AT / DW_FORM codes (ULEB128) in .debug_abbrev (when stored uncompressed). */
  abbrevCodes: { pos: number; what: 'at' | 'form' | 'tag' | 'code' }[];
}

export function makeTemplate(name: string, bytes: Uint8Array): Template {
  const elf = new ElfFile(bytes, name);
  const debug = elf.sections.filter((s) => s.name.startsWith('.debug_') && s.type !== 8).map((s) => ({ name: s.name, offset: s.offset, size: s.size }));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shnum = dv.getUint16(0x3c, true);
  const typeRefs: Template['typeRefs'] = [];
  const dieCodes: number[] = [];
  const info = elf.section('.debug_info');
  if (info && !(info.flags & 0x800)) {
    const dwarf = DwarfFile.open(elf);
    for (const u of dwarf.units) {
      for (let i = 0; i < u.dieCount && typeRefs.length < 4000; i++) {
        const d = u.entry(i);
        if (dieCodes.length < 20000) dieCodes.push(info.offset + d.offset);
        const r = u.reader(d.offset);
        r.uleb();
        for (const s of d.abbrev.specs) {
          if (s.at === DW_AT.type && s.form === DW_FORM.ref4) typeRefs.push({ pos: info.offset + r.pos, unitOffset: u.offset, dieOffset: d.offset });
          skipForm(r, s.form, u);
        }
      }
    }
  }
  const sections = elf.sections.filter((s) => s.type !== 8 && s.size > 0 && s.name).map((s) => ({ name: s.name, offset: s.offset, size: s.size }));
  const phoff = Number(dv.getBigUint64(0x20, true));
  const phnum = dv.getUint16(0x38, true);
  const abbrevCodes: Template['abbrevCodes'] = [];
  const abbrev = elf.section('.debug_abbrev');
  if (abbrev && !(abbrev.flags & 0x800)) scanAbbrev(bytes, abbrev.offset, abbrev.offset + abbrev.size, abbrevCodes);
  return { name, bytes, debug, shoff, shnum, typeRefs, sections, phoff, phnum, dieCodes, abbrevCodes };
}

/** Positions of the ULEB128 codes of an (uncorrupted) .debug_abbrev: code, tag, then (attribute, form) pairs. */
function scanAbbrev(b: Uint8Array, start: number, end: number, out: Template['abbrevCodes']): void {
  let p = start;
  const uleb = (): number => {
    let v = 0;
    let shift = 0;
    while (p < end) {
      const c = b[p++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(c & 0x80)) break;
    }
    return v;
  };
  while (p < end && out.length < 20000) {
    const codePos = p;
    if (uleb() === 0) continue; // end of one unit's table
    out.push({ pos: codePos, what: 'code' });
    out.push({ pos: p, what: 'tag' });
    uleb();
    p++; // DW_CHILDREN
    for (;;) {
      const atPos = p;
      const at = uleb();
      const formPos = p;
      const form = uleb();
      if (at === 0 && form === 0) break;
      out.push({ pos: atPos, what: 'at' }, { pos: formPos, what: 'form' });
      if (form === 0x21) uleb(); // implicit_const: an SLEB128 value (the ULEB walk skips it the same way)
      if (p >= end) return;
    }
  }
}

/** One damaged file with what was done, where (for reports and dedupe). */
export interface Mutation {
  bytes: Uint8Array;
  what: string;
  strategy: string;
  section?: string;
  offset?: number;
}

/** Sections the wide mutator aims at by name (when the file has them). */
export const TARGET_SECTIONS = ['.debug_info', '.debug_line', '.debug_abbrev', '.debug_str', '.debug_line_str', '.debug_loclists', '.debug_loc', '.debug_rnglists', '.debug_ranges',
  '.debug_aranges', '.debug_frame', '.eh_frame', '.eh_frame_hdr', '.symtab', '.strtab', '.dynsym', '.dynstr', '.text', '.rodata', '.data', '.debug_str_offsets', '.debug_addr'];

/** DW_FORM values worth swapping in: every defined one, a few undefined ones. */
const FORMS = [...Array.from({ length: 0x2d }, (_, i) => i), 0x1f01, 0x1f02, 0x1f20, 0x1f21, 0x7f, 0x80, 0xff, 0x3fff];

function writeUleb(b: Uint8Array, at: number, v: number): number {
  let n = 0;
  do {
    let c = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) c |= 0x80;
    if (at + n < b.length) b[at + n] = c;
    n++;
  } while (v);
  return n;
}

/**
 * The `index`-th wide mutation of `t` for `seed`: a quarter of cases are the classic `mutate` above, the
 * rest one of: random bytes / a byte run / bit flips in one named section, a truncated section (file or
 * sh_size), damaged program headers, or a structure-aware change of a ULEB128 abbreviation code,
 * attribute or DW_FORM.
 */
export function mutateWide(t: Template, seed: number, index: number): Mutation {
  const rng = new Rng((seed * 0x2545f491) ^ (index * 0x85ebca6b) ^ 0x5bd1e995);
  if (rng.int(4) === 0) {
    const m = mutate(t, seed, index);
    const sec = /in (\.[a-z_]+)|at (\.[a-z_]+)/.exec(m.what);
    return { ...m, strategy: 'classic', section: sec?.[1] ?? sec?.[2] };
  }
  const b = new Uint8Array(t.bytes);
  const dv = new DataView(b.buffer);
  const present = t.sections.filter((s) => TARGET_SECTIONS.includes(s.name));
  const sec = (): { name: string; offset: number; size: number } => rng.pick(present.length ? present : t.sections);
  const kind = rng.int(11);
  switch (kind) {
    case 10: {
      // A child of the type a DIE refers to (a subroutine type's parameter, a struct member) made to refer back to that DIE:
      // cycles through children rather than through the DW_AT_type chain (void (*)(void (*)(...)), struct s { struct s m; }).
      if (!t.typeRefs.length) return { bytes: b, what: 'unchanged', strategy: 'child-cycle' };
      const a = rng.pick(t.typeRefs);
      const y = a.unitOffset + dv.getUint32(a.pos, true);
      const kids = t.typeRefs.filter((r) => r.unitOffset === a.unitOffset && r.dieOffset > y && r.dieOffset <= y + 64);
      if (!kids.length) return { bytes: b, what: 'unchanged', strategy: 'child-cycle' };
      const c = rng.pick(kids);
      dv.setUint32(c.pos, a.dieOffset - c.unitOffset, true);
      return { bytes: b, what: `DIE 0x${c.dieOffset.toString(16)} (after 0x${y.toString(16)}, the type of 0x${a.dieOffset.toString(16)}) refers back to 0x${a.dieOffset.toString(16)}`, strategy: 'child-cycle', section: '.debug_info', offset: c.dieOffset };
    }
    case 9: {
      // Close a real type chain into a cycle: X -> Y (-> Z) becomes X -> Y -> X (pointer -> subroutine -> pointer, typedef -> struct -> typedef...).
      if (!t.typeRefs.length) return { bytes: b, what: 'unchanged', strategy: 'type-chain-cycle' };
      const a = rng.pick(t.typeRefs);
      const y = a.unitOffset + dv.getUint32(a.pos, true);
      const c = t.typeRefs.find((r) => r.dieOffset === y);
      if (!c) {
        dv.setUint32(a.pos, a.dieOffset - a.unitOffset, true);
        return { bytes: b, what: `DIE 0x${a.dieOffset.toString(16)} is its own type`, strategy: 'type-chain-cycle', section: '.debug_info', offset: a.dieOffset };
      }
      dv.setUint32(c.pos, a.dieOffset - c.unitOffset, true);
      return { bytes: b, what: `type chain cycle 0x${a.dieOffset.toString(16)} -> 0x${y.toString(16)} -> 0x${a.dieOffset.toString(16)}`, strategy: 'type-chain-cycle', section: '.debug_info', offset: a.dieOffset };
    }
    case 0: {
      const s = sec();
      const at = s.offset + rng.int(s.size);
      const n = 1 + rng.int(32);
      for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = rng.int(256);
      return { bytes: b, what: `${n} random bytes in ${s.name}+0x${(at - s.offset).toString(16)}`, strategy: 'section-random', section: s.name, offset: at - s.offset };
    }
    case 1: {
      const s = sec();
      const at = s.offset + rng.int(s.size);
      const n = 1 + rng.int(rng.int(2) ? 16 : 512);
      const v = rng.pick([0, 0xff, 0x80, 0x7f, rng.int(256)]);
      for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = v;
      return { bytes: b, what: `run of ${n} x 0x${v.toString(16)} in ${s.name}+0x${(at - s.offset).toString(16)}`, strategy: 'byte-run', section: s.name, offset: at - s.offset };
    }
    case 2: {
      const s = sec();
      const n = 1 + rng.int(16);
      let first = -1;
      for (let i = 0; i < n; i++) {
        const at = s.offset + rng.int(s.size);
        if (first < 0) first = at - s.offset;
        b[at]! ^= 1 << rng.int(8);
      }
      return { bytes: b, what: `${n} bit flips in ${s.name} from +0x${first.toString(16)}`, strategy: 'section-bitflip', section: s.name, offset: first };
    }
    case 3: {
      const s = sec();
      const cut = s.offset + rng.int(s.size);
      return { bytes: b.slice(0, cut), what: `file cut inside ${s.name} at +0x${(cut - s.offset).toString(16)}`, strategy: 'truncate-in-section', section: s.name, offset: cut - s.offset };
    }
    case 4: {
      const i = t.sections.indexOf(sec());
      const s = t.sections[i]!;
      // Find its header by offset (section indices differ from this filtered list).
      let hdr = -1;
      for (let k = 0; k < t.shnum; k++) if (Number(dv.getBigUint64(t.shoff + k * 64 + 24, true)) === s.offset) hdr = t.shoff + k * 64;
      if (hdr < 0) return { bytes: b, what: 'unchanged', strategy: 'section-size' };
      const size = rng.int(2) ? rng.int(s.size) : s.size + 1 + rng.int(4096);
      dv.setBigUint64(hdr + 32, BigInt(size), true);
      return { bytes: b, what: `${s.name} sh_size 0x${s.size.toString(16)} -> 0x${size.toString(16)}`, strategy: 'section-size', section: s.name };
    }
    case 5: {
      if (!t.phnum) return { bytes: b, what: 'unchanged', strategy: 'program-headers' };
      const i = rng.int(t.phnum);
      const field = rng.pick([0, 4, 8, 16, 24, 32, 40, 48]);
      const at = t.phoff + i * 56 + field;
      if (rng.int(2)) {
        const n = 1 + rng.int(6);
        for (let k = 0; k < n && at + k < b.length; k++) b[at + k] = rng.int(256);
        return { bytes: b, what: `${n} random bytes in program header ${i} +${field}`, strategy: 'program-headers', section: 'phdr', offset: at - t.phoff };
      }
      const big = BigInt(rng.pick(HUGE)) << BigInt(rng.int(3) * 16);
      if (field >= 8 && at + 8 <= b.length) dv.setBigUint64(at, big, true);
      else if (at + 4 <= b.length) dv.setUint32(at, Number(big & 0xffffffffn), true);
      return { bytes: b, what: `program header ${i} field +${field} = 0x${big.toString(16)}`, strategy: 'program-headers', section: 'phdr', offset: at - t.phoff };
    }
    case 6: {
      // ELF header fields: e_shstrndx, e_shnum, e_phnum, e_shentsize, e_phentsize, e_shoff, e_phoff, e_ident.
      const fields: [number, number][] = [[0x3e, 2], [0x3c, 2], [0x38, 2], [0x3a, 2], [0x36, 2], [0x28, 8], [0x20, 8], [4, 1], [5, 1], [0x12, 2], [0x18, 8]];
      const [at, width] = rng.pick(fields);
      const v = rng.int(3) === 0 ? rng.pick(HUGE) : rng.int(2) ? rng.int(256) : rng.int(65536);
      for (let k = 0; k < width; k++) b[at + k] = k < 4 ? (v >>> (8 * k)) & 0xff : 0;
      return { bytes: b, what: `ELF header +0x${at.toString(16)} = 0x${v.toString(16)}`, strategy: 'elf-header', section: 'ehdr', offset: at };
    }
    case 7: {
      if (!t.dieCodes.length) return { bytes: b, what: 'unchanged', strategy: 'die-code' };
      const at = rng.pick(t.dieCodes);
      const v = rng.pick([0, 1, 2, 3, 0x7f, 0x80, 0x3fff, 0xfffffff, rng.int(200)]);
      writeUleb(b, at, v);
      return { bytes: b, what: `DIE abbrev code at .debug_info file 0x${at.toString(16)} = ${v}`, strategy: 'die-code', section: '.debug_info', offset: at };
    }
    default: {
      if (!t.abbrevCodes.length) return { bytes: b, what: 'unchanged', strategy: 'abbrev-code' };
      const c = rng.pick(t.abbrevCodes);
      const v = c.what === 'form' ? rng.pick(FORMS) : rng.pick([0, 1, 0x49, 0x3b, 0x0b, 0x7f, 0x2000, 0xffff, rng.int(0x90)]);
      writeUleb(b, c.pos, v);
      return { bytes: b, what: `.debug_abbrev ${c.what} at file 0x${c.pos.toString(16)} = 0x${v.toString(16)}`, strategy: `abbrev-${c.what}`, section: '.debug_abbrev', offset: c.pos };
    }
  }
}

const HUGE = [0xffffffff, 0xfffffff0, 0x7fffffff, 0x80000000, 0x10000000, 0xffff, 0x100000];

/** The `index`-th mutation of `t` for `seed`: a fresh copy with one kind of damage, and a label saying what was done. */
export function mutate(t: Template, seed: number, index: number): { bytes: Uint8Array; what: string } {
  const rng = new Rng((seed * 0x01000193) ^ (index * 0x9e3779b1));
  const b = new Uint8Array(t.bytes);
  const dv = new DataView(b.buffer);
  const inDebug = (): number => {
    const s = rng.pick(t.debug);
    return s.offset + rng.int(Math.max(s.size, 1));
  };
  const kind = rng.int(8);
  switch (kind) {
    case 0: {
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) {
        const at = rng.int(10) < 7 && t.debug.length ? inDebug() : rng.int(b.length);
        b[at]! ^= 1 << rng.int(8);
      }
      return { bytes: b, what: `${n} bit flips` };
    }
    case 1: {
      const len = rng.int(b.length);
      return { bytes: b.slice(0, len), what: `truncated to ${len}` };
    }
    case 2: {
      const headers = rng.int(2) === 0 ? { start: 0, len: 64 } : { start: t.shoff, len: t.shnum * 64 };
      const n = 1 + rng.int(6);
      for (let i = 0; i < n; i++) b[Math.min(headers.start + rng.int(headers.len), b.length - 1)] = rng.int(256);
      return { bytes: b, what: `${n} random bytes in ${headers.start === 0 ? 'ELF header' : 'section headers'}` };
    }
    case 3: {
      const s = rng.pick(t.debug);
      const at = s.offset + (rng.int(2) === 0 ? rng.int(Math.min(s.size, 64)) : rng.int(Math.max(s.size, 1)));
      const n = 1 + rng.int(16);
      for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = rng.int(256);
      return { bytes: b, what: `${n} random bytes in ${s.name}+0x${(at - s.offset).toString(16)}` };
    }
    case 4: {
      const s = rng.pick(t.debug);
      const rel = rng.int(3) === 0 ? 0 : rng.int(Math.max(s.size - 4, 1)) & ~3;
      const v = rng.pick(HUGE);
      if (s.offset + rel + 4 <= b.length) dv.setUint32(s.offset + rel, v, true);
      return { bytes: b, what: `0x${v.toString(16)} at ${s.name}+0x${rel.toString(16)}` };
    }
    case 5: {
      const i = rng.int(t.shnum);
      const field = rng.pick([24, 32, 40, 48, 56]); // sh_offset, sh_size, sh_link(+info), sh_addralign, sh_entsize
      const at = t.shoff + i * 64 + field;
      const big = rng.int(2) === 0 ? BigInt(rng.pick(HUGE)) : BigInt(rng.next()) << BigInt(rng.int(32));
      if (at + 8 <= b.length) dv.setBigUint64(at, big, true);
      return { bytes: b, what: `section ${i} header field +${field} = 0x${big.toString(16)}` };
    }
    case 6: {
      if (!t.typeRefs.length) return { bytes: b, what: 'unchanged' };
      const a = rng.pick(t.typeRefs);
      if (rng.int(2) === 0) {
        dv.setUint32(a.pos, a.dieOffset - a.unitOffset, true);
        return { bytes: b, what: `DIE 0x${a.dieOffset.toString(16)} is its own type` };
      }
      const c = rng.pick(t.typeRefs.filter((x) => x.unitOffset === a.unitOffset));
      dv.setUint32(a.pos, c.dieOffset - a.unitOffset, true);
      dv.setUint32(c.pos, a.dieOffset - a.unitOffset, true);
      return { bytes: b, what: `type cycle 0x${a.dieOffset.toString(16)} <-> 0x${c.dieOffset.toString(16)}` };
    }
    default: {
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const at = inDebug() & ~3;
        if (at + 4 <= b.length) dv.setUint32(at, rng.next(), true);
      }
      return { bytes: b, what: `${n} random words in debug sections` };
    }
  }
}
