// Linespecs resolved against a session, for breakpoints and execution commands: the spec's text -> code locations.
import { posix } from 'node:path';
import { mainLine, parseLinespec, parseNumber } from '../symbols/linespec.js';
import { UserError } from '../util/errors.js';
import type { CodeLocation } from './api.js';
import type { SessionQueries } from './session-queries.js';

/** The file a bare LINE refers to: the current stop's file, else main's (gdb's default source file). */
export function defaultSourceFile(session: SessionQueries): string | undefined {
  return session.lastStop?.location.fullPath ?? mainLine(session.program)?.file;
}

export function parseAddress(text: string): bigint {
  const n = parseNumber(text);
  if (n === undefined) throw new UserError(`Invalid address "${text.trim()}": use a number such as *0x401136.`);
  return n;
}

export async function resolveLocationSpec(session: SessionQueries, spec: string, addressOf?: (expr: string) => Promise<bigint>): Promise<CodeLocation[]> {
  const ls = parseLinespec(spec);
  const prog = session.program;
  switch (ls.kind) {
    case 'empty': {
      const pc = session.lastStop?.location.address;
      if (pc === undefined) throw new UserError('No default breakpoint location now selected.');
      return [session.describe(pc)];
    }
    case 'address': {
      const addr = addressOf ? await addressOf(ls.expression) : parseAddress(ls.expression);
      return [session.describe(addr)];
    }
    case 'line': {
      const file = ls.file ?? defaultSourceFile(session);
      if (!file) throw new UserError('No symbol table is loaded.  Use the "file" command.');
      if (!prog.findSourceFiles(file).length) throw new UserError(`No source file named ${file}.`);
      const locs = prog.lineBreakpoints(file, ls.line);
      if (!locs.length) throw new UserError(`No line ${ls.line} in file "${ls.file ? file : posix.basename(file)}".`);
      return locs.map((l) => ({ address: l.address, file: l.file, line: l.line, ...(l.function ? { function: l.function } : {}), ...withPath(session, l.address) }));
    }
    case 'invalid':
      throw new UserError(`Function "${ls.text}" not defined.`);
    case 'function': {
      const fname = ls.name;
      const inFile = ls.file;
      let locs = prog.functionBreakpoints(fname);
      if (inFile !== undefined) locs = locs.filter((l) => posix.basename(l.file) === posix.basename(inFile));
      if (locs.length) return locs.map((l) => ({ address: l.address, file: l.file, line: l.line, function: fname, ...withPath(session, l.address) }));
      // A function without debug info: its ELF symbol.
      const sym = prog.symbols.functions().find((f) => f.name === fname);
      if (sym) return [session.describe(sym.value)];
      throw new UserError(`Function "${fname}" not defined.`);
    }
  }
}

function withPath(session: SessionQueries, address: bigint): { fullPath?: string } {
  const p = session.programAt(address).lineForPc(address)?.file.path;
  return p ? { fullPath: p } : {};
}
