// info scope LOCATION: the symbols of the blocks at a location, innermost first, with gdb's location descriptions.

import type { Block, BlockSymbol, FunctionInfo, Variable } from '../symbols/functions.js';
import { symbolsInGdbOrder, type Program } from '../symbols/program.js';
import { checkTypedef } from '../symbols/type-format.js';
import { DwarfTypes } from '../symbols/types-dwarf.js';
import { sizeOf } from '../symbols/types.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { describeSymbolLocation } from './describe-location.js';
import { defaultFile, needProgram, nonDebugFunction, parseAddressExpr } from './linespec-static.js';
import type { Command } from './registry.js';

export { describeSymbolLocation };

/** The address gdb's info scope starts from: linespecs decoded with the prologue skipped (funfirstline). */
function scopePc(ctx: CommandContext, program: Program, spec: string): bigint {
  if (spec.startsWith('*')) return parseAddressExpr(program, spec.slice(1));
  const m = /^(.+):(\d+)$/.exec(spec);
  if (m || /^\d+$/.test(spec)) {
    const file = m ? m[1]!.trim() : defaultFile(ctx, program);
    if (!file) throw new UserError('No symbol table is loaded.  Use the "file" command.');
    const line = Number(m ? m[2] : spec);
    const locs = program.lineBreakpoints(file, line);
    if (!locs.length) throw new UserError(`No line ${line} in file "${m ? file : file.split('/').pop()}".`);
    return locs[0]!.address;
  }
  const fm = /^(.+):([A-Za-z_]\w*)$/.exec(spec);
  const name = fm ? fm[2]! : spec;
  const locs = /^[A-Za-z_]\w*$/.test(name) ? program.functionBreakpoints(name) : [];
  if (locs.length) return locs[0]!.address;
  const sym = nonDebugFunction(program, name);
  if (sym) return sym.value;
  throw new UserError(`Function "${name}" not defined.`);
}

function lengthOf(types: DwarfTypes, v: Variable): number {
  try {
    return sizeOf(checkTypedef(types.typeAt(v.typeOffset))) ?? 0;
  } catch {
    return 0;
  }
}

/** What info scope says after "Symbol NAME is " for one of a block's symbols (gdb's info_scope_command, by class). */
function scopeLine(program: Program, types: DwarfTypes, sym: BlockSymbol, f: FunctionInfo | undefined, entryPc: bigint): string {
  switch (sym.kind) {
    case 'typedef': return 'a typedef.';
    case 'label': return sym.address === undefined ? 'optimized out.' : `a label at address 0x${sym.address.toString(16)}, length 8.`;
    case 'unresolved': {
      const msym = program.symbols.named(sym.name)[0];
      const where = msym ? `static storage at address 0x${msym.value.toString(16)}` : 'Unresolved Static';
      return sym.variable ? `${where}, length ${lengthOf(types, sym.variable)}.` : where;
    }
    case 'variable': {
      const v = sym.variable!;
      if (v.location.kind === 'optimizedOut') return 'optimized out.';
      return `${describeSymbolLocation(program, v, f, entryPc, true)}, length ${lengthOf(types, v)}.`;
    }
  }
}

function infoScope(args: string, ctx: CommandContext): void {
  const program = needProgram(ctx);
  const spec = args.trim();
  if (!spec) throw new UserError('requires an argument (an expression or variable): foo');
  const pc = scopePc(ctx, program, spec);
  const chain: Block[] = program.blocksAt(pc);
  const f = program.functionAt(pc);
  const types = new DwarfTypes(program.dwarf);
  let out = '';
  let count = 0;
  for (const b of chain) {
    if (b.kind === 'inlined' && b.name) {
      if (count++ === 0) out += `Scope for ${spec}:\n`;
      out += `Symbol ${b.name} is a function at address 0x${b.entryPc.toString(16)}, length 1.\n`;
    }
    for (const sym of symbolsInGdbOrder(b)) {
      if (count++ === 0) out += `Scope for ${spec}:\n`;
      out += `Symbol ${sym.name} is ${scopeLine(program, types, sym, f, b.entryPc)}\n`;
    }
    if (b.kind !== 'lexical') break;
  }
  if (!count) out = `Scope for ${spec} contains no locals or arguments.\n`;
  ctx.out.print(out);
}

export const scopeInfoCommands: Command[] = [
  { name: 'scope', help: 'The local variables of a location and where each lives: info scope LOCATION.', run: infoScope },
];

