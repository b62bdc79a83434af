// gdb's disassemble: a function or START,END / START,+LENGTH range, with /r (raw bytes) as gdb 13 prints them.
import { x86_64, type Instruction } from '../arch/arch.js';
import type { EvalScope } from '../eval/scope.js';
import { evaluateExpression } from '../eval/commands.js';
import { UserError } from '../util/errors.js';
import { valueAsAddress, type MemorySource } from './examine.js';
import { disassembleWithSource } from './disassemble-source.js';
import type { SourceFiles } from './source-files.js';

export interface DisassembleRequest {
  raw: boolean;
  /** /m: source-centric (deprecated) order; /s: address order with source ranges. */
  source?: 'm' | 's';
  start: bigint;
  end: bigint;
  /** The function when dumping a whole function (labels <+N>); undefined for a range (labels <sym+N>). */
  functionName?: string;
}

/** gdb 13 pads the raw bytes column to this width (x86's libopcodes line), longer encodings overflow it. */
const RAW_WIDTH = 19;

/** Parses "[/MODS] [ADDR | START,END | START,+LEN]" into what to dump. */
export async function parseDisassemble(arg: string, session: MemorySource, scope: EvalScope): Promise<DisassembleRequest> {
  let rest = arg.trim();
  let raw = false;
  let source: 'm' | 's' | undefined;
  while (rest.startsWith('/')) {
    const m = /^\/(\S*)\s*(.*)$/s.exec(rest)!;
    for (const c of m[1]!) {
      if (c === 'r' || c === 'b') raw = true;
      else if (c === 'm' || c === 's') {
        if (source && source !== c) throw new UserError('Cannot specify both /m and /s.');
        source = c;
      } else throw new UserError('Invalid disassembly modifier.');
    }
    rest = m[2]!.trim();
  }
  const base = { raw, ...(source ? { source } : {}) };
  const comma = rest.indexOf(',');
  if (comma >= 0) {
    const start = await addressOf(scope, rest.slice(0, comma));
    const second = rest.slice(comma + 1).trim();
    const end = second.startsWith('+') ? start + (await addressOf(scope, second.slice(1))) : await addressOf(scope, second);
    return { ...base, start, end };
  }
  const at = rest ? await addressOf(scope, rest) : session.pc;
  if (at === undefined) throw new UserError('No frame selected.');
  const program = session.programAt(at);
  const fn = program.functionAt(at);
  if (fn) return { ...base, start: fn.low, end: fn.high, functionName: fn.name };
  // No debug info there: gdb's find_pc_partial_function falls back on the ELF symbol, to its size or the next symbol.
  const sym = program.symbols.naming(at);
  if (!sym) throw new UserError('No function contains specified address.');
  return { ...base, start: sym.symbol.value, end: program.symbols.upperBound(sym.symbol), functionName: sym.symbol.name };
}

async function addressOf(scope: EvalScope, text: string): Promise<bigint> {
  if (!text.trim()) throw new UserError('Missing argument.');
  return valueAsAddress(scope, await evaluateExpression(scope, text));
}

/** The whole dump, "Dump of assembler code ..." to "End of assembler dump.". */
export async function disassembleText(req: DisassembleRequest, session: MemorySource, sources: SourceFiles, scope: EvalScope): Promise<string> {
  if (req.end - req.start > 1_000_000n) throw new UserError('Range too large to disassemble.');
  const title = req.functionName !== undefined
    ? `Dump of assembler code for function ${req.functionName}:`
    : `Dump of assembler code from 0x${req.start.toString(16)} to 0x${req.end.toString(16)}:`;
  const range = async (start: bigint, end: bigint): Promise<Instruction[]> =>
    end > start ? x86_64.disassemble(await readCode(session, start, end), start, { end }) : [];
  const insns = await range(req.start, req.end);
  const line = (i: Instruction): string => insnLine(i, req, scope, session.pc);
  const body = req.source ? await disassembleWithSource(insns, req.source, session, sources, line, range) : insns.map(line).join('\n') + (insns.length ? '\n' : '');
  return `${title}\n${body}End of assembler dump.\n`;
}

/** The range's bytes plus room for an instruction that starts inside it and ends past it (as gdb reads it whole). */
async function readCode(session: MemorySource, start: bigint, end: bigint): Promise<Uint8Array> {
  const n = Number(end - start);
  return session.readMemory(start, n + 15).catch(() => session.readMemory(start, n));
}

/** One instruction: "=> " at pc, the 16-digit address, <+off> (function) or <sym+off> (range), raw bytes, the text. */
function insnLine(i: Instruction, req: DisassembleRequest, scope: EvalScope, pc: bigint | undefined): string {
  const sym = scope.symbolize(i.address, true);
  let tag = '';
  if (sym) {
    const m = /^(.*?)(?:\+(\d+))?$/.exec(sym)!;
    tag = req.functionName !== undefined ? ` <+${m[2] ?? 0}>` : ` <${m[1]}+${m[2] ?? 0}>`;
  }
  let column = `0x${i.address.toString(16).padStart(16, '0')}${tag}:`;
  if (req.raw) column += `\t${Array.from(i.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(RAW_WIDTH)}`;
  return x86_64.disassemblyLine(i, column, i.address === pc, (x) => scope.symbolize(x, true));
}
