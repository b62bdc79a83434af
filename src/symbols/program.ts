// Program: the program model from ELF + DWARF (source files, line <-> address with gdb semantics, functions, scopes, globals).
// ProgramModel (program-model.ts) holds units, files, lines and functions; this layer places breakpoints and answers info line and scopes.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import { framePrologueLength } from '../arch/x86-64/prologue.js';
import type { Unit } from '../dwarf/unit.js';
import { findLineCommon, type SubFile } from './lines.js';
import { frameBlocks, globalOf, type Block, type BlockSymbol, type FunctionInfo, type Variable } from './functions.js';
import { ProgramModel } from './program-model.js';
import { msymPrintName } from './msym-name.js';
import { hashedOrder } from './block-dict.js';

export type { SourceFile } from './program-model.js';

/** One breakpoint location as gdb's `break` would place it. */
export interface BreakLocation {
  address: bigint;
  file: string;
  line: number;
  /** The function named in `info breakpoints` (for a line: the innermost one there, an inlined function too), when known. */
  function?: string;
  /** `break FUNCTION`: the DIE of the function or inlined block the location is for. */
  block?: number;
}

/** An `info line` answer: a range of code, or an address for a line without code. */
export type InfoLine =
  | { kind: 'range'; file: string; line: number; start: bigint; end: bigint }
  | { kind: 'noCode'; file: string; line: number; address: bigint }
  | { kind: 'outOfRange'; file: string; line: number }
  | { kind: 'noLineInfo'; address: bigint };

/** A block's symbols in the order gdb's dictionary gives them: hashed for a lexical block, reading order otherwise. */
export function symbolsInGdbOrder(b: Block): BlockSymbol[] {
  return b.kind === 'lexical' ? hashedOrder(b.symbols.map((s) => s.name)).map((i) => b.symbols[i]!) : b.symbols;
}

export class Program extends ProgramModel {
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
      out.push({ address, file: sal ? sal.file.displayName : '', line: sal?.line ?? 0, function: inst.function.name, block: inst.block.dieOffset });
    }
    return out;
  }

  /**
   * `break NAME` where NAME is only an ELF symbol of this image: the debug-info function starting there (an
   * alias, e.g. glibc's malloc for __libc_malloc) after its prologue, else the symbol after the frame setup gdb
   * skips without debug info. Undefined when the image defines no such function.
   */
  symbolBreakpoint(name: string): BreakLocation | undefined {
    const sym = this.symbols.functionNamed(name);
    if (!sym) return undefined;
    const f = this.functionAt(sym.value);
    const address = f && f.entryPc === sym.value ? this.postPrologue(f) : this.analyzePrologue(sym.value);
    const sal = this.lineForPc(address);
    return { address, file: sal ? sal.file.displayName : '', line: sal?.line ?? 0, function: f?.name ?? name };
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
      const gdbBlock = chain.find((b) => b.kind !== 'lexical' || b.symbols.length > 0);
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
      // gdb names the location by the innermost function there, an inlined one too (its symbol's block).
      const inlined = this.blocksAt(address).find((b) => b.kind !== 'lexical');
      const name = inlined?.kind === 'inlined' ? inlined.name : f?.name;
      out.push({ address, file: p.sub.displayName, line: reportLine, ...(name !== undefined ? { function: name } : {}) });
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** The last compile unit's primary source file (gdb's find_last_source_symtab: the default file of a program without main). */
  lastUnitFile(): string | undefined {
    const units = this.dwarf.units;
    for (let i = units.length - 1; i >= 0; i--) {
      const f = this.model(units[i]!).files[0];
      if (f) return f.path;
    }
    return undefined;
  }

  /** Globals and file statics of every unit named `name` (via the name index). */
  lookupGlobal(name: string): Variable[] {
    const out: Variable[] = [];
    const entries = this.dwarf.index.variables.get(name) ?? [];
    for (const e of entries) {
      const v = globalOf(this.dwarf.dieAt(e.offset));
      if (v) out.push(v);
    }
    if (!out.length) {
      const declared = entries.find((e) => e.declaration && e.external);
      const v = declared && this.resolvedDeclaration(declared.offset);
      if (v) out.push(v);
    }
    return out;
  }

  /**
   * An extern declaration (a variable defined in assembler, such as Mini-OS's shared_info) whose address comes
   * from the ELF symbol of its name: gdb's LOC_UNRESOLVED, used when no unit defines the variable.
   */
  private resolvedDeclaration(dieOffset: number): Variable | undefined {
    const die = this.dwarf.dieAt(dieOffset);
    if (!die.has(DW_AT.type)) return undefined;
    const v = globalOf(die, true);
    const named = v ? this.symbols.named(v.name) : [];
    const sym = named.find((x) => x.bind === 1) ?? named[0];
    if (!v || !sym) return undefined;
    const bytes = new Uint8Array(9);
    bytes[0] = 0x03; // DW_OP_addr, of the link-time address (locations are relocated like the DWARF's own)
    new DataView(bytes.buffer).setBigUint64(1, sym.value - this.elf.bias, true);
    return { ...v, location: { kind: 'expr', bytes } };
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
   * Variables visible at pc: innermost block first, up to the function's (or inlined function's) parameters
   * and locals, then the unit's statics, then other units' globals. `inlineDepth`: the frame's inlined
   * callees at pc (an outer frame of an inlined call sees its own blocks, not the callee's).
   */
  scopeAt(pc: bigint, inlineDepth = 0): Variable[] {
    const out: Variable[] = [];
    const seen = new Set<string>();
    const add = (v: Variable): void => {
      if (seen.has(v.name)) return;
      seen.add(v.name);
      out.push(v);
    };
    for (const v of this.frameVariables(pc, inlineDepth)) add(v);
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

  /** scopeAt(pc, inlineDepth)'s variable called `name` (the first one), without listing every global. */
  variableInScope(pc: bigint, inlineDepth: number, name: string): Variable | undefined {
    const local = this.frameVariables(pc, inlineDepth).find((v) => v.name === name);
    if (local) return local;
    const u = this.dwarf.unitForPc(pc);
    const unitStatic = u ? this.unitStatics(u).find((v) => v.name === name) : undefined;
    if (unitStatic) return unitStatic;
    for (const e of this.dwarf.index.variables.get(name) ?? []) {
      if (!e.external || !e.defined) continue;
      const v = globalOf(this.dwarf.dieAt(e.offset));
      if (v && v.kind === 'global') return v;
    }
    return undefined;
  }

  /** Every variable of a frame's blocks, innermost block first, shadowed ones too (gdb's info locals / info args). */
  frameVariables(pc: bigint, inlineDepth = 0): Variable[] {
    const f = this.functionAt(pc);
    return f ? frameBlocks(f, pc, inlineDepth).flatMap((b) => b.variables) : [];
  }

  /**
   * What info locals / info args / bt full list, as gdb: each block of the frame innermost first, a lexical
   * block's symbols in its hash dictionary's order, the function's and inlined blocks' in reading order.
   */
  frameListing(pc: bigint, inlineDepth = 0): Variable[] {
    const f = this.functionAt(pc);
    if (!f) return [];
    return frameBlocks(f, pc, inlineDepth).flatMap((b) => symbolsInGdbOrder(b).flatMap((s) => (s.shown ? [s.shown] : [])));
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

  /**
   * The name gdb gives a pointer's target ("main", "demo+88"), or undefined. Like gdb's msymbol lookup, only
   * addresses inside a section of the image have one; code is named by its debug-info function when one
   * starts at the ELF symbol ("average", not "average.constprop.0"), other ELF symbols by gdb's print name
   * ("counter", not "counter.2") unless `linkage` (gdb's x and /a).
   */
  symbolLabel(addr: bigint, linkage = false): string | undefined {
    if (!this.elf.loadedSectionAt(addr)) return undefined;
    // PLT entries are named NAME@plt (BFD's synthetic symbols), as gdb names a call through them.
    const plt = this.symbols.plt().find((x) => addr >= x.value && addr < x.value + BigInt(x.size));
    if (plt) return addr === plt.value ? plt.name : `${plt.name}+${addr - plt.value}`;
    const s = this.symbols.naming(addr);
    if (!s) return undefined;
    const fn = this.functionAt(addr);
    const name = fn && fn.low === s.symbol.value ? fn.name : linkage ? s.symbol.name : msymPrintName(s.symbol.name);
    return s.offset === 0n ? name : `${name}+${s.offset}`;
  }

  /** gdb's `0x1294 <demo+151>` form of an address. */
  formatAddress(addr: bigint): string {
    // Like gdb, only addresses inside an allocated section get a <symbol+offset>.
    let sym = this.elf.loadedSectionAt(addr) ? this.symbols.describe(addr) : '';
    // gdb's build_address_symbolic: the debug-info function names the address unless an ELF symbol starts after
    // its entry ("__GI_exit", glibc's linkage name, where the ELF table also has "exit" there).
    const fn = sym ? this.functionLabelAt(addr) : undefined;
    const near = fn ? this.symbols.lookup(addr) : undefined;
    if (fn && near && near.symbol.value <= fn.entryPc && addr >= fn.entryPc && !this.symbols.plt().some((p) => p.value === near.symbol.value)) {
      const off = addr - fn.entryPc;
      sym = off === 0n ? `<${fn.name}>` : `<${fn.name}+${off}>`;
    }
    return `0x${addr.toString(16)}${sym ? ` ${sym}` : ''}`;
  }

  /** gdb's text for an `info line` answer. */
  formatInfoLine(r: InfoLine): string {
    switch (r.kind) {
      case 'range': return `Line ${r.line} of "${r.file}" starts at address ${this.formatAddress(r.start)} and ends at ${this.formatAddress(r.end)}.`;
      case 'noCode': return `Line ${r.line} of "${r.file}" is at address ${this.formatAddress(r.address)} but contains no code.`;
      case 'outOfRange': return `Line number ${r.line} is out of range for "${r.file}".`;
      // gdb names the address only when it is not 0 (info_line_command tests sal.pc).
      case 'noLineInfo': return r.address === 0n ? 'No line number information available.' : `No line number information available for address ${this.formatAddress(r.address)}`;
    }
  }
}
