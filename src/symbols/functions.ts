// Functions, lexical blocks, inlined instances and their variables, built from one unit's DIEs on demand.
import { DW_AT, DW_FORM, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import type { AttrValue } from '../dwarf/forms.js';
import type { AddrRange } from '../dwarf/ranges.js';
import type { Unit } from '../dwarf/unit.js';

/** What a location-list reader needs about the unit a list belongs to. */
export interface LocListUnit {
  version: number;
  addressSize: number;
  offsetSize: number;
  /** DW_AT_low_pc of the unit: base for offset_pair entries. */
  baseAddress: bigint;
  addrBase: number;
  loclistsBase: number;
}

/**
 * Where a variable lives, kept raw for the expression evaluator:
 * a single expression, a location list (offset already resolved from loclistx), a constant, or nothing.
 */
export type Location =
  | { kind: 'expr'; bytes: Uint8Array }
  | { kind: 'loclist'; form: number; value: number; section: '.debug_loc' | '.debug_loclists'; offset: number; unit: LocListUnit }
  | { kind: 'const'; value: AttrValue; form: number }
  | { kind: 'optimizedOut' };

export type VariableKind = 'param' | 'local' | 'static-local' | 'file-static' | 'global';

export interface Variable {
  name: string;
  kind: VariableKind;
  /** DW_AT_type as a DIE offset (undefined for void / missing). */
  typeOffset?: number;
  location: Location;
  declFile?: string;
  declLine?: number;
  external: boolean;
  dieOffset: number;
  unit: Unit;
}

/** One of gdb's symbols of a block, in the order gdb reads them: info locals and info scope walk these, in its dictionary's order. */
export interface BlockSymbol {
  name: string;
  /** gdb's class: a variable (or enumerator constant), a type name, a label, or an extern declaration resolved by the ELF symbol. */
  kind: 'variable' | 'typedef' | 'label' | 'unresolved';
  /** What info locals / info args prints for it; absent for the symbols they skip (types, labels with an address, extern declarations, constants kept as bytes). */
  shown?: Variable;
  /** Variables and enumerators: the variable; extern declarations: their type (for the length info scope prints). */
  variable?: Variable;
  /** A label's address. */
  address?: bigint;
}

export interface Block {
  kind: 'function' | 'inlined' | 'lexical';
  /** The function name for function and inlined blocks. */
  name?: string;
  dieOffset: number;
  ranges: AddrRange[];
  /** Lowest address of the first range (gdb's BLOCK_ENTRY_PC). */
  entryPc: bigint;
  variables: Variable[];
  /** Every symbol gdb gives the block (variables, labels, enumerators, type names), in reading order. */
  symbols: BlockSymbol[];
  children: Block[];
  parent?: Block;
  /** Inlined blocks: where the call was. */
  callFile?: string;
  callLine?: number;
  declFile?: string;
  declLine?: number;
}

export interface FunctionInfo {
  name: string;
  dieOffset: number;
  unit: Unit;
  ranges: AddrRange[];
  low: bigint;
  high: bigint;
  entryPc: bigint;
  external: boolean;
  declFile?: string;
  declLine?: number;
  /** DW_AT_frame_base (usually DW_OP_call_frame_cfa). */
  frameBase?: Location;
  returnTypeOffset?: number;
  /** The function's own block: parameters and locals, nested lexical and inlined blocks. */
  block: Block;
  params: Variable[];
}

/** Path of file `index` of the unit's line table (DW_AT_decl_file / call_file). */
export function unitFileName(unit: Unit, index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const lt = unit.dwarf.lineTable(unit);
  return lt?.files[index]?.path;
}

export function locationOf(die: Die): Location {
  const a = die.attr(DW_AT.location);
  if (a) {
    const v = a.value;
    if (v.kind === 'exprloc' || v.kind === 'block') return { kind: 'expr', bytes: v.value };
    const u = die.unit;
    const b = u.bases;
    const unit: LocListUnit = { version: u.version, addressSize: u.addressSize, offsetSize: u.offsetSize, baseAddress: b.baseAddress, addrBase: b.addrBase, loclistsBase: b.loclistsBase };
    if (v.kind === 'loclistx') return { kind: 'loclist', form: a.form, value: v.value, section: '.debug_loclists', offset: u.loclistOffset(v.value), unit };
    if (v.kind === 'secOffset' || v.kind === 'unsigned') {
      const off = Number(v.value);
      return { kind: 'loclist', form: a.form, value: off, section: u.version >= 5 ? '.debug_loclists' : '.debug_loc', offset: off, unit };
    }
  }
  const c = die.inherited(DW_AT.const_value) ?? die.attr(DW_AT.const_value);
  if (c) return { kind: 'const', value: c.value, form: c.form };
  return { kind: 'optimizedOut' };
}

function variableOf(die: Die, kind: VariableKind): Variable | undefined {
  const name = die.resolvedName;
  if (name === undefined) return undefined;
  const typeAttr = die.inherited(DW_AT.type);
  const typeOffset = typeAttr?.value.kind === 'ref' ? typeAttr.value.value : typeAttr?.value.kind === 'sig8' ? die.unit.dwarf.typeUnit(typeAttr.value.value)?.typeOffset : undefined;
  const fileAttr = die.inherited(DW_AT.decl_file)?.value;
  const lineAttr = die.inherited(DW_AT.decl_line)?.value;
  const extAttr = die.inherited(DW_AT.external)?.value;
  return {
    name,
    kind,
    ...(typeOffset !== undefined ? { typeOffset } : {}),
    location: locationOf(die),
    ...(fileAttr && (fileAttr.kind === 'unsigned' || fileAttr.kind === 'signed') ? { declFile: unitFileName(die.unit, Number(fileAttr.value)) } : {}),
    ...(lineAttr && (lineAttr.kind === 'unsigned' || lineAttr.kind === 'signed') ? { declLine: Number(lineAttr.value) } : {}),
    external: extAttr?.kind === 'flag' && extAttr.value,
    dieOffset: die.offset,
    unit: die.unit,
  };
}

/** A top-level (or unit-scope) variable DIE as a global or file static; undefined for declarations without location. */
export function globalOf(die: Die, declarationToo = false): Variable | undefined {
  if (die.flag(DW_AT.declaration) && !declarationToo) return undefined;
  const ext = die.inherited(DW_AT.external)?.value;
  return variableOf(die, ext?.kind === 'flag' && ext.value ? 'global' : 'file-static');
}

function numAttr(die: Die, at: number): number | undefined {
  const v = die.inherited(at)?.value;
  return v && (v.kind === 'unsigned' || v.kind === 'signed') ? Number(v.value) : undefined;
}

function buildBlock(die: Die, kind: Block['kind'], parent: Block | undefined): Block {
  const ranges = die.pcRanges();
  const block: Block = { kind, dieOffset: die.offset, ranges, entryPc: ranges[0]?.start ?? 0n, variables: [], symbols: [], children: [] };
  if (parent) block.parent = parent;
  if (kind !== 'lexical') {
    const n = die.resolvedName;
    if (n !== undefined) block.name = n;
    const df = unitFileName(die.unit, numAttr(die, DW_AT.decl_file));
    if (df) block.declFile = df;
    const dl = numAttr(die, DW_AT.decl_line);
    if (dl !== undefined) block.declLine = dl;
  }
  if (kind === 'inlined') {
    const cf = unitFileName(die.unit, die.num(DW_AT.call_file));
    if (cf) block.callFile = cf;
    const cl = die.num(DW_AT.call_line);
    if (cl !== undefined) block.callLine = cl;
  }
  addChildren(block, die.children());
  inheritAbstract(block, die); // lexical blocks too (gdb's read_lexical_block_scope)
  return block;
}

/**
 * gdb's inherit_abstract_dies: children of the abstract origin that no direct child of the concrete DIE
 * refers to become symbols of the block too (optimised out: they have no location). gcc puts an inlined
 * function's locals in a lexical block, whose children gdb does not count, so it lists them twice.
 */
function inheritAbstract(block: Block, die: Die): void {
  const origin = die.refDie(DW_AT.abstract_origin);
  if (!origin) return;
  const covered = new Set<number>();
  for (const c of die.children()) {
    if (c.tag === DW_TAG.call_site || c.tag === DW_TAG.GNU_call_site) continue;
    let o: Die | undefined = c;
    for (let hops = 0; hops < 8; hops++) {
      const next: Die | undefined = o.refDie(DW_AT.abstract_origin);
      if (!next) break;
      o = next;
    }
    if (o !== c && o.parent?.offset === origin.offset) covered.add(o.offset);
  }
  addChildren(block, origin.children().filter((c) => !covered.has(c.offset)), true);
}

/** The variables and nested blocks of `children` into `block` (`abstract`: an abstract origin's, which have no code). */
function addChildren(block: Block, children: Die[], abstract = false): void {
  const variable = (v: Variable | undefined, shown = true): void => {
    if (!v) return;
    block.variables.push(v);
    block.symbols.push(shown ? { name: v.name, kind: 'variable', variable: v, shown: v } : { name: v.name, kind: 'variable', variable: v });
  };
  for (const c of children) {
    switch (c.tag) {
      case DW_TAG.formal_parameter:
        variable(variableOf(c, 'param'));
        break;
      case DW_TAG.variable: {
        if (c.flag(DW_AT.declaration) && !c.has(DW_AT.location)) {
          // gdb keeps an extern declaration as an unresolved symbol of the block: counted, never listed.
          const name = c.resolvedName;
          const external = c.inherited(DW_AT.external)?.value;
          if (name !== undefined && external?.kind === 'flag' && external.value && c.inherited(DW_AT.type)) {
            const v = variableOf(c, 'local');
            block.symbols.push(v ? { name, kind: 'unresolved', variable: v } : { name, kind: 'unresolved' });
          }
          break;
        }
        const loc = c.value(DW_AT.location);
        const isStatic = loc?.kind === 'exprloc' && loc.value[0] === 0x03; // DW_OP_addr: storage with a fixed address
        const v = variableOf(c, isStatic ? 'static-local' : 'local');
        variable(v, v ? !constKeptAsBytes(v) : false);
        break;
      }
      case DW_TAG.lexical_block:
        if (!abstract && c.pcRanges().length) block.children.push(buildBlock(c, 'lexical', block));
        else addChildren(block, c.children(), abstract); // a block without code: gdb merges it
        break;
      case DW_TAG.inlined_subroutine:
        if (!abstract && c.pcRanges().length) block.children.push(buildBlock(c, 'inlined', block));
        break;
      default:
        addTypeAndLabelSymbols(block, c);
    }
  }
}

/** A constant gdb keeps as bytes (LOC_CONST_BYTES: a block, string or 16-byte form), which info locals skips. */
function constKeptAsBytes(v: Variable): boolean {
  if (v.location.kind !== 'const') return false;
  const k = v.location.value.kind;
  return k === 'block' || k === 'exprloc' || k === 'string' || v.location.form === DW_FORM.data16;
}

/**
 * Symbols gdb adds to a block besides variables: named types (counted, not listed), an enum's enumerators
 * (constants of the enum type: info locals lists them, "RED = RED"), and labels (a label without an
 * address is listed as "<optimized out>").
 */
function addTypeAndLabelSymbols(block: Block, c: Die): void {
  const name = c.resolvedName;
  switch (c.tag) {
    case DW_TAG.label:
      if (name === undefined) return;
      const address = c.inherited(DW_AT.low_pc)?.value;
      if (address?.kind === 'address') block.symbols.push({ name, kind: 'label', address: address.value });
      else block.symbols.push({ name, kind: 'label', shown: { name, kind: 'local', location: { kind: 'optimizedOut' }, external: false, dieOffset: c.offset, unit: c.unit } });
      return;
    case DW_TAG.enumeration_type:
      for (const e of c.children()) {
        const en = e.resolvedName;
        const value = e.attr(DW_AT.const_value);
        if (e.tag !== DW_TAG.enumerator || en === undefined || !value) continue;
        const v: Variable = { name: en, kind: 'local', typeOffset: c.offset, location: { kind: 'const', value: value.value, form: value.form }, external: false, dieOffset: e.offset, unit: c.unit };
        block.symbols.push({ name: en, kind: 'variable', variable: v, shown: v });
      }
      if (name !== undefined) block.symbols.push({ name, kind: 'typedef' });
      return;
    case DW_TAG.structure_type:
    case DW_TAG.union_type:
      if (name !== undefined && (c.has(DW_AT.byte_size) || !c.flag(DW_AT.declaration))) block.symbols.push({ name, kind: 'typedef' });
      return;
    case DW_TAG.typedef:
    case DW_TAG.base_type:
    case DW_TAG.subrange_type:
      if (name !== undefined) block.symbols.push({ name, kind: 'typedef' });
      return;
  }
}

/** A top-level subprogram DIE with code as a FunctionInfo (its blocks and variables built); undefined without code. */
export function functionInfo(d: Die): FunctionInfo | undefined {
  const ranges = d.pcRanges();
  if (!ranges.length) return undefined;
  const unit = d.unit;
  // gdb names a C function by its DW_AT_linkage_name when it has one (glibc's asm-renamed "__GI_exit" for exit).
  const linkage = d.inherited(DW_AT.linkage_name)?.value;
  const name = linkage?.kind === 'string' ? linkage.value : d.resolvedName ?? '??';
  const block = buildBlock(d, 'function', undefined);
  let low = ranges[0]!.start;
  let high = ranges[0]!.end;
  for (const r of ranges) {
    if (r.start < low) low = r.start;
    if (r.end > high) high = r.end;
  }
  const fb = d.attr(DW_AT.frame_base);
  const ext = d.inherited(DW_AT.external)?.value;
  const typeOffset = d.inherited(DW_AT.type)?.value;
  const f: FunctionInfo = {
    name, dieOffset: d.offset, unit, ranges, low, high, entryPc: ranges[0]!.start,
    external: ext?.kind === 'flag' && ext.value,
    block,
    params: block.variables.filter((v) => v.kind === 'param'),
  };
  if (block.declFile) f.declFile = block.declFile;
  if (block.declLine !== undefined) f.declLine = block.declLine;
  if (fb) f.frameBase = fb.value.kind === 'exprloc' || fb.value.kind === 'block' ? { kind: 'expr', bytes: fb.value.value } : locationOf(d);
  if (typeOffset?.kind === 'ref') f.returnTypeOffset = typeOffset.value;
  return f;
}

/** Every function with code in the unit (top-level subprograms, including out-of-line copies of inline functions). */
export function unitFunctions(unit: Unit): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  for (const d of unit.root.children()) {
    if (d.tag !== DW_TAG.subprogram) continue;
    const f = functionInfo(d);
    if (f) out.push(f);
  }
  return out.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
}

/** The block of `f` built from DIE `offset` (an inlined instance or lexical block), if any. */
export function blockByDie(f: FunctionInfo, offset: number): Block | undefined {
  const walk = (b: Block): Block | undefined => {
    if (b.dieOffset === offset) return b;
    for (const c of b.children) {
      const hit = walk(c);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(f.block);
}

/** True when a unit uses location lists for some variable (gdb then trusts line-table locations: no prologue skipping). */
export function unitHasLocLists(unit: Unit): boolean {
  const n = unit.dieCount;
  for (let i = 0; i < n; i++) {
    const d = unit.entry(i);
    if (d.tag !== DW_TAG.variable && d.tag !== DW_TAG.formal_parameter) continue;
    const a = d.attr(DW_AT.location);
    if (a && (a.form === DW_FORM.sec_offset || a.form === DW_FORM.loclistx || (unit.version < 4 && (a.form === DW_FORM.data4 || a.form === DW_FORM.data8)))) return true;
  }
  return false;
}

/** The chain of blocks containing pc, innermost first, within `f`. */
export function blocksAt(f: FunctionInfo, pc: bigint): Block[] {
  const chain: Block[] = [];
  let b: Block | undefined = f.block;
  while (b) {
    chain.unshift(b);
    b = b.children.find((c) => c.ranges.some((r) => pc >= r.start && pc < r.end));
  }
  return chain;
}

/**
 * The blocks whose variables a frame sees (gdb's get_frame_block, then up to the function's block): the
 * chain at pc past `inlineDepth` inlined blocks (the frame's inlined callees), innermost first, up to and
 * including the first function or inlined block (a caller's locals are not in an inlined callee's scope).
 */
export function frameBlocks(f: FunctionInfo, pc: bigint, inlineDepth = 0): Block[] {
  const chain = blocksAt(f, pc);
  let i = 0;
  for (let skipped = 0; skipped < inlineDepth && i < chain.length; i++) if (chain[i]!.kind === 'inlined') skipped++;
  const out: Block[] = [];
  for (; i < chain.length; i++) {
    out.push(chain[i]!);
    if (chain[i]!.kind !== 'lexical') break;
  }
  return out;
}

/** The inlined blocks active at pc in `f`, innermost first (gdb's inline frames there). */
export function inlinedAt(f: FunctionInfo, pc: bigint): Block[] {
  return blocksAt(f, pc).filter((b) => b.kind === 'inlined');
}
