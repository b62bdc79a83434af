// .debug_line: line program headers (v2-v5, DW_LNCT entry formats) and the state machine producing line rows.
import { posix } from 'node:path';
import { ByteReader } from '../util/byte-reader.js';
import { DW_FORM, DW_LNCT, DW_LNE, DW_LNS } from './constants.js';
import { readForm, type Encoding } from './forms.js';
import type { DwarfSections } from './sections.js';

export interface LineFile {
  /** The file name as recorded (DW_LNCT_path), possibly with directories. */
  name: string;
  dirIndex: number;
  /** The directory, made absolute with the compilation directory when it is relative. */
  dir: string;
  /** dir joined with name (name alone when absolute). */
  path: string;
  /**
   * The name as gdb spells it from the table alone (dwarf2_start_subfile): the directory entry as written
   * (none for DWARF 2-4's directory 0), a slash, the name; the name alone when absolute.
   */
  written: string;
  md5?: Uint8Array;
}

export interface LineRow {
  address: bigint;
  opIndex: number;
  /** Index into LineTable.files. */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  isa: number;
  discriminator: number;
}

export interface LineContext {
  addressSize: number;
  /** DW_AT_comp_dir of the unit (directory 0 in DWARF 2-4). */
  compDir: string;
  /** DW_AT_name of the unit (file 0 in DWARF 2-4, which has no file 0 of its own). */
  cuName: string;
}

export class LineTable {
  private rowCache?: LineRow[];

  constructor(
    readonly offset: number,
    readonly version: number,
    readonly addressSize: number,
    readonly minInstLength: number,
    readonly maxOpsPerInst: number,
    readonly defaultIsStmt: boolean,
    readonly lineBase: number,
    readonly lineRange: number,
    readonly opcodeBase: number,
    readonly standardOpcodeLengths: number[],
    readonly dirs: string[],
    /** Indexed by the program's file numbers. DWARF 2-4 count from 1: entry 0 is the unit's primary file (DW_AT_name). */
    readonly files: LineFile[],
    private readonly program: ByteReader,
    private readonly compDir: string,
  ) {}

  /**
   * Whether some sequence of the program covers `address` (link-time): from its first row to its end. A light
   * pass that tracks only addresses (a bigint per set_address, numbers between): asking this of a big unit for
   * a pc it has no lines for (ld.so's _start, asm at file scope in rtld.c) costs no rows and no per-file tables.
   */
  covers(address: bigint): boolean {
    try {
      this.spanCache ??= this.sequenceSpans();
    } catch {
      return true; // a program that cannot be read through: the rows will say what they can
    }
    return this.spanCache.some((s) => address >= s.start && address < s.end);
  }
  private spanCache?: { start: bigint; end: bigint }[];

  private sequenceSpans(): { start: bigint; end: bigint }[] {
    const spans: { start: bigint; end: bigint }[] = [];
    if (this.rowCache || this.maxOpsPerInst > 1) {
      let start: bigint | undefined;
      this.forEachRow((row) => {
        start ??= row.address;
        if (row.endSequence) {
          spans.push({ start, end: row.address });
          start = undefined;
        }
      });
      return spans;
    }
    const r = new ByteReader(this.program.bytes, this.program.section, this.program.pos, this.program.end);
    let base = 0n;
    let off = 0;
    let start: bigint | undefined;
    const row = (): void => {
      start ??= base + BigInt(off);
    };
    while (r.pos < r.end) {
      const op = r.u8();
      if (op >= this.opcodeBase) {
        off += this.minInstLength * Math.floor((op - this.opcodeBase) / this.lineRange);
        row();
        continue;
      }
      switch (op) {
        case DW_LNS.extended_op: {
          const ext = readExtendedOp(r);
          if (!ext) break;
          const { sub, body, len } = ext;
          if (sub === DW_LNE.end_sequence) {
            row();
            spans.push({ start: start!, end: base + BigInt(off) });
            start = undefined;
            base = 0n;
            off = 0;
          } else if (sub === DW_LNE.set_address) {
            base = body.uN(len - 1);
            off = 0;
          }
          break;
        }
        case DW_LNS.copy: row(); break;
        case DW_LNS.advance_pc: off += this.minInstLength * r.uleb(); break;
        case DW_LNS.advance_line: r.sleb(); break;
        case DW_LNS.set_file: case DW_LNS.set_column: case DW_LNS.set_isa: r.uleb(); break;
        case DW_LNS.negate_stmt: case DW_LNS.set_basic_block: case DW_LNS.set_prologue_end: case DW_LNS.set_epilogue_begin: break;
        case DW_LNS.const_add_pc: off += this.minInstLength * Math.floor((255 - this.opcodeBase) / this.lineRange); break;
        case DW_LNS.fixed_advance_pc: off += r.u16(); break;
        default: {
          const n = this.standardOpcodeLengths[op - 1] ?? 0;
          for (let i = 0; i < n; i++) r.uleb();
        }
      }
    }
    return spans;
  }

  /** The first file number the program may use: 0 in DWARF 5, 1 before. */
  get fileBase(): number {
    return this.version >= 5 ? 0 : 1;
  }

  /** All rows in program order (sequences end with an endSequence row). Decoded on first use. */
  get rows(): LineRow[] {
    if (!this.rowCache) {
      const rows: LineRow[] = [];
      this.forEachRow((row) => rows.push({ ...row }));
      this.rowCache = rows;
    }
    return this.rowCache;
  }

  /**
   * Runs the line program, calling `visit` for each row in program order without keeping the rows: the row
   * passed is the state machine's own, valid only during the call (copy what outlives it). A big unit's
   * table has hundreds of thousands of rows; consumers that build their own tables need no row objects.
   */
  forEachRow(visit: (row: Readonly<LineRow>) => void): void {
    if (this.rowCache) {
      for (const row of this.rowCache) visit(row);
      return;
    }
    const r = new ByteReader(this.program.bytes, this.program.section, this.program.pos, this.program.end);
    const minInst = BigInt(this.minInstLength);
    const maxOps = Math.max(1, this.maxOpsPerInst);
    let s = this.initial();
    // Special opcodes advance by small amounts: their bigint steps are made once per table, not once per row.
    const steps: bigint[] = [];
    const step = (n: number): bigint => (n < 256 ? (steps[n] ??= minInst * BigInt(n)) : minInst * BigInt(n));
    const advance = (opAdvance: number): void => {
      if (maxOps === 1) s.address += step(opAdvance);
      else {
        const total = s.opIndex + opAdvance;
        s.address += minInst * BigInt(Math.floor(total / maxOps));
        s.opIndex = total % maxOps;
      }
    };
    const emit = (): void => {
      visit(s);
      s.basicBlock = false;
      s.prologueEnd = false;
      s.epilogueBegin = false;
      s.discriminator = 0;
    };
    while (r.pos < r.end) {
      const op = r.u8();
      if (op >= this.opcodeBase) {
        const adj = op - this.opcodeBase;
        advance(Math.floor(adj / this.lineRange));
        s.line += this.lineBase + (adj % this.lineRange);
        emit();
        continue;
      }
      switch (op) {
        case DW_LNS.extended_op: {
          const ext = readExtendedOp(r);
          if (!ext) break;
          const { sub, body, len } = ext;
          switch (sub) {
            case DW_LNE.end_sequence:
              s.endSequence = true;
              emit();
              s = this.initial();
              break;
            case DW_LNE.set_address:
              s.address = body.uN(len - 1);
              s.opIndex = 0;
              break;
            case DW_LNE.define_file: {
              const name = body.cstr();
              const dirIndex = body.uleb();
              this.files.push(makeFile(name, dirIndex, this.dirs, this.compDir, undefined, dirIndex > 0 ? this.dirs[dirIndex] : undefined));
              break;
            }
            case DW_LNE.set_discriminator:
              s.discriminator = body.uleb();
              break;
            default:
              break; // unknown extended opcodes are skipped by their length
          }
          break;
        }
        case DW_LNS.copy: emit(); break;
        case DW_LNS.advance_pc: advance(r.uleb()); break;
        case DW_LNS.advance_line: s.line += r.sleb(); break;
        case DW_LNS.set_file: s.file = r.uleb(); break;
        case DW_LNS.set_column: s.column = r.uleb(); break;
        case DW_LNS.negate_stmt: s.isStmt = !s.isStmt; break;
        case DW_LNS.set_basic_block: s.basicBlock = true; break;
        case DW_LNS.const_add_pc: advance(Math.floor((255 - this.opcodeBase) / this.lineRange)); break;
        case DW_LNS.fixed_advance_pc: s.address += BigInt(r.u16()); s.opIndex = 0; break;
        case DW_LNS.set_prologue_end: s.prologueEnd = true; break;
        case DW_LNS.set_epilogue_begin: s.epilogueBegin = true; break;
        case DW_LNS.set_isa: s.isa = r.uleb(); break;
        default: {
          const n = this.standardOpcodeLengths[op - 1] ?? 0;
          for (let i = 0; i < n; i++) r.uleb();
        }
      }
    }
  }

  private initial(): LineRow {
    return {
      address: 0n, opIndex: 0, file: 1, line: 1, column: 0, isStmt: this.defaultIsStmt, basicBlock: false,
      endSequence: false, prologueEnd: false, epilogueBegin: false, isa: 0, discriminator: 0,
    };
  }
}

/** An extended opcode at `r` (after its 0 byte): its sub-opcode and operand bytes, or undefined for an empty one. */
function readExtendedOp(r: ByteReader): { sub: number; body: ByteReader; len: number } | undefined {
  const len = r.uleb();
  if (len === 0) return undefined;
  const body = r.sub(len);
  return { sub: body.u8(), body, len };
}

function makeFile(name: string, dirIndex: number, dirs: string[], compDir: string, md5?: Uint8Array, rawDir?: string): LineFile {
  let dir = dirs[dirIndex] ?? '';
  // A relative comp_dir (Debian's libc: "./stdlib") is its own directory 0, not joined with itself again.
  if (!posix.isAbsolute(dir) && compDir && dir !== compDir) dir = dir ? posix.join(compDir, dir) : compDir;
  const path = posix.isAbsolute(name) || !dir ? name : posix.join(dir, name);
  const written = posix.isAbsolute(name) || !rawDir ? name : rawDir.endsWith('/') ? rawDir + name : `${rawDir}/${name}`;
  return { name, dirIndex, dir, path, written, ...(md5 ? { md5 } : {}) };
}

/** Parse the header of the line program at `offset` in .debug_line; the program itself runs when rows are first asked for. */
export function parseLineTable(dwarf: DwarfSections, offset: number, ctx: LineContext): LineTable {
  const data = dwarf.sectionBytes('.debug_line');
  const r = new ByteReader(data, '.debug_line');
  if (offset < 0 || offset >= data.length) r.fail(`line program offset 0x${offset.toString(16)} out of range`, offset);
  r.pos = offset;
  let length = r.u32();
  let offsetSize = 4;
  if (length === 0xffffffff) {
    length = r.u64n();
    offsetSize = 8;
  }
  const unit = r.sub(length);
  const version = unit.u16();
  if (version < 2 || version > 5) unit.fail(`unsupported line table version ${version}`, offset);
  let addressSize = ctx.addressSize;
  if (version >= 5) {
    addressSize = unit.u8();
    unit.u8(); // segment selector size
  }
  const headerLength = offsetSize === 8 ? unit.u64n() : unit.u32();
  const h = unit.sub(headerLength);
  const program = unit;
  const minInstLength = h.u8();
  const maxOps = version >= 4 ? h.u8() : 1;
  const defaultIsStmt = h.u8() !== 0;
  const lineBase = h.i8();
  const lineRange = h.u8();
  if (lineRange === 0) h.fail('line_range is 0', offset);
  const opcodeBase = h.u8();
  const stdLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(h.u8());
  const dirs: string[] = [];
  const files: LineFile[] = [];
  if (version >= 5) {
    const enc: Encoding = { version, addressSize, offsetSize };
    const readEntries = (): Map<number, string | number | Uint8Array>[] => {
      const fmtCount = h.u8();
      const fmt: [number, number][] = [];
      for (let i = 0; i < fmtCount; i++) fmt.push([h.uleb(), h.uleb()]);
      const count = h.uleb();
      const out: Map<number, string | number | Uint8Array>[] = [];
      for (let i = 0; i < count; i++) {
        const m = new Map<number, string | number | Uint8Array>();
        for (const [ct, form] of fmt) {
          const v = readForm(h, form, enc);
          if (v.kind === 'string') m.set(ct, v.value);
          else if (v.kind === 'strp') m.set(ct, dwarf.strAt(v.section, v.value));
          else if (v.kind === 'unsigned' || v.kind === 'signed') m.set(ct, Number(v.value));
          else if (v.kind === 'block') m.set(ct, v.value);
          else if (form !== DW_FORM.strx && v.kind !== 'strx') m.set(ct, 0);
        }
        out.push(m);
      }
      return out;
    };
    for (const d of readEntries()) {
      const p = d.get(DW_LNCT.path);
      dirs.push(typeof p === 'string' ? p : '');
    }
    const raw = [...dirs];
    if (dirs.length && !posix.isAbsolute(dirs[0]!) && ctx.compDir && dirs[0] !== ctx.compDir) dirs[0] = posix.join(ctx.compDir, dirs[0]!);
    for (const f of readEntries()) {
      const p = f.get(DW_LNCT.path);
      const di = typeof f.get(DW_LNCT.directory_index) === 'number' ? (f.get(DW_LNCT.directory_index) as number) : 0;
      const md5 = f.get(DW_LNCT.MD5);
      files.push(makeFile(typeof p === 'string' ? p : '', di, dirs, ctx.compDir, md5 instanceof Uint8Array ? md5 : undefined, raw[di]));
    }
  } else {
    dirs.push(ctx.compDir);
    for (;;) {
      const d = h.cstr();
      if (!d) break;
      dirs.push(d);
    }
    files.push(makeFile(ctx.cuName, 0, dirs, ctx.compDir));
    for (;;) {
      const name = h.cstr();
      if (!name) break;
      const dirIndex = h.uleb();
      h.uleb(); // mtime
      h.uleb(); // length
      files.push(makeFile(name, dirIndex, dirs, ctx.compDir, undefined, dirIndex > 0 ? dirs[dirIndex] : undefined));
    }
  }
  return new LineTable(offset, version, addressSize, minInstLength, maxOps, defaultIsStmt, lineBase, lineRange, opcodeBase,
    stdLengths, dirs, files, program, ctx.compDir);
}
