// Deterministic mutations of ELF files for the corrupt-input fuzz test: bit flips, truncation, junk over headers, huge lengths, type cycles.
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
}

export function makeTemplate(name: string, bytes: Uint8Array): Template {
  const elf = new ElfFile(bytes, name);
  const debug = elf.sections.filter((s) => s.name.startsWith('.debug_') && s.type !== 8).map((s) => ({ name: s.name, offset: s.offset, size: s.size }));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shnum = dv.getUint16(0x3c, true);
  const typeRefs: Template['typeRefs'] = [];
  const info = elf.section('.debug_info');
  if (info && !(info.flags & 0x800)) {
    const dwarf = DwarfFile.open(elf);
    for (const u of dwarf.units) {
      for (let i = 0; i < u.dieCount && typeRefs.length < 4000; i++) {
        const d = u.entry(i);
        const r = u.reader(d.offset);
        r.uleb();
        for (const s of d.abbrev.specs) {
          if (s.at === DW_AT.type && s.form === DW_FORM.ref4) typeRefs.push({ pos: info.offset + r.pos, unitOffset: u.offset, dieOffset: d.offset });
          skipForm(r, s.form, u);
        }
      }
    }
  }
  return { name, bytes, debug, shoff, shnum, typeRefs };
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
