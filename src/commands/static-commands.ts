// Questions answered from the program alone (no target): info line/source/functions/scope, list, ptype, whatis.
import { DW_LANG } from '../dwarf/constants.js';
import { StaticScope, staticAddress } from '../eval/static-scope.js';
import type { Program } from '../symbols/program.js';
import { msymPrintName } from '../symbols/msym-name.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { displayNameOf, needProgram, nonDebugFunction } from './linespec-static.js';
import { listCommands, listInfoCommands } from './list-command.js';
import type { Command } from './registry.js';
import { addressOfExpression, currentScope } from './eval-hooks.js';
import { describeSymbolLocation, scopeInfoCommands } from './scope-command.js';
import { searchInfoCommands } from './search-commands.js';


function languageName(lang: number | undefined): string {
  switch (lang) {
    case DW_LANG.C89: case DW_LANG.C: case DW_LANG.C99: case DW_LANG.C11: case DW_LANG.C17: return 'c';
    case DW_LANG.C_plus_plus: case DW_LANG.C_plus_plus_03: case DW_LANG.C_plus_plus_11: case DW_LANG.C_plus_plus_14: return 'c++';
    case DW_LANG.Mips_Assembler: return 'asm';
    case DW_LANG.Rust: return 'rust';
    case DW_LANG.Go: return 'go';
    case DW_LANG.D: return 'd';
    case DW_LANG.Ada83: case DW_LANG.Ada95: return 'ada';
    case DW_LANG.Fortran77: case DW_LANG.Fortran90: case DW_LANG.Fortran95: case DW_LANG.Fortran03: case DW_LANG.Fortran08: return 'fortran';
    case DW_LANG.Pascal83: return 'pascal';
    case DW_LANG.Modula2: return 'modula-2';
    case DW_LANG.ObjC: return 'objective-c';
    case DW_LANG.OpenCL: return 'opencl';
    default: return 'minimal';
  }
}

/** The current source file: the last listing's, else the stop's. */
function currentSource(ctx: CommandContext): string | undefined {
  return ctx.list.file ?? ctx.session?.lastStop?.location.fullPath;
}

function infoSource(_args: string, ctx: CommandContext): void {
  const program = needProgram(ctx);
  const file = currentSource(ctx);
  if (!file) {
    ctx.out.print('No current source file.\n');
    return;
  }
  const src = program.sourceFiles().find((f) => f.path === file);
  const unit = src?.units[0];
  const b = unit?.bases;
  const lines: string[] = [`Current source file is ${displayNameOf(program, file)}`];
  if (b?.compDir) lines.push(`Compilation directory is ${b.compDir}`);
  const onDisk = ctx.sources.locate(file);
  lines.push(`Located in ${onDisk ? absolute(onDisk) : file}`);
  const text = ctx.sources.lines(file);
  if (text) lines.push(`Contains ${text.length} line${text.length === 1 ? '' : 's'}.`);
  lines.push(`Source language is ${languageName(b?.language)}.`);
  if (b?.producer) lines.push(`Producer is ${b.producer}.`);
  if (unit) lines.push(`Compiled with DWARF ${unit.version} debugging format.`);
  lines.push('Does not include preprocessor macro info.');
  ctx.out.print(lines.join('\n') + '\n');
}

function absolute(p: string): string {
  return p.startsWith('/') ? p : `${process.cwd()}/${p}`;
}

function hexAddr(a: bigint): string {
  return `0x${a.toString(16)}`;
}

function infoAddress(args: string, ctx: CommandContext): void {
  const program = needProgram(ctx);
  const name = args.trim();
  if (!name) throw new UserError('Argument required.');
  // Locals of the stop's blocks first (with a session), then functions, then globals.
  const pc = ctx.session?.lastStop?.location.address;
  if (pc !== undefined) {
    for (const b of program.blocksAt(pc)) {
      const v = b.variables.find((x) => x.name === name);
      if (v) {
        const f = program.functionAt(pc);
        ctx.out.print(`Symbol "${name}" is ${describeSymbolLocation(program, v, f, b.entryPc, false)}.\n`);
        return;
      }
    }
  }
  const fn = program.functionInstances(name).find((i) => !i.inlined);
  if (fn) {
    ctx.out.print(`Symbol "${name}" is a function at address ${hexAddr(fn.entryPc)}.\n`);
    return;
  }
  const globals = program.lookupGlobal(name);
  const v = globals.find((x) => x.kind === 'global') ?? globals[0];
  if (v) {
    if (v.location.kind === 'optimizedOut') ctx.out.print(`Symbol "${name}" is optimized out.\n`);
    else if (v.location.kind === 'const') ctx.out.print(`Symbol "${name}" is constant.\n`);
    else {
      const addr = staticAddress(v);
      if (addr !== undefined) ctx.out.print(`Symbol "${name}" is static storage at address ${hexAddr(addr)}.\n`);
      else ctx.out.print(`Symbol "${name}" is ${describeSymbolLocation(program, v, undefined, 0n, false)}.\n`);
    }
    return;
  }
  const sym = program.symbols.named(name)[0] ?? nonDebugFunction(program, name);
  if (sym) {
    ctx.out.print(`Symbol "${name}" is at ${hexAddr(sym.value)} in a file compiled without debugging.\n`);
    return;
  }
  throw new UserError(`No symbol "${name}" in current context.`);
}

function sectionOf(program: Program, addr: bigint): string | undefined {
  return program.elf.loadedSectionAt(addr)?.name;
}

async function infoSymbol(args: string, ctx: CommandContext): Promise<void> {
  const main = needProgram(ctx);
  const a = args.trim();
  if (!a) throw new UserError('Argument required (address).');
  // With a process, the expression is evaluated in it (a pointer's run-time value) and any loaded image may hold the address.
  const s = ctx.session;
  const addr = await addressOfExpression(s ? await currentScope(ctx) : new StaticScope(main), a);
  const program = s ? s.programAt(addr) : main;
  const section = sectionOf(program, addr);
  const plt = program.symbols.plt().find((s) => addr >= s.value && addr < s.value + BigInt(Math.max(s.size, 1)));
  const hit = plt ? { symbol: plt, offset: addr - plt.value } : program.symbols.lookup(addr);
  if (!section || !hit || sectionOf(program, hit.symbol.value) !== section) {
    ctx.out.print(`No symbol matches ${a}.\n`);
    return;
  }
  const off = hit.offset === 0n ? '' : ` + ${hit.offset}`;
  // gdb names the file too once there are several (the program and its shared libraries).
  const libs = s?.images.set.libraries ?? [];
  const of = libs.length ? ` of ${libs.find((l) => l.program === program)?.name ?? absolute(main.elf.path)}` : '';
  ctx.out.print(`${msymPrintName(hit.symbol.name)}${off} in section ${section}${of}\n`);
}

/** (ptype and whatis live in data-commands, which evaluates in the selected frame or the static image.) */
export const staticCommands: Command[] = [...listCommands];

export const staticInfoCommands: Command[] = [
  ...listInfoCommands,
  { name: 'source', help: 'Describe the current source file.', run: infoSource },
  { name: 'address', help: 'Describe where a symbol is stored: info address SYMBOL.', run: infoAddress },
  { name: 'symbol', help: 'The symbol at an address: info symbol ADDR.', run: infoSymbol },
  ...scopeInfoCommands,
  ...searchInfoCommands,
];

