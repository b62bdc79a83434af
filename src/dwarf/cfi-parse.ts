// Call-frame information parser: CIEs and FDEs of .eh_frame and .debug_frame, pointer encodings, FDE index by pc.
import { ByteReader } from '../util/byte-reader.js';
import { FormatError } from '../util/errors.js';
import { EhFrameSearchTable } from './eh-frame-hdr.js';
import { DW_EH_PE } from './eh-pe.js';

export { DW_EH_PE };

export type CfiKind = 'eh_frame' | 'debug_frame';

export interface CfiOptions {
  kind: CfiKind;
  /** Virtual address of the section: base of pcrel pointers (.eh_frame). Default 0. */
  sectionAddress?: bigint;
  /** Bases of textrel / datarel pointers, when the platform uses them (x86-64 does not). */
  textBase?: bigint;
  dataBase?: bigint;
  /** Target address size (default 8); a version 4 CIE may say otherwise. */
  addressSize?: number;
  /**
   * Load bias of the image, added to absolute FDE start addresses (pc-relative ones follow `sectionAddress`,
   * which is already a run-time address). Default 0.
   */
  loadBias?: bigint;
  /** Name used in errors (default ".eh_frame" / ".debug_frame"). */
  section?: string;
}

/** A decoded pointer; `indirect` means `value` is the address of the pointer, not the pointer. */
export interface EncodedPointer {
  value: bigint;
  indirect: boolean;
}

/** Byte range of CFA instructions inside the section. */
export interface InstructionRange {
  start: number;
  end: number;
}

export interface Cie {
  offset: number;
  version: number;
  augmentation: string;
  addressSize: number;
  segmentSelectorSize: number;
  codeAlign: number;
  dataAlign: number;
  raColumn: number;
  /** DW_EH_PE_* of FDE addresses (absptr without 'R'). */
  fdeEncoding: number;
  /** DW_EH_PE_* of FDE LSDA pointers, DW_EH_PE.omit without 'L'. */
  lsdaEncoding: number;
  personality?: EncodedPointer;
  /** 'S': frames of this CIE are signal frames (their pc is not a return address). */
  signalFrame: boolean;
  /** Augmentation data was present ('z'): FDEs carry an augmentation length. */
  hasAugmentationData: boolean;
  instructions: InstructionRange;
}

export interface Fde {
  offset: number;
  cie: Cie;
  pcBegin: bigint;
  /** Exclusive. */
  pcEnd: bigint;
  lsda?: EncodedPointer;
  instructions: InstructionRange;
}

/** One parsed .eh_frame or .debug_frame section. Parsing happens on first use; the pc index is sorted once. */
export class CfiTable {
  readonly section: string;
  readonly kind: CfiKind;
  private cies = new Map<number, Cie>();
  private fdeList?: Fde[];
  /** Corrupt entries skipped while parsing (their FormatError messages). */
  readonly problems: string[] = [];
  private sorted?: Fde[];

  constructor(readonly data: Uint8Array, readonly options: CfiOptions) {
    this.kind = options.kind;
    this.section = options.section ?? (options.kind === 'eh_frame' ? '.eh_frame' : '.debug_frame');
  }

  get addressSize(): number {
    return this.options.addressSize ?? 8;
  }

  /** All FDEs in section order. */
  fdes(): Fde[] {
    return (this.fdeList ??= this.parseAll());
  }

  /** All CIEs parsed so far (all of them after fdes()), in section order. */
  allCies(): Cie[] {
    this.fdes();
    return [...this.cies.values()].sort((a, b) => a.offset - b.offset);
  }

  /** .eh_frame_hdr's table, when the section has one: single FDEs are parsed on demand through it. */
  private searchTable: EhFrameSearchTable | undefined;
  /** Run-time minus header address of the table's locations (found from its first FDE). */
  private searchDelta: bigint | undefined;
  private readonly fdeByOffset = new Map<number, Fde | null>();

  /** Uses .eh_frame_hdr's search table (`hdrAddress`, `ehFrameAddress`: the sections' addresses in the file). */
  useSearchTable(hdr: Uint8Array, hdrAddress: bigint, ehFrameAddress: bigint): void {
    this.searchTable = EhFrameSearchTable.parse(hdr, hdrAddress, ehFrameAddress);
  }

  /** The FDE for `pc` found through the search table; undefined when it has none (the full parse then decides). */
  private fdeFromSearchTable(pc: bigint): Fde | undefined {
    const t = this.searchTable!;
    if (this.searchDelta === undefined) {
      const first = this.fdeAtOffset(t.offsetAt(0));
      if (!first) {
        this.searchTable = undefined;
        return undefined;
      }
      this.searchDelta = first.pcBegin - t.locationAt(0);
    }
    const i = t.entryFor(pc - this.searchDelta);
    const fde = i === undefined ? undefined : this.fdeAtOffset(t.offsetAt(i));
    return fde && pc >= fde.pcBegin && pc < fde.pcEnd ? fde : undefined;
  }

  private outsideSearchTable(pc: bigint): boolean {
    const t = this.searchTable!;
    const first = this.fdeAtOffset(t.offsetAt(0));
    const last = this.fdeAtOffset(t.offsetAt(t.count - 1));
    return !!first && !!last && (pc < first.pcBegin || pc >= last.pcEnd);
  }

  private fdeAtOffset(offset: number): Fde | undefined {
    let fde = this.fdeByOffset.get(offset);
    if (fde === undefined) {
      try {
        fde = this.parseEntry(offset).fde ?? null;
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        fde = null;
      }
      this.fdeByOffset.set(offset, fde);
    }
    return fde ?? undefined;
  }

  /**
   * The FDE whose range holds `pc`: through .eh_frame_hdr when there is one, else (or when it has no
   * answer) by binary search over all FDEs sorted by start address.
   */
  fdeForPc(pc: bigint): Fde | undefined {
    if (this.searchTable && !this.sorted) {
      const fde = this.fdeFromSearchTable(pc);
      if (fde) return fde;
      // Outside the span of the table's first and last FDE (a pc of another image: Cfi.find asks every table in
      // turn) no FDE of this section can hold pc, and the full parse below is not needed.
      if (this.searchTable && this.outsideSearchTable(pc)) return undefined;
    }
    const s = (this.sorted ??= this.fdes().filter((f) => f.pcEnd > f.pcBegin).sort((a, b) => (a.pcBegin < b.pcBegin ? -1 : a.pcBegin > b.pcBegin ? 1 : 0)));
    let lo = 0;
    let hi = s.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]!.pcBegin <= pc) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Overlapping FDEs are rare; look back a little for one that still covers pc.
    for (let i = found; i >= 0 && i > found - 8; i--) if (pc < s[i]!.pcEnd && pc >= s[i]!.pcBegin) return s[i];
    return undefined;
  }

  /**
   * Every entry that parses: a corrupt CIE or FDE is skipped by its length (noted in `problems`) so that the
   * other functions still unwind; only an unreadable length ends the walk there.
   */
  private parseAll(): Fde[] {
    const out: Fde[] = [];
    for (let pos = 0; pos + 4 <= this.data.length; ) {
      try {
        const e = this.parseEntry(pos);
        if (e.fde) out.push(e.fde);
        pos = e.next;
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        this.problems.push(err.message);
        const next = this.entryEnd(pos);
        if (next === undefined) break;
        pos = next;
      }
    }
    return out;
  }

  /** The end of the entry at `offset` from its length field alone, or undefined when that is unreadable. */
  private entryEnd(offset: number): number | undefined {
    const r = new ByteReader(this.data, this.section);
    r.pos = offset;
    const length = r.u32();
    if (length >= 0xfffffff0) return undefined;
    const end = offset + 4 + length;
    return end <= this.data.length ? end : undefined;
  }

  /** The CIE at `offset` (cached). */
  cieAt(offset: number): Cie {
    const cached = this.cies.get(offset);
    if (cached) return cached;
    const e = this.parseEntry(offset, true);
    if (!e.cie) throw new FormatError('CIE pointer does not point at a CIE', { section: this.section, offset });
    return e.cie;
  }

  /** Parses the entry at `offset`; with `onlyCie`, an FDE there is not parsed (a CIE pointer must not lead to one). */
  private parseEntry(offset: number, onlyCie = false): { next: number; cie?: Cie; fde?: Fde } {
    const r = new ByteReader(this.data, this.section);
    if (offset < 0 || offset + 4 > this.data.length) r.fail('CFI entry offset out of range', offset);
    r.pos = offset;
    let length = r.u32();
    if (length === 0) return { next: r.pos }; // zero terminator
    let offsetSize: 4 | 8 = 4;
    if (length === 0xffffffff) {
      length = r.u64n();
      offsetSize = 8;
    } else if (length >= 0xfffffff0) r.fail(`reserved CFI entry length 0x${length.toString(16)}`, offset);
    const body = r.sub(length);
    const next = r.pos;
    const idPos = body.pos;
    const eh = this.kind === 'eh_frame';
    const id = eh || offsetSize === 4 ? BigInt(body.u32()) : body.u64();
    const isCie = eh ? id === 0n : id === (offsetSize === 4 ? 0xffffffffn : 0xffffffffffffffffn);
    if (isCie) {
      const cached = this.cies.get(offset);
      if (cached) return { next, cie: cached };
      const cie = this.parseCie(body, offset);
      this.cies.set(offset, cie);
      return { next, cie };
    }
    if (onlyCie) return { next };
    const ciePos = eh ? idPos - Number(id) : Number(id);
    if (ciePos < 0 || ciePos >= this.data.length || id > BigInt(Number.MAX_SAFE_INTEGER)) body.fail(`bad CIE pointer 0x${id.toString(16)}`, idPos);
    return { next, fde: this.parseFde(body, offset, this.cieAt(ciePos)) };
  }

  private parseCie(r: ByteReader, offset: number): Cie {
    const version = r.u8();
    if (version !== 1 && version !== 3 && version !== 4) r.fail(`unsupported CIE version ${version}`, offset);
    const augmentation = r.cstr();
    let addressSize = this.addressSize;
    let segmentSelectorSize = 0;
    if (augmentation.includes('eh')) r.skip(addressSize); // old GCC "eh" data
    if (version >= 4) {
      addressSize = r.u8();
      segmentSelectorSize = r.u8();
      if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported CIE address size ${addressSize}`, offset);
    }
    const codeAlign = r.uleb();
    const dataAlign = r.sleb();
    const raColumn = version === 1 ? r.u8() : r.uleb();
    const cie: Cie = {
      offset, version, augmentation, addressSize, segmentSelectorSize, codeAlign, dataAlign, raColumn,
      fdeEncoding: DW_EH_PE.absptr, lsdaEncoding: DW_EH_PE.omit, signalFrame: false,
      hasAugmentationData: augmentation.startsWith('z'), instructions: { start: 0, end: 0 },
    };
    if (cie.hasAugmentationData) {
      const augLen = r.uleb();
      const aug = r.sub(augLen);
      for (const ch of augmentation.slice(1)) {
        if (ch === 'L') cie.lsdaEncoding = aug.u8();
        else if (ch === 'R') cie.fdeEncoding = aug.u8();
        else if (ch === 'P') {
          const enc = aug.u8();
          cie.personality = this.readPointer(aug, enc, addressSize);
        } else if (ch === 'S') cie.signalFrame = true;
        else break; // 'B', 'G' and unknown letters: the rest of the data is skipped via its length
      }
    } else {
      // Without 'z' only letters that carry no data can be skipped safely (GAS writes "S" in .debug_frame).
      for (const ch of augmentation.replace('eh', '')) {
        if (ch === 'S') cie.signalFrame = true;
        else r.fail(`unsupported CIE augmentation "${augmentation}"`, offset);
      }
    }
    cie.instructions = { start: r.pos, end: r.end };
    return cie;
  }

  private parseFde(r: ByteReader, offset: number, cie: Cie): Fde {
    if (cie.segmentSelectorSize) r.skip(cie.segmentSelectorSize);
    const begin = this.readPointer(r, cie.fdeEncoding, cie.addressSize);
    const range = this.readPointer(r, cie.fdeEncoding & 0x0f, cie.addressSize);
    const m = (1n << BigInt(cie.addressSize * 8)) - 1n;
    const app = cie.fdeEncoding & 0x70;
    if (app === 0 || app === DW_EH_PE.aligned) begin.value = (begin.value + (this.options.loadBias ?? 0n)) & m;
    const fde: Fde = { offset, cie, pcBegin: begin.value, pcEnd: (begin.value + range.value) & m, instructions: { start: 0, end: 0 } };
    if (cie.hasAugmentationData) {
      const aug = r.sub(r.uleb());
      if (cie.lsdaEncoding !== DW_EH_PE.omit && aug.remaining) fde.lsda = this.readPointer(aug, cie.lsdaEncoding, cie.addressSize, begin.value);
    }
    fde.instructions = { start: r.pos, end: r.end };
    return fde;
  }

  /** Reads a DW_EH_PE-encoded pointer at r.pos. */
  readPointer(r: ByteReader, enc: number, addressSize: number, funcBase = 0n): EncodedPointer {
    if (enc === DW_EH_PE.omit) return { value: 0n, indirect: false };
    const fieldPos = r.pos;
    const app = enc & 0x70;
    if (app === DW_EH_PE.aligned) {
      const misalign = fieldPos % addressSize;
      if (misalign) r.skip(addressSize - misalign);
    }
    const start = r.pos;
    let v: bigint;
    switch (enc & 0x0f) {
      case DW_EH_PE.absptr: v = r.uN(addressSize); break;
      case DW_EH_PE.uleb128: v = r.ulebBig(); break;
      case DW_EH_PE.udata2: v = BigInt(r.u16()); break;
      case DW_EH_PE.udata4: v = BigInt(r.u32()); break;
      case DW_EH_PE.udata8: v = r.u64(); break;
      case DW_EH_PE.sleb128: v = r.slebBig(); break;
      case DW_EH_PE.sdata2: v = BigInt(r.i16()); break;
      case DW_EH_PE.sdata4: v = BigInt(r.i32()); break;
      case DW_EH_PE.sdata8: v = r.i64(); break;
      default: return r.fail(`unknown pointer encoding 0x${enc.toString(16)}`, start);
    }
    let base = 0n;
    switch (app) {
      case 0: case DW_EH_PE.aligned: break;
      case DW_EH_PE.pcrel: base = (this.options.sectionAddress ?? 0n) + BigInt(fieldPos); break;
      case DW_EH_PE.textrel: base = this.options.textBase ?? r.fail('textrel pointer without a text base', start); break;
      case DW_EH_PE.datarel: base = this.options.dataBase ?? r.fail('datarel pointer without a data base', start); break;
      case DW_EH_PE.funcrel: base = funcBase; break;
      default: return r.fail(`unknown pointer application 0x${app.toString(16)}`, start);
    }
    const m = (1n << BigInt(addressSize * 8)) - 1n;
    return { value: (base + v) & m, indirect: (enc & DW_EH_PE.indirect) !== 0 };
  }
}
