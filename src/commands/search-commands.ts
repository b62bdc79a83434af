// info functions / variables / types [REGEX]: gdb's listing grouped by file, then the non-debugging (ELF) symbols.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import type { Unit } from '../dwarf/unit.js';
import type { ElfSymbol } from '../elf/elf.js';
import type { Program } from '../symbols/program.js';
import { primaryDisplayName } from '../symbols/lines.js';
import { checkTypedef, printType } from '../symbols/type-format.js';
import { DwarfTypes } from '../symbols/types-dwarf.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { needProgram } from './linespec-static.js';
import type { Command } from './registry.js';

type Kind = 'functions' | 'variables' | 'types';

interface Found {
  file: string;
  /** gdb's block: 0 global, 1 static (globals sort first within a file). */
  block: number;
  name: string;
  line: number;
  text: string;
}

const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const TYPE_TAGS = new Set<number>([DW_TAG.base_type, DW_TAG.typedef, DW_TAG.structure_type, DW_TAG.union_type, DW_TAG.enumeration_type]);

function compileRegex(text: string): RegExp | undefined {
  if (!text) return undefined;
  try {
    return new RegExp(text);
  } catch (e) {
    throw new UserError(`Invalid regexp: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** gdb's symtab filename for file `index` of a unit's line table (the unit's own name for its primary file). */
function fileName(program: Program, unit: Unit, index: number | undefined): string {
  const lt = program.dwarf.lineTable(unit);
  const f = index === undefined ? undefined : lt?.files[index];
  const primary = lt?.files[0];
  if (!f || !lt) return (lt ? primaryDisplayName(lt, unit.bases) : undefined) ?? unit.bases.name ?? '??';
  if (primary && f.path === primary.path) return primaryDisplayName(lt, unit.bases);
  return lt.version >= 5 || f.dirIndex !== 0 ? f.path : f.name;
}

function num(d: Die, at: number): number | undefined {
  const v = d.inherited(at)?.value;
  return v && (v.kind === 'unsigned' || v.kind === 'signed') ? Number(v.value) : undefined;
}

function debugFunctions(program: Program, types: DwarfTypes, re: RegExp | undefined, out: Found[], names: Set<string>): void {
  for (const [name, entries] of program.dwarf.index.functions) {
    for (const e of entries) {
      if (!e.defined) continue;
      names.add(name);
      if (re && !re.test(name)) continue;
      const d = program.dwarf.dieAt(e.offset);
      const isStatic = !e.external;
      const sig = printType(types.functionType(d), name, 0, 0);
      out.push({ file: fileName(program, e.unit, num(d, DW_AT.decl_file)), block: isStatic ? 1 : 0, name, line: num(d, DW_AT.decl_line) ?? 0, text: `${isStatic ? 'static ' : ''}${sig};` });
    }
  }
}

function debugVariables(program: Program, types: DwarfTypes, re: RegExp | undefined, out: Found[], names: Set<string>): void {
  for (const [name, entries] of program.dwarf.index.variables) {
    for (const e of entries) {
      if (e.declaration && !e.defined) continue;
      names.add(name);
      if (re && !re.test(name)) continue;
      const d = program.dwarf.dieAt(e.offset);
      const isStatic = !e.external;
      const decl = printType(types.typeAt(d.inherited(DW_AT.type)?.value.kind === 'ref' ? (d.inherited(DW_AT.type)!.value.value as number) : undefined), name, 0, 0);
      out.push({ file: fileName(program, e.unit, num(d, DW_AT.decl_file)), block: isStatic ? 1 : 0, name, line: num(d, DW_AT.decl_line) ?? 0, text: `${isStatic ? 'static ' : ''}${decl};` });
    }
  }
}

function debugTypes(program: Program, types: DwarfTypes, re: RegExp | undefined, out: Found[]): void {
  for (const u of program.dwarf.compileUnits) {
    for (const d of u.root.children()) {
      if (!TYPE_TAGS.has(d.tag) || d.flag(DW_AT.declaration)) continue;
      const name0 = d.name;
      if (!name0) continue;
      const t = types.typeAt(d.offset);
      // gdb names base types canonically ("unsigned long" for "long unsigned int") and searches that name.
      const name = d.tag === DW_TAG.base_type ? printType(t, '', -1, 0) : name0;
      if (re && !re.test(name)) continue;
      let text: string;
      if (d.tag === DW_TAG.typedef) text = `typedef ${printType(checkTypedef(t), '', -1, 0)} ${name};`;
      else if (d.tag === DW_TAG.base_type) text = printType(t, '', -1, 0);
      else text = `${printType(t, '', 0, 0)};`;
      const line = d.tag === DW_TAG.base_type ? 0 : num(d, DW_AT.decl_line) ?? 0;
      out.push({ file: fileName(program, u, d.tag === DW_TAG.base_type ? undefined : num(d, DW_AT.decl_file)), block: 1, name, line, text });
    }
  }
}

/** ELF symbols without debug info: code (with PLT entries) for functions, allocated data for variables. */
function nonDebugging(program: Program, kind: 'functions' | 'variables', re: RegExp | undefined, debugNames: Set<string>): ElfSymbol[] {
  const secs = program.elf.sections;
  const isCode = (s: ElfSymbol): boolean => {
    const sec = secs[s.shndx];
    return !!sec && (sec.flags & SHF_EXECINSTR) !== 0;
  };
  const isData = (s: ElfSymbol): boolean => {
    const sec = secs[s.shndx];
    return !!sec && (sec.flags & SHF_ALLOC) !== 0 && (sec.flags & SHF_EXECINSTR) === 0;
  };
  const all = kind === 'functions' ? [...program.symbols.sorted.filter(isCode), ...program.symbols.plt()] : program.symbols.sorted.filter(isData);
  const seen = new Set<string>();
  const out: ElfSymbol[] = [];
  for (const s0 of all) {
    const name = s0.bind === 0 && kind === 'variables' ? s0.name.replace(/\.\d+$/, '') : s0.name;
    if (debugNames.has(name) || (re && !re.test(name))) continue;
    if (kind === 'functions' && program.dwarf.unitForPc(s0.value)) continue;
    const key = `${s0.value}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...s0, name });
  }
  return out.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function compareFound(a: Found, b: Found): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.block !== b.block) return a.block - b.block;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function search(kind: Kind, args: string, ctx: CommandContext): void {
  const program = needProgram(ctx);
  const pattern = args.trim();
  const re = compileRegex(pattern);
  const types = new DwarfTypes(program.dwarf);
  const found: Found[] = [];
  const names = new Set<string>();
  if (kind === 'functions') debugFunctions(program, types, re, found, names);
  else if (kind === 'variables') debugVariables(program, types, re, found, names);
  else debugTypes(program, types, re, found);
  found.sort(compareFound);
  const what = kind === 'functions' ? 'functions' : kind === 'variables' ? 'variables' : 'types';
  let out = pattern ? `All ${what} matching regular expression "${pattern}":\n` : `All defined ${what}:\n`;
  let lastFile: string | undefined;
  const seen = new Set<string>();
  for (const f of found) {
    const key = `${f.file}\0${f.block}\0${f.name}\0${f.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (f.file !== lastFile) {
      out += `\nFile ${f.file}:\n`;
      lastFile = f.file;
    }
    out += `${f.line ? `${f.line}:` : ''}\t${f.text}\n`;
  }
  if (kind !== 'types') {
    const nd = nonDebugging(program, kind, re, names);
    if (nd.length) {
      out += '\nNon-debugging symbols:\n';
      for (const s of nd) out += `0x${s.value.toString(16).padStart(16, '0')}  ${s.name}\n`;
    }
  }
  ctx.out.print(out);
}

export const searchInfoCommands: Command[] = [
  { name: 'functions', help: 'All function names, or those matching REGEX.', run: (a, ctx) => search('functions', a, ctx) },
  { name: 'variables', help: 'All global and static variable names, or those matching REGEX.', run: (a, ctx) => search('variables', a, ctx) },
  { name: 'types', help: 'All type names, or those matching REGEX.', run: (a, ctx) => search('types', a, ctx) },
];
