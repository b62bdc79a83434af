// Bounds-checked reader of ELF64 little-endian x86-64 files: header, segments, sections (zlib-compressed too), symbols.
import { closeSync, fstatSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import { ByteReader, stringAt } from '../util/byte-reader.js';
import { FormatError, UserError, errorMessage } from '../util/errors.js';
import { absoluteSymbols, applyRelocations, placeSections, ET_REL, SHT_RELA } from './relocate.js';
import { buildIdIn, parseDebugLink, parseNotes, type DebugLink } from './notes.js';
import { decompressSection, gunzipBounded } from './decompress.js';

export const SHT_NOBITS = 8;
export const SHT_SYMTAB = 2;
export const SHT_DYNSYM = 11;
export const SHF_COMPRESSED = 0x800;
export const SHF_ALLOC = 0x2;
export const SHF_WRITE = 0x1;
export const SHF_EXECINSTR = 0x4;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const SHT_NOTE = 7;
export const SHT_DYNAMIC = 6;
const EM_X86_64 = 62;
/** No file bigger than this is opened (ELF64 files we read are addressed with 32-bit offsets). */
const MAX_FILE_SIZE = 0xffffffff;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  /** sh_addralign (low 16 bits; 0 and 1 mean none). */
  align: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STT_* */
  type: number;
  /** STB_* */
  bind: number;
  shndx: number;
}

export class ElfFile {
  readonly type: number;
  readonly entry: bigint;
  readonly sections: ElfSection[] = [];
  readonly segments: ElfSegment[] = [];
  private readonly contents: Map<number, Uint8Array>;
  private symbolCache?: ElfSymbol[];

  /** `path` is used only in messages. */
  /**
   * `load`, when given, makes `bytes` a lazily filled image of the file: it must be called for a range
   * before the range is read (big files are not read whole; untouched pages of the buffer cost no memory).
   */
  /**
   * `bias` is the load bias (a PIE's or a shared library's run address minus its link address): every
   * address this file reports (entry, segments, allocated sections, symbols) is a run-time address, and
   * readVirtual / loadedSectionAt take run-time addresses. 0 for a program read without a process.
   */
  constructor(readonly bytes: Uint8Array, readonly path: string, private readonly load?: (offset: number, len: number) => void,
    readonly bias = 0n, contents?: Map<number, Uint8Array>) {
    this.contents = contents ?? new Map();
    load?.(0, Math.min(64, bytes.length));
    const r = new ByteReader(bytes, 'ELF header');
    if (bytes.length < 64) r.fail(`not an ELF file (only ${bytes.length} bytes)`, 0);
    if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) r.fail('not an ELF file (bad magic)', 0);
    if (bytes[4] !== 2) r.fail('32-bit ELF files are not supported (need ELF64)', 4);
    if (bytes[5] !== 1) r.fail('big-endian ELF files are not supported', 5);
    r.pos = 16;
    this.type = r.u16();
    const machine = r.u16();
    if (machine !== EM_X86_64) r.fail(`machine ${machine} is not x86-64`, 18);
    r.u32(); // version
    this.entry = r.u64() + bias;
    const phoff = r.u64n();
    const shoff = r.u64n();
    r.u32(); // flags
    r.u16(); // ehsize
    const phentsize = r.u16();
    const phnum = r.u16();
    const shentsize = r.u16();
    let shnum = r.u16();
    let shstrndx = r.u16();

    if (phnum) {
      if (phentsize < 56) r.fail(`program header size ${phentsize} too small`, 54);
      this.ensure(phoff, phnum * phentsize);
      const p = new ByteReader(bytes, 'program headers');
      for (let i = 0; i < phnum; i++) {
        p.pos = checkedOffset(p, phoff + i * phentsize, 56);
        const type = p.u32();
        const flags = p.u32();
        const offset = p.u64n();
        const vaddr = p.u64() + bias;
        const paddr = p.u64();
        const filesz = p.u64n();
        const memsz = p.u64n();
        this.segments.push({ type, flags, offset, vaddr, paddr, filesz, memsz });
      }
    }

    if (shoff) {
      if (shentsize < 64) r.fail(`section header size ${shentsize} too small`, 58);
      const s = new ByteReader(bytes, 'section headers');
      if (shnum === 0) {
        // Extended numbering: the real count lives in section 0's sh_size.
        this.ensure(shoff, 64);
        s.pos = checkedOffset(s, shoff, 64);
        s.skip(32);
        shnum = s.u64n();
      }
      if (shnum * shentsize > bytes.length) s.fail(`${shnum} section headers do not fit in the file`, shoff);
      this.ensure(shoff, shnum * shentsize);
      const raw: Omit<ElfSection, 'name'>[] = [];
      const nameOffsets: number[] = [];
      for (let i = 0; i < shnum; i++) {
        s.pos = checkedOffset(s, shoff + i * shentsize, 64);
        nameOffsets.push(s.u32());
        const type = s.u32();
        const flags = Number(s.u64() & 0xffffffffn);
        const addr0 = s.u64();
        // Allocated sections are part of the loaded image: they move with it.
        const addr = flags & SHF_ALLOC ? addr0 + bias : addr0;
        const offset = s.u64n();
        const size = s.u64n();
        const link = s.u32();
        const info = s.u32();
        const align = Number(s.u64() & 0xffffn);
        const entsize = s.u64n();
        if (type !== SHT_NOBITS && size > 0 && (offset > bytes.length || size > bytes.length - offset)) {
          s.fail(`section ${i} (offset 0x${offset.toString(16)}, size 0x${size.toString(16)}) extends past the end of the file`, shoff + i * shentsize);
        }
        raw.push({ index: i, type, flags, addr, offset, size, link, info, entsize, align });
      }
      if (this.type === ET_REL) placeSections(raw, SHF_ALLOC).forEach((a, i) => (raw[i]!.addr = a));
      if (shstrndx === 0xffff) shstrndx = raw[0]?.link ?? 0;
      const strtab = raw[shstrndx];
      if (strtab && strtab.type !== SHT_NOBITS) this.ensure(strtab.offset, strtab.size);
      const strBytes = strtab && strtab.type !== SHT_NOBITS ? bytes.subarray(strtab.offset, strtab.offset + strtab.size) : undefined;
      raw.forEach((sec, i) => {
        const name = strBytes && nameOffsets[i]! < strBytes.length ? stringAt(strBytes, nameOffsets[i]!, '.shstrtab') : '';
        this.sections.push({ ...sec, name });
      });
    }
  }

  /** The same file loaded at `bias` (shares the bytes and the decoded sections; addresses differ). */
  rebased(bias: bigint): ElfFile {
    if (bias === this.bias) return this;
    return new ElfFile(this.bytes, this.path, this.load, bias, this.contents);
  }

  /** Makes sure a byte range of a lazily read file is in `bytes` (clamped to the file). */
  private ensure(offset: number, len: number): void {
    if (!this.load || offset < 0 || offset >= this.bytes.length || len <= 0) return;
    this.load(offset, Math.min(len, this.bytes.length - offset));
  }

  /** The allocated (loaded) section holding a virtual address: the program image proper. */
  loadedSectionAt(addr: bigint): ElfSection | undefined {
    const spans = (this.loadedSpans ??= this.spansOf(this.loadedSections()));
    if (addr < spans.low || addr >= spans.high) return undefined;
    return spans.list.find((x) => addr >= x.start && addr < x.end)?.section;
  }

  /**
   * loadedSections() and their address spans, computed once: every pc a backtrace describes asks each image in
   * turn, most of which hold none of them (the sections never change).
   */
  private loadedCache?: ElfSection[];
  private loadedSpans?: { low: bigint; high: bigint; list: { start: bigint; end: bigint; section: ElfSection }[] };

  private spansOf(sections: readonly ElfSection[]): NonNullable<ElfFile['loadedSpans']> {
    const list = sections.map((section) => ({ start: section.addr, end: section.addr + BigInt(section.size), section }));
    let low = list[0]?.start ?? 0n;
    let high = list[0]?.end ?? 0n;
    for (const x of list) {
      if (x.start < low) low = x.start;
      if (x.end > high) high = x.end;
    }
    return { low, high, list };
  }

  /**
   * The allocated sections with an address: those of the program image. In a linked file a data section at 0 is
   * not taken as loaded (vmlinux's per-CPU template), code at 0 is (Mini-OS and other unikernels are linked at 0);
   * an object file's sections are placed from 0 on, as gdb does.
   */
  loadedSections(): readonly ElfSection[] {
    return (this.loadedCache ??= this.sections.filter((s) => s.flags & SHF_ALLOC && (s.addr !== 0n || this.type === ET_REL || s.flags & SHF_EXECINSTR) && s.size > 0));
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section, decompressed when SHF_COMPRESSED (or a legacy .zdebug_ section); cached. */
  data(sec: ElfSection): Uint8Array {
    let d = this.contents.get(sec.index);
    if (d) return d;
    if (sec.type === SHT_NOBITS) d = new Uint8Array(0);
    else {
      this.ensure(sec.offset, sec.size);
      const raw = this.bytes.subarray(sec.offset, sec.offset + sec.size);
      d = sec.flags & SHF_COMPRESSED ? decompressSection(raw, sec.name) : raw;
      d = this.relocated(sec, d);
    }
    this.contents.set(sec.index, d);
    return d;
  }

  /**
   * In an object file (ET_REL), as gdb reads it: the symbol table made absolute (its sections placed by
   * `placeSections`) and a debug section with its RELA relocations applied; else `d`.
   */
  private relocated(sec: ElfSection, d: Uint8Array): Uint8Array {
    if (this.type !== ET_REL) return d;
    if (sec.type === SHT_SYMTAB) return absoluteSymbols(d, (i) => this.sections[i]?.addr);
    if (sec.flags & SHF_ALLOC) return d;
    const rela = this.sections.find((s) => s.type === SHT_RELA && s.info === sec.index && s !== sec);
    const symtab = rela ? this.sections[rela.link] : undefined;
    if (!rela || !symtab || symtab.type !== SHT_SYMTAB || symtab === sec) return d;
    return applyRelocations({ data: d, address: sec.addr, rela: this.data(rela), relaName: rela.name, symtab: this.data(symtab) });
  }

  /**
   * A section of a lazily read file that is not compressed: its bytes, filled only where `ensure` was called
   * (offsets relative to the section). Undefined for files read whole and for compressed sections.
   */
  sectionView(name: string): { bytes: Uint8Array; ensure(offset: number, len: number): void } | undefined {
    const sec = this.section(name);
    if (!sec || !this.load || sec.type === SHT_NOBITS || sec.flags & SHF_COMPRESSED) return undefined;
    return {
      bytes: this.bytes.subarray(sec.offset, sec.offset + sec.size),
      ensure: (offset, len) => {
        const end = Math.min(offset + len, sec.size);
        if (offset >= 0 && offset < end) this.ensure(sec.offset + offset, end - offset);
      },
    };
  }

  /** Bytes of the named section, or undefined when absent. */
  sectionData(name: string): Uint8Array | undefined {
    const s = this.section(name);
    return s ? this.data(s) : undefined;
  }

  /** Symbols from .symtab (or .dynsym when stripped). */
  symbols(): ElfSymbol[] {
    if (this.symbolCache) return this.symbolCache;
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB) ?? this.sections.find((s) => s.type === SHT_DYNSYM);
    const out: ElfSymbol[] = [];
    if (tab) {
      const strsec = this.sections[tab.link];
      const strs = strsec ? this.data(strsec) : new Uint8Array(0);
      const r = new ByteReader(this.data(tab), tab.name);
      while (r.remaining >= 24) {
        const nameOff = r.u32();
        const info = r.u8();
        r.u8(); // other
        const shndx = r.u16();
        const raw = r.u64();
        const size = r.u64n();
        const value = movesWithImage(shndx, info & 0xf) ? raw + this.bias : raw;
        const name = nameOff && nameOff < strs.length ? stringAt(strs, nameOff, strsec!.name) : '';
        out.push({ name, value, size, type: info & 0xf, bind: info >> 4, shndx });
      }
    }
    return (this.symbolCache = out);
  }

  /** File bytes backing a virtual address range from PT_LOAD segments (for reading .text without a target). */
  readVirtual(addr: bigint, len: number): Uint8Array | undefined {
    for (const seg of this.segments) {
      if (seg.type !== PT_LOAD) continue;
      if (addr >= seg.vaddr && addr + BigInt(len) <= seg.vaddr + BigInt(seg.filesz)) {
        const off = seg.offset + Number(addr - seg.vaddr);
        if (off + len <= this.bytes.length) {
          this.ensure(off, len);
          return this.bytes.subarray(off, off + len);
        }
      }
    }
    return undefined;
  }

  // ---- identity: build-id and .gnu_debuglink (the dynamic section: dynamic.ts) ----

  /** The GNU build-id (NT_GNU_BUILD_ID) from a note section, else a PT_NOTE segment; undefined when absent or malformed. */
  buildId(): Uint8Array | undefined {
    const blobs: [Uint8Array, string][] = [];
    for (const sec of this.sections) if (sec.type === SHT_NOTE) blobs.push([this.data(sec), sec.name]);
    if (!blobs.length) {
      for (const seg of this.segments) {
        if (seg.type !== PT_NOTE || seg.offset + seg.filesz > this.bytes.length) continue;
        this.ensure(seg.offset, seg.filesz);
        blobs.push([this.bytes.subarray(seg.offset, seg.offset + seg.filesz), 'PT_NOTE']);
      }
    }
    for (const [bytes, where] of blobs) {
      try {
        const id = buildIdIn(parseNotes(bytes, where));
        if (id) return id;
      } catch (e) {
        if (!(e instanceof FormatError)) throw e; // a corrupt note blob hides no build-id we could trust
      }
    }
    return undefined;
  }

  /** .gnu_debuglink: the separate debug file's name and CRC32; undefined when absent or malformed. */
  debugLink(): DebugLink | undefined {
    const d = this.sectionData('.gnu_debuglink');
    return d ? parseDebugLink(d) : undefined;
  }
}

/** STT_TLS: a symbol's value is an offset in the thread's TLS block, not an address. */
const STT_TLS = 6;

/** A symbol whose value is an address in the image (defined in a section; not absolute, common or TLS). */
export function movesWithImage(shndx: number, type: number): boolean {
  return shndx !== 0 && shndx < 0xff00 && type !== STT_TLS;
}

function checkedOffset(r: ByteReader, offset: number, len: number): number {
  if (offset < 0 || offset + len > r.bytes.length) r.fail(`header at 0x${offset.toString(16)} extends past the end of the file`, offset);
  return offset;
}

/** Files at least this big are read lazily, section by section. */
const LAZY_FROM = 32 * 1024 * 1024;

/** Open an ELF file from disk; a gzip-compressed image (kernel.gz) is opened transparently. */
export function openElf(path: string): ElfFile {
  let bytes: Uint8Array;
  try {
    refuseUnlikeAFile(path);
    const lazy = openLazy(path);
    if (lazy) return lazy;
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : errorMessage(e)}.`);
  }
  return openElfBytes(bytes, path);
}

/**
 * Only regular files are opened: a FIFO would block the open (or never end), a device such as /dev/zero would be
 * read forever. Checked with stat, which opens nothing.
 */
function refuseUnlikeAFile(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) return; // the caller's read reports "Is a directory"
  if (!st.isFile()) throw new UserError('not in executable format: not a regular file');
  if (st.size > MAX_FILE_SIZE) throw new UserError(`not in executable format: file too large (${st.size} bytes)`);
}

/** An ELF image from bytes already in memory (gunzipped when gzip'd); errors are prefixed with `path`. */
export function openElfBytes(bytes: Uint8Array, path: string): ElfFile {
  try {
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipBounded(bytes);
    return new ElfFile(bytes, path);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`${path}: ${e.message}`);
    throw e;
  }
}

/** A big, non-gzip'd file: an uninitialised buffer of the file's size, filled range by range on demand. */
function openLazy(path: string): ElfFile | undefined {
  const fd = openSync(path, 'r');
  let keepOpen = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < LAZY_FROM || st.size > 0xffffffff) return undefined;
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    if (magic[0] === 0x1f && magic[1] === 0x8b) return undefined;
    const bytes = Buffer.allocUnsafeSlow(st.size);
    const loaded: [number, number][] = [];
    const byStart = new Map<number, number>();
    const load = (offset: number, len: number): void => {
      const end = offset + len;
      if ((byStart.get(offset) ?? -1) >= end) return;
      for (const [a, b] of loaded) if (a <= offset && end <= b) return;
      for (let pos = offset; pos < end; ) {
        const n = readSync(fd, bytes, pos, Math.min(end - pos, 1 << 30), pos);
        if (n <= 0) throw new FormatError(`${path}: file shrank while reading`, { offset: pos });
        pos += n;
      }
      loaded.push([offset, end]);
      byStart.set(offset, Math.max(end, byStart.get(offset) ?? 0));
    };
    keepOpen = true;
    try {
      return new ElfFile(bytes, path, load);
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`${path}: ${e.message}`);
      throw e;
    }
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}
