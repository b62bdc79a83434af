// Program: the program model from ELF + DWARF (source files, line <-> address with gdb semantics, functions, scopes, globals).
import { posix } from 'node:path';
import { framePrologueLength } from '../arch/x86-64/prologue.js';
import type { ElfFile } from '../elf/elf.js';
import { DwarfFile } from '../dwarf/dwarf.js';
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Unit } from '../dwarf/unit.js';
import { UserError } from '../util/errors.js';
import { ElfSymbols } from './elfsyms.js';
import { buildSubFiles, findLineCommon, findPcLine, type PcLine, type SubFile } from './lines.js';
import { blockByDie, blocksAt, functionInfo, globalOf, unitHasLocLists, type Block, type FunctionInfo, type Variable } from './functions.js';
import type { Die } from '../dwarf/die.js';
import type { AddrRange } from '../dwarf/ranges.js';

export interface SourceFile {
  /** Full path. */
  path: string;
  /** Units whose line tables mention the file. */
  units: Unit[];
}

/** One breakpoint location as gdb's `break` would place it. */
export interface BreakLocation {
  address: bigint;
  file: string;
  line: number;
  /** Enclosing (outermost, non-inlined) function name, when known. */
  function?: string;
}

/** An `info line` answer: a range of code, or an address for a line without code. */
export type InfoLine =
  | { kind: 'range'; file: string; line: number; start: bigint; end: bigint }
  | { kind: 'noCode'; file: string; line: number; address: bigint }
  | { kind: 'outOfRange'; file: string; line: number }
  | { kind: 'noLineInfo'; address: bigint };

interface UnitModel {
  files: SubFile[];
  functions?: FunctionInfo[];
  /** Top-level subprograms with code, by lowest address (no blocks built). */
  tops?: { die: Die; ranges: AddrRange[]; low: bigint }[];
  locationsValid?: boolean;
  statics?: Variable[];
}

export class Program {
  readonly dwarf: DwarfFile;
  readonly symbols: ElfSymbols;
  private readonly models = new Map<number, UnitModel>();
  private fileCache?: SourceFile[];

  constructor(readonly elf: ElfFile) {
    this.dwarf = DwarfFile.open(elf);
    this.symbols = new ElfSymbols(elf);
  }

  private model(u: Unit): UnitModel {
    let m = this.models.get(u.offset);
    if (!m) {
      const lt = this.dwarf.lineTable(u);
      m = { files: lt ? buildSubFiles(lt, u.bases) : [] };
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
  private topFunctions(u: Unit): { die: Die; ranges: AddrRange[]; low: bigint }[] {
    const m = this.model(u);
    if (!m.tops) {
      m.tops = [];
      // Walk the root's children by index; only subprograms with a pc attribute become Die objects.
      for (let i = u.firstChildIndex(0); i >= 0; i = u.nextIndex(i)) {
        if (u.tagAt(i) !== DW_TAG.subprogram) continue;
        if (!u.abbrevAt(i)?.specs.some((sp) => sp.at === DW_AT.low_pc || sp.at === DW_AT.ranges)) continue;
        const d = u.entry(i);
        const ranges = d.pcRanges();
        if (!ranges.length) continue;
        let low = ranges[0]!.start;
        for (const r of ranges) if (r.start < low) low = r.start;
        m.tops.push({ die: d, ranges, low });
      }
      m.tops.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
    }
    return m.tops;
  }

  private readonly fnByDie = new Map<number, FunctionInfo | undefined>();
  private functionOfDie(d: Die): FunctionInfo | undefined {
    if (!this.fnByDie.has(d.offset)) this.fnByDie.set(d.offset, functionInfo(d));
    return this.fnByDie.get(d.offset);
  }

  private locationsValid(u: Unit): boolean {
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
        const n = u.bases.name;
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
  private symtabsFor(spec: string): { unit: Unit; sub: SubFile }[] {
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
    const u = this.dwarf.unitForPc(pc);
    if (!u) return undefined;
    const fn = this.functionAt(pc);
    const r = findPcLine(this.model(u).files, pc, fn?.high ?? pc + 1n);
    return r ? { ...r, unit: u } : undefined;
  }

  /** The (outermost) function whose ranges contain pc. */
  functionAt(pc: bigint): FunctionInfo | undefined {
    const u = this.dwarf.unitForPc(pc);
    if (!u) return undefined;
    const t = this.topFunctions(u).find((x) => x.ranges.some((r) => pc >= r.start && pc < r.end));
    return t ? this.functionOfDie(t.die) : undefined;
  }

  /** Blocks containing pc, innermost first (lexical, inlined, then the function). */
  blocksAt(pc: bigint): Block[] {
    const f = this.functionAt(pc);
    return f ? blocksAt(f, pc) : [];
  }

  /** `info line FILE:LINE` (gdb list-mode semantics): one answer per unit whose line table has the file. */
  infoLine(fileSpec: string, line: number): InfoLine[] {
    const tabs = this.symtabsFor(fileSpec);
    const out: InfoLine[] = [];
    // gdb lists the most recently read units first.
    for (const t of [...tabs].reverse()) {
      // gdb's find_line_symtab: an exact match in this table, else in any table, else the closest later line.
      let best: { sub: SubFile; index: number; line: number } | undefined;
      for (const c of [t, ...tabs.filter((x) => x !== t)]) {
        const r = findLineCommon(c.sub.entries, line);
        if (r.index < 0) continue;
        const l = c.sub.entries[r.index]!.line;
        if (r.exact) {
          best = { sub: c.sub, index: r.index, line: l };
          break;
        }
        if (!best || l < best.line) best = { sub: c.sub, index: r.index, line: l };
      }
      const file = t.sub.displayName;
      if (!best) out.push({ kind: 'outOfRange', file, line });
      else out.push(this.rangeOf(best.sub.entries[best.index]!.pc, line, file));
    }
    return out;
  }

  private rangeOf(start: bigint, line: number, file: string): InfoLine {
    const found = this.lineForPc(start);
    if (!found) return { kind: 'noLineInfo', address: start };
    if (found.line !== line) return { kind: 'noCode', file, line, address: found.pc };
    return { kind: 'range', file, line, start: found.pc, end: found.end };
  }

  /** `info line *ADDR`. */
  infoLineAt(pc: bigint): InfoLine {
    const found = this.lineForPc(pc);
    if (!found) return { kind: 'noLineInfo', address: pc };
    return { kind: 'range', file: found.file.displayName, line: found.line, start: found.pc, end: found.end };
  }

  /** `info line FUNCTION`: the line range at each instance's entry (gdb lists them by decreasing address). */
  infoLineFunction(name: string): InfoLine[] {
    const insts = [...this.functionInstances(name)].sort((a, b) => (a.entryPc > b.entryPc ? -1 : a.entryPc < b.entryPc ? 1 : 0));
    return insts.map((inst) => {
      const found = this.lineForPc(inst.entryPc);
      if (!found) return { kind: 'noLineInfo', address: inst.entryPc };
      return { kind: 'range', file: found.file.displayName, line: found.line, start: found.pc, end: found.end };
    });
  }

  /**
   * Units that define or inline a function called `name`: from the name index; in a big file (no index),
   * the units whose code holds an ELF symbol of that name (found through .debug_aranges), else a name scan.
   * (Big files: a function inlined in a unit without an out-of-line copy there is missed when it has a symbol.)
   */
  private unitsWithFunction(name: string): Unit[] {
    const units = new Set<Unit>();
    if (!this.dwarf.big) {
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
  functionInstances(name: string): { entryPc: bigint; block: Block; function: FunctionInfo; inlined: boolean }[] {
    const ool: { entryPc: bigint; block: Block; function: FunctionInfo; inlined: boolean }[] = [];
    const inl: typeof ool = [];
    for (const u of this.unitsWithFunction(name)) {
      for (const t of this.topFunctions(u)) {
        if (t.die.resolvedName !== name) continue;
        const f = this.functionOfDie(t.die);
        if (f) ool.push({ entryPc: f.entryPc, block: f.block, function: f, inlined: false });
      }
      // Inlined instances: only where the unit has an abstract instance of a subprogram with that name.
      if (!u.root.children().some((d) => d.tag === DW_TAG.subprogram && d.name === name)) continue;
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
    const byPc = (a: { entryPc: bigint }, b: { entryPc: bigint }): number => (a.entryPc < b.entryPc ? -1 : a.entryPc > b.entryPc ? 1 : 0);
    return [...ool.sort(byPc), ...inl.sort(byPc)];
  }

  /** gdb's amd64 prologue analysis: after `[endbr64] push %rbp; mov %rsp,%rbp`, else the entry itself. */
  private analyzePrologue(entry: bigint): bigint {
    const code = this.elf.readVirtual(entry, 8);
    return code ? entry + BigInt(framePrologueLength(code)) : entry;
  }

  /** gdb's skip_prologue_sal for the function containing pc: the address after the prologue, or undefined to keep pc. */
  private postPrologue(f: FunctionInfo): bigint {
    const entry = f.entryPc;
    if (this.locationsValid(f.unit)) return entry;
    let pc = this.analyzePrologue(entry);
    const sal = this.lineForPc(pc);
    if (sal && sal.pc !== pc && entry <= sal.end && sal.end < f.high) pc = sal.end;
    return pc;
  }

  /** `break FUNCTION`: one location per out-of-line copy (after its prologue) and per inlined instance. */
  functionBreakpoints(name: string): BreakLocation[] {
    const out: BreakLocation[] = [];
    for (const inst of this.functionInstances(name)) {
      const address = inst.inlined ? inst.entryPc : this.postPrologue(inst.function);
      const sal = this.lineForPc(address);
      out.push({ address, file: sal ? sal.file.displayName : '', line: sal?.line ?? 0, function: inst.function.name });
    }
    return out;
  }

  /** `break FILE:LINE`: the lowest is_stmt address of the line (or the next line with code) in each block, prologue skipped. */
  lineBreakpoints(fileSpec: string, line: number): BreakLocation[] {
    const tabs = this.symtabsFor(fileSpec);
    const collect = (l: number): { pcs: { pc: bigint; sub: SubFile }[]; bestLine: number } => {
      const pcs: { pc: bigint; sub: SubFile }[] = [];
      let bestLine = 0;
      for (const t of tabs) {
        let start = 0;
        for (;;) {
          const r = findLineCommon(t.sub.entries, l, start);
          if (r.index < 0) break;
          const e = t.sub.entries[r.index]!;
          if (!r.exact) {
            if (bestLine === 0 || e.line < bestLine) bestLine = e.line;
            break;
          }
          pcs.push({ pc: e.pc, sub: t.sub });
          start = r.index + 1;
        }
      }
      return { pcs, bestLine };
    };
    let { pcs, bestLine } = collect(line);
    let usedLine = line;
    if (!pcs.length && bestLine) {
      usedLine = bestLine;
      pcs = collect(bestLine).pcs;
    }
    // One location per gdb block: later pcs in the same innermost block are dropped.
    const seen = new Set<string>();
    const out: BreakLocation[] = [];
    for (const p of pcs) {
      const chain = this.blocksAt(p.pc);
      const gdbBlock = chain.find((b) => b.kind !== 'lexical' || b.variables.length > 0);
      const key = gdbBlock ? `${gdbBlock.dieOffset}` : `pc${p.pc}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = this.functionAt(p.pc);
      let address = p.pc;
      let reportLine = usedLine;
      if (f) {
        const post = this.postPrologue(f);
        if (address < post) {
          address = post;
          reportLine = this.lineForPc(post)?.line ?? usedLine;
        }
      }
      out.push({ address, file: p.sub.displayName, line: reportLine, ...(f ? { function: f.name } : {}) });
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** Globals and file statics of every unit named `name` (via the name index). */
  lookupGlobal(name: string): Variable[] {
    const out: Variable[] = [];
    for (const e of this.dwarf.index.variables.get(name) ?? []) {
      const v = globalOf(this.dwarf.dieAt(e.offset));
      if (v) out.push(v);
    }
    return out;
  }

  /** File-scope variables (globals and statics) of one unit. */
  unitStatics(u: Unit): Variable[] {
    const m = this.model(u);
    if (!m.statics) {
      m.statics = [];
      for (const d of u.root.children()) {
        if (d.tag !== DW_TAG.variable) continue;
        const v = globalOf(d);
        if (v) m.statics.push(v);
      }
    }
    return m.statics;
  }

  /**
   * Variables visible at pc: innermost block first, up to the function's parameters and locals
   * (an inlined block's variables then its caller's), then the unit's statics, then other units' globals.
   */
  scopeAt(pc: bigint): Variable[] {
    const out: Variable[] = [];
    const seen = new Set<string>();
    const add = (v: Variable): void => {
      if (seen.has(v.name)) return;
      seen.add(v.name);
      out.push(v);
    };
    for (const b of this.blocksAt(pc)) for (const v of b.variables) add(v);
    const u = this.dwarf.unitForPc(pc);
    if (u) for (const v of this.unitStatics(u)) add(v);
    for (const [name, entries] of this.dwarf.index.variables) {
      if (seen.has(name)) continue;
      for (const e of entries) {
        if (!e.external || !e.defined) continue;
        const v = globalOf(this.dwarf.dieAt(e.offset));
        if (v && v.kind === 'global') {
          add(v);
          break;
        }
      }
    }
    return out;
  }

  /** `info scope LOCATION` data: the symbols of the blocks at pc, innermost first, up to the first function block. */
  infoScope(pc: bigint): Variable[] {
    const out: Variable[] = [];
    for (const b of this.blocksAt(pc)) {
      out.push(...b.variables);
      if (b.kind !== 'lexical') break;
    }
    return out;
  }

  /** gdb's `0x1294 <demo+151>` form of an address. */
  formatAddress(addr: bigint): string {
    // Like gdb, only addresses inside an allocated section get a <symbol+offset>.
    const sym = this.elf.loadedSectionAt(addr) ? this.symbols.describe(addr) : '';
    return `0x${addr.toString(16)}${sym ? ` ${sym}` : ''}`;
  }

  /** gdb's text for an `info line` answer. */
  formatInfoLine(r: InfoLine): string {
    switch (r.kind) {
      case 'range': return `Line ${r.line} of "${r.file}" starts at address ${this.formatAddress(r.start)} and ends at ${this.formatAddress(r.end)}.`;
      case 'noCode': return `Line ${r.line} of "${r.file}" is at address ${this.formatAddress(r.address)} but contains no code.`;
      case 'outOfRange': return `Line number ${r.line} is out of range for "${r.file}".`;
      case 'noLineInfo': return `No line number information available for address ${this.formatAddress(r.address)}`;
    }
  }
}
