// The program model's core: units, source files, line <-> address lookups and functions (Program adds breakpoint placement, info line, scopes).
import { posix } from 'node:path';
import { statSync } from 'node:fs';
import { SHF_ALLOC, SHF_EXECINSTR, SHT_SYMTAB, type ElfFile } from '../elf/elf.js';
import { DwarfFile } from '../dwarf/dwarf.js';
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Unit, UnitFile } from '../dwarf/unit.js';
import type { Die } from '../dwarf/die.js';
import type { AddrRange } from '../dwarf/ranges.js';
import { topLevelCode } from '../dwarf/top-level.js';
import { UserError } from '../util/errors.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { ElfSymbols } from './elfsyms.js';
import { buildSubFiles, findPcLine, type PcLine, type SubFile } from './lines.js';
import { blockByDie, blocksAt, functionInfo, unitHasLocLists, type Block, type FunctionInfo, type Variable } from './functions.js';

export interface SourceFile {
  /** Full path. */
  path: string;
  /** Units whose line tables mention the file. */
  units: Unit[];
}

/** A function's out-of-line copy or inlined instance, as `functionInstances` lists them. */
export interface FunctionInstance { entryPc: bigint; block: Block; function: FunctionInfo; inlined: boolean }

interface UnitModel {
  /** The unit's line table by file: built on first use (describing a pc by its function needs no lines). */
  readonly files: SubFile[];
  functions?: FunctionInfo[];
  /** Top-level subprograms with code, by lowest address (no blocks built). */
  tops?: { readonly die: Die; offset: number; ranges: AddrRange[]; low: bigint }[];
  locationsValid?: boolean;
  statics?: Variable[];
}

/** The file whose symbol table names addresses: the debug file's full .symtab over a stripped file's .dynsym. */
function symbolFile(elf: ElfFile, debug: ElfFile | undefined): ElfFile {
  const full = (f: ElfFile | undefined): boolean => !!f?.sections.some((s) => s.type === SHT_SYMTAB && s.size > 0);
  return !full(elf) && full(debug) ? debug! : elf;
}

function mtimeSeconds(path: string): number {
  try {
    return Math.floor(statSync(path).mtimeMs / 1000);
  } catch {
    return 0;
  }
}

/** The first layer of Program (see program.ts): per-unit models built lazily, files, lines and functions. */
export class ProgramModel {
  private elfNow: ElfFile;
  private debugNow: ElfFile | undefined;
  /** Opened on first use: a library's debug info costs nothing until a question needs it. */
  private dwarfNow: DwarfFile | undefined;
  /** The DwarfFile this one replaced (rebase): its warning listeners carry over when the new one opens. */
  private dwarfBefore: DwarfFile | undefined;
  private symbolsNow: ElfSymbols;
  private models = new Map<number, UnitModel>();
  private fileCache?: SourceFile[];
  /** The file's modification time in whole seconds when it was opened (gdb's objfile mtime; 0 when unknown). */
  readonly loadedMtime: number;

  /**
   * `elf` is the file that is loaded (code, sections); `debug`, when given, its separate debug file (a
   * stripped library's /usr/lib/debug file): DWARF, and the full symbol table when it has one, come from there.
   */
  constructor(elf: ElfFile, debug?: ElfFile) {
    this.elfNow = elf;
    this.debugNow = debug;
    this.symbolsNow = new ElfSymbols(symbolFile(elf, debug));
    this.loadedMtime = mtimeSeconds(elf.path);
  }

  /** The ELF file, at the current load bias. */
  get elf(): ElfFile {
    return this.elfNow;
  }

  get dwarf(): DwarfFile {
    if (!this.dwarfNow) {
      this.dwarfNow = DwarfFile.open(this.debugNow ?? this.elfNow, this.dwarfBefore);
      this.dwarfBefore = undefined;
    }
    return this.dwarfNow;
  }

  /** Whether `dwarf` is this image's debug info (already opened: an unopened one cannot be asked about). */
  dwarfIs(dwarf: UnitFile): boolean {
    return this.dwarfNow === dwarf;
  }

  /** Whether the debug info's name index is built already (answered without opening the debug info). */
  get nameIndexReady(): boolean {
    return this.dwarfNow?.indexed ?? false;
  }

  get symbols(): ElfSymbols {
    return this.symbolsNow;
  }

  /** Whether the image has DWARF (answered from the section headers: the debug info is not read). */
  get hasDebugInfo(): boolean {
    return (this.debugNow ?? this.elfNow).sections.some((x) => x.name === '.debug_info' && x.size > 0);
  }

  /** The load bias: run-time address minus link-time address (0 until a process says otherwise). */
  get bias(): bigint {
    return this.elfNow.bias;
  }

  /**
   * Moves the whole model to load bias `bias` (a PIE once the process tells where it runs): every address
   * it answers with is then a run-time address. Everything derived from addresses is rebuilt lazily; the
   * file is not read again and holders of this object see the change.
   */
  rebase(bias: bigint): void {
    if (bias === this.bias) return;
    this.elfNow = this.elfNow.rebased(bias);
    this.debugNow = this.debugNow?.rebased(bias);
    this.dwarfBefore = this.dwarfNow ?? this.dwarfBefore;
    this.dwarfNow = undefined;
    this.symbolsNow = new ElfSymbols(symbolFile(this.elfNow, this.debugNow));
    this.models = new Map();
    this.fnByDie.clear();
    this.fnByPc.clear();
    this.lineByPc.clear();
    this.instancesByName.clear();
    this.fileCache = undefined;
  }

  /** gdb's has_section_at_zero: code is loaded at address 0 (an object file), so line sequences there are real. */
  private get sectionAtZero(): boolean {
    return this.elf.sections.some((s) => s.flags & SHF_ALLOC && s.flags & SHF_EXECINSTR && s.addr === this.elf.bias && s.size > 0);
  }

  protected model(u: Unit): UnitModel {
    let m = this.models.get(u.offset);
    if (!m) {
      let files: SubFile[] | undefined;
      const build = (): SubFile[] => {
        const lt = this.dwarf.lineTable(u);
        return lt ? buildSubFiles(lt, u.bases, this.sectionAtZero, this.elf.bias) : [];
      };
      m = { get files(): SubFile[] { return (files ??= build()); } };
      this.models.set(u.offset, m);
    }
    return m;
  }

  /** Functions with code in a unit (parses that unit's DIEs). */
  functionsOf(u: Unit): FunctionInfo[] {
    const m = this.model(u);
    return (m.functions ??= this.topFunctions(u).map((t) => this.functionOfDie(t.die)!).filter((f) => f));
  }

  /** A unit's top-level subprograms with code, sorted by lowest address; their blocks are built only when asked. */
  private topFunctions(u: Unit): { readonly die: Die; offset: number; ranges: AddrRange[]; low: bigint }[] {
    const m = this.model(u);
    if (!m.tops) {
      // From a shallow scan: the DIE tree is read (up to a function) only when a function's DIE is asked for.
      m.tops = topLevelCode(u).map(({ offset, ranges }) => {
        let low = ranges[0]!.start;
        for (const r of ranges) if (r.start < low) low = r.start;
        let die: Die | undefined;
        return { offset, ranges, low, get die(): Die { return (die ??= u.dwarf.dieAt(offset)); } };
      });
      m.tops.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
    }
    return m.tops;
  }

  private readonly fnByDie = new Map<number, FunctionInfo | undefined>();
  private functionOfDie(d: Die): FunctionInfo | undefined {
    if (!this.fnByDie.has(d.offset)) this.fnByDie.set(d.offset, functionInfo(d));
    return this.fnByDie.get(d.offset);
  }

  protected locationsValid(u: Unit): boolean {
    const m = this.model(u);
    return (m.locationsValid ??= unitHasLocLists(u));
  }

  /** Every source file named in a line table header (only headers are read, not line programs). */
  sourceFiles(): SourceFile[] {
    if (this.fileCache) return this.fileCache;
    const byPath = new Map<string, SourceFile>();
    for (const u of this.dwarf.compileUnits) {
      const lt = this.dwarf.lineTable(u);
      if (!lt) continue;
      for (const f of lt.files) {
        let s = byPath.get(f.path);
        if (!s) byPath.set(f.path, (s = { path: f.path, units: [] }));
        if (!s.units.includes(u)) s.units.push(u);
      }
    }
    return (this.fileCache = [...byPath.values()]);
  }

  /** Files matching a user's spelling: the same path, a path suffix at a '/' boundary, or the basename. */
  findSourceFiles(spec: string): SourceFile[] {
    const norm = posix.normalize(spec);
    const matches = (p: string): boolean => p === norm || p.endsWith(`/${norm}`) || (!norm.includes('/') && posix.basename(p) === norm);
    if (this.dwarf.big && !this.fileCache) {
      // A big file: when units are named after the file (a .c file), only their line tables are read.
      const byPath = new Map<string, SourceFile>();
      for (const u of this.dwarf.compileUnits) {
        const n = this.dwarf.soundly(u, () => u.bases.name);
        if (!n || !matches(n.startsWith('/') ? n : posix.join(u.bases.compDir ?? '', n))) continue;
        for (const f of this.dwarf.lineTable(u)?.files ?? []) {
          if (!matches(f.path)) continue;
          let s = byPath.get(f.path);
          if (!s) byPath.set(f.path, (s = { path: f.path, units: [] }));
          if (!s.units.includes(u)) s.units.push(u);
        }
      }
      if (byPath.size) return [...byPath.values()];
    }
    return this.sourceFiles().filter((f) => matches(f.path));
  }

  /** The per-unit line tables of a file (gdb's symtabs for it), decoding only those units' line programs. */
  protected symtabsFor(spec: string): { unit: Unit; sub: SubFile }[] {
    const files = this.findSourceFiles(spec);
    if (!files.length) throw new UserError(`No source file named ${spec}.`);
    const out: { unit: Unit; sub: SubFile }[] = [];
    for (const f of files) {
      for (const u of f.units) {
        const sub = this.model(u).files.find((s) => s.path === f.path);
        if (sub) out.push({ unit: u, sub });
      }
    }
    return out;
  }

  /** gdb's find_pc_line: the line whose range contains pc, with the range. */
  lineForPc(pc: bigint): (PcLine & { unit: Unit }) | undefined {
    const found = this.lineByPc.get(pc, () => {
      const u = this.dwarf.unitForPc(pc);
      if (!u) return undefined;
      // Outside every function (asm at file scope: ld.so's _start in rtld.c) a pc usually has no line: the light
      // pass says so without building the unit's per-file tables. In a function, where it has one, it is not run.
      const table = this.functionAt(pc) ? undefined : this.dwarf.lineTable(u);
      if (table && !table.covers(pc - this.elf.bias)) return undefined;
      const r = findPcLine(this.model(u).files, pc, () => this.functionAt(pc)?.high ?? pc + 1n);
      return r ? { ...r, unit: u } : undefined;
    });
    return found && { ...found };
  }
  private readonly lineByPc = new BoundedMemo<bigint, (PcLine & { unit: Unit }) | undefined>();

  /** The (outermost) function whose ranges contain pc. */
  functionAt(pc: bigint): FunctionInfo | undefined {
    return this.fnByPc.get(pc, () => {
      const t = this.topFunctionAt(pc);
      return t ? this.functionOfDie(t.die) : undefined;
    });
  }
  private readonly fnByPc = new BoundedMemo<bigint, FunctionInfo | undefined>();

  /**
   * The name and entry pc functionAt(pc) would give, without building the function's blocks or reading the DIEs
   * before it (a `<name+off>` label in a huge function cost both: SQLite's sqlite3VdbeExec, ~40 ms).
   */
  functionLabelAt(pc: bigint): { name: string; entryPc: bigint } | undefined {
    const t = this.topFunctionAt(pc);
    if (!t) return undefined;
    const built = this.fnByDie.get(t.offset);
    if (built) return { name: built.name, entryPc: built.entryPc };
    // As functionInfo names it: the linkage name, else the name, each through abstract_origin / specification.
    const name = this.dwarf.inheritedString(t.offset, DW_AT.linkage_name) ?? this.dwarf.inheritedString(t.offset, DW_AT.name) ?? '??';
    return { name, entryPc: t.ranges[0]!.start };
  }

  /** The top-level subprogram whose ranges hold pc (its blocks not built). */
  private topFunctionAt(pc: bigint): { readonly die: Die; offset: number; ranges: AddrRange[] } | undefined {
    const u = this.dwarf.unitForPc(pc);
    return u ? this.topFunctions(u).find((x) => x.ranges.some((r) => pc >= r.start && pc < r.end)) : undefined;
  }

  /**
   * Where an inlined block was called from (DW_AT_call_file / call_line), named as the line table names the
   * file (gdb gives the inlined function's symbol that line, and its caller frame shows it).
   */
  callSite(f: FunctionInfo, b: Block): { file: string; fullPath: string; line: number } | undefined {
    if (b.callLine === undefined || !b.callFile) return undefined;
    const sub = this.model(f.unit).files.find((s) => s.path === b.callFile);
    return { file: sub?.displayName ?? b.callFile, fullPath: sub?.path ?? b.callFile, line: b.callLine };
  }

  /** Blocks containing pc, innermost first (lexical, inlined, then the function). */
  blocksAt(pc: bigint): Block[] {
    const f = this.functionAt(pc);
    return f ? blocksAt(f, pc) : [];
  }
  /**
   * Units that define or inline a function called `name`: from the name index; in a big file (no index),
   * the units whose code holds an ELF symbol of that name (found through .debug_aranges), else a name scan.
   * (Big files: a function inlined in a unit without an out-of-line copy there is missed when it has a symbol.)
   */
  private unitsWithFunction(name: string): Unit[] {
    const units = new Set<Unit>();
    if (!this.dwarf.big) {
      if (!this.dwarf.mayHoldName(name)) return [];
      for (const e of this.dwarf.index.functions.get(name) ?? []) units.add(e.unit);
      return [...units];
    }
    for (const s of this.symbols.named(name)) {
      if (s.type !== 2 && s.type !== 10) continue;
      const u = this.dwarf.unitForPc(s.value);
      if (u) units.add(u);
    }
    if (!units.size) for (const e of this.dwarf.subprogramsNamed(name)) units.add(e.unit);
    return [...units];
  }

  /** Out-of-line functions named `name`, then its inlined instances, each sorted by entry pc (gdb's order). */
  functionInstances(name: string): FunctionInstance[] {
    const found = this.instancesByName.get(name, () => {
      const ool: FunctionInstance[] = [];
      const inl: FunctionInstance[] = [];
      for (const u of this.unitsWithFunction(name)) this.dwarf.soundly(u, () => this.instancesIn(u, name, ool, inl));
      const byPc = (a: { entryPc: bigint }, b: { entryPc: bigint }): number => (a.entryPc < b.entryPc ? -1 : a.entryPc > b.entryPc ? 1 : 0);
      return [...ool.sort(byPc), ...inl.sort(byPc)];
    });
    return [...found];
  }
  /** Remembered: finding inlined instances walks every DIE of the units concerned, and breakpoints are re-resolved by name at every library change. */
  private readonly instancesByName = new BoundedMemo<string, FunctionInstance[]>(256);

  /** One unit's out-of-line functions named `name` (into `ool`) and inlined instances of it (into `inl`). */
  private instancesIn(u: Unit, name: string, ool: FunctionInstance[], inl: FunctionInstance[]): void {
    for (const t of this.topFunctions(u)) {
      if (t.die.resolvedName !== name) continue;
      const f = this.functionOfDie(t.die);
      if (f) ool.push({ entryPc: f.entryPc, block: f.block, function: f, inlined: false });
    }
    // Inlined instances: only where the unit has an abstract instance of a subprogram with that name.
    if (!u.root.children().some((d) => d.tag === DW_TAG.subprogram && d.name === name)) return;
    const n = u.dieCount;
    for (let i = 0; i < n; i++) {
      if (u.tagAt(i) !== DW_TAG.inlined_subroutine) continue;
      const d = u.entry(i);
      if (d.resolvedName !== name) continue;
      let k = i;
      while (u.parentIndex(k) > 0) k = u.parentIndex(k);
      const top = u.entry(k);
      if (top.tag !== DW_TAG.subprogram) continue;
      const f = this.functionOfDie(top);
      const block = f ? blockByDie(f, d.offset) : undefined;
      if (f && block && block.kind === 'inlined') inl.push({ entryPc: block.entryPc, block, function: f, inlined: true });
    }
  }

}
