// Linespecs resolved from the program alone (for list, info line, info scope): LINE, FILE:LINE, FUNCTION, FILE:FUNCTION, *ADDR.
import { posix } from 'node:path';
import type { ElfSymbol } from '../elf/elf.js';
import type { Program } from '../symbols/program.js';
import { primaryDisplayName } from '../symbols/lines.js';
import { mainLine, parseLinespec, parseNumber, programDefaultFile } from '../symbols/linespec.js';
import { UserError } from '../util/errors.js';
import { staticAddress } from '../eval/static-scope.js';
import type { CommandContext } from './context.js';

/** A source position a linespec names. `address` is set for *ADDR and functions (the entry pc). */
export interface StaticSal {
  /** Full path of the source file (as the line table records it). */
  file: string;
  line: number;
  address?: bigint;
  /** Function the spec named or the address falls in. */
  function?: string;
  kind: 'line' | 'function' | 'address';
}

export function needProgram(ctx: CommandContext): Program {
  if (!ctx.program) throw new UserError('No symbol table is loaded.  Use the "file" command.');
  return ctx.program;
}

/** Parses *ADDR: a number, or a function name (its entry). */
export function parseAddressExpr(program: Program, text: string): bigint {
  const t = text.trim();
  const n = parseNumber(t);
  if (n !== undefined) return n;
  const sum = /^(.+?)\s*([+-])\s*(0x[0-9a-f]+|\d+)$/i.exec(t);
  if (sum) {
    const base = parseAddressExpr(program, sum[1]!);
    return sum[2] === '+' ? base + BigInt(sum[3]!) : base - BigInt(sum[3]!);
  }
  if (/^&?[A-Za-z_]\w*$/.test(t)) {
    const n = t.replace(/^&/, '');
    if (n !== t) {
      const g = program.lookupGlobal(n)[0];
      if (g) {
        const a = staticAddress(g);
        if (a !== undefined) return a;
      }
    }
    return functionAddress(program, n);
  }
  throw new UserError(`A syntax error in expression, near \`${t}'.`);
}

function functionAddress(program: Program, t: string): bigint {
  const f = program.functionInstances(t).find((i) => !i.inlined);
  if (f) return f.entryPc;
  const sym = program.symbols.named(t)[0] ?? nonDebugFunction(program, t);
  if (sym) return sym.value;
  throw new UserError(`No symbol "${t}" in current context.`);
}

/** gdb's display name of a file (the symtab filename: the unit's own spelling for its primary file). */
export function displayNameOf(program: Program, path: string): string {
  const f = program.sourceFiles().find((s) => s.path === path);
  const u = f?.units[0];
  if (u) {
    const lt = program.dwarf.lineTable(u);
    const primary = lt?.files[0];
    if (lt && primary && primary.path === path) return primaryDisplayName(lt, u.bases);
    if (lt && lt.version < 5) {
      const e = lt.files.find((x) => x.path === path);
      if (e && e.dirIndex === 0) return e.name;
    }
  }
  return path;
}

/** The default file for a bare LINE: the listing's file, the stop's file, else main's. */
export function defaultFile(ctx: CommandContext, program: Program): string | undefined {
  return ctx.list.file ?? ctx.session?.lastStop?.location.fullPath ?? programDefaultFile(program);
}

/** main's line after its prologue (gdb's default source position). */
export function mainSal(program: Program): StaticSal | undefined {
  const main = mainLine(program);
  return main ? { ...main, kind: 'function', function: 'main' } : undefined;
}

function resolveFile(program: Program, spec: string): string {
  const files = program.findSourceFiles(spec);
  if (!files.length) throw new UserError(`No source file named ${spec}.`);
  return files[0]!.path;
}

/** Entry positions of a function (out-of-line copies first), as list mode sees them. */
function functionSals(program: Program, name: string, fileSpec?: string): StaticSal[] {
  const out: StaticSal[] = [];
  const all = program.functionInstances(name);
  // Out-of-line copies; a function that only exists inlined is listed at its inlined instances.
  // (gdb 13 does not find inlined-only functions when the spec names a file.)
  const chosen = all.some((i) => !i.inlined) || fileSpec ? all.filter((i) => !i.inlined) : all;
  for (const inst of chosen) {
    const sal = program.lineForPc(inst.entryPc);
    if (!sal) continue;
    if (fileSpec && !program.findSourceFiles(fileSpec).some((f) => f.path === sal.file.path)) continue;
    out.push({ file: sal.file.path, line: sal.line, address: inst.entryPc, function: name, kind: 'function' });
  }
  return out;
}

/** Resolves a linespec to source positions (list mode: no prologue skipping). */
export function resolveStatic(ctx: CommandContext, spec: string): StaticSal[] {
  const program = needProgram(ctx);
  const ls = parseLinespec(spec);
  switch (ls.kind) {
    case 'address': {
      const address = parseAddressExpr(program, ls.expression);
      const sal = program.lineForPc(address);
      const fn = program.functionAt(address)?.name ?? program.symbols.lookup(address)?.symbol.name;
      return [{ file: sal?.file.path ?? '', line: sal?.line ?? 0, address, ...(fn ? { function: fn } : {}), kind: 'address' }];
    }
    case 'line': {
      if (ls.file !== undefined) return [{ file: resolveFile(program, ls.file), line: ls.line, kind: 'line' }];
      const file = defaultFile(ctx, program);
      if (!file) throw new UserError('No symbol table is loaded.  Use the "file" command.');
      return [{ file, line: ls.line, kind: 'line' }];
    }
    case 'empty':
      throw new UserError('Function "" not defined.');
    case 'invalid':
      throw new UserError(`Function "${ls.text}" not defined.`);
    case 'function': {
      if (ls.file !== undefined) resolveFile(program, ls.file);
      const sals = functionSals(program, ls.name, ls.file);
      if (sals.length) return sals;
      const sym = nonDebugFunction(program, ls.name);
      if (sym && ls.file === undefined) return [{ file: '', line: 0, address: sym.value, function: ls.name, kind: 'function' }];
      throw new UserError(ls.file !== undefined ? `Function "${ls.name}" not defined in "${ls.file}".` : `Function "${ls.name}" not defined.`);
    }
  }
}

export function basename(p: string): string {
  return posix.basename(p);
}

/** An ELF function symbol (or assembler label in code) without debug info, or the PLT entry `name@plt` (gdb matches "puts" to puts@plt). */
export function nonDebugFunction(program: Program, name: string): ElfSymbol | undefined {
  return program.symbols.functionNamed(name) ?? program.symbols.plt().find((f) => f.name === `${name}@plt`);
}

/** Where `info line` with no argument looks next (gdb's last_line_listed), per listing state. */
const lastListed = new WeakMap<object, number>();
export function setLastListed(ctx: CommandContext, line: number): void {
  lastListed.set(ctx.list, line);
}
export function getLastListed(ctx: CommandContext): number | undefined {
  return lastListed.get(ctx.list);
}
