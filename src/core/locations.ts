// Linespecs as gdb reads them: FILE:LINE, LINE, FUNCTION, FILE:FUNCTION, *ADDRESS -> code locations.
import { posix } from 'node:path';
import { UserError } from '../util/errors.js';
import type { CodeLocation } from './api.js';
import type { SessionQueries } from './session-queries.js';

/** The file a bare LINE refers to: the current stop's file, else main's (gdb's default source file). */
export function defaultSourceFile(session: SessionQueries): string | undefined {
  const cur = session.lastStop?.location.fullPath;
  if (cur) return cur;
  const main = session.program.functionBreakpoints('main')[0];
  return main ? session.program.lineForPc(main.address)?.file.path : undefined;
}

export function parseAddress(text: string): bigint {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t) || /^\d+$/.test(t)) return BigInt(t);
  throw new UserError(`Invalid address "${t}": use a number such as *0x401136.`);
}

export async function resolveLocationSpec(session: SessionQueries, spec: string, addressOf?: (expr: string) => Promise<bigint>): Promise<CodeLocation[]> {
  const s = spec.trim();
  const prog = session.program;
  if (!s) {
    const pc = session.lastStop?.location.address;
    if (pc === undefined) throw new UserError('No default breakpoint location now selected.');
    return [session.describe(pc)];
  }
  if (s.startsWith('*')) {
    const expr = s.slice(1);
    const addr = addressOf ? await addressOf(expr) : parseAddress(expr);
    return [session.describe(addr)];
  }
  const m = /^(.+):(\d+)$/.exec(s);
  if (m || /^\d+$/.test(s)) {
    const file = m ? m[1]! : defaultSourceFile(session);
    const line = Number(m ? m[2] : s);
    if (!file) throw new UserError('No symbol table is loaded.  Use the "file" command.');
    if (!prog.findSourceFiles(file).length) throw new UserError(`No source file named ${file}.`);
    const locs = prog.lineBreakpoints(file, line);
    if (!locs.length) throw new UserError(`No line ${line} in file "${m ? file : posix.basename(file)}".`);
    return locs.map((l) => ({ address: l.address, file: l.file, line: l.line, ...(l.function ? { function: l.function } : {}), ...withPath(session, l.address) }));
  }
  const fm = /^(.+):([A-Za-z_]\w*)$/.exec(s);
  const fname = fm ? fm[2]! : s;
  if (!/^[A-Za-z_]\w*$/.test(fname)) throw new UserError(`Function "${s}" not defined.`);
  let locs = prog.functionBreakpoints(fname);
  if (fm) locs = locs.filter((l) => posix.basename(l.file) === posix.basename(fm[1]!));
  if (locs.length) return locs.map((l) => ({ address: l.address, file: l.file, line: l.line, function: fname, ...withPath(session, l.address) }));
  // A function without debug info: its ELF symbol.
  const sym = prog.symbols.functions().find((f) => f.name === fname);
  if (sym) return [session.describe(sym.value)];
  throw new UserError(`Function "${fname}" not defined.`);
}

function withPath(session: SessionQueries, address: bigint): { fullPath?: string } {
  const p = session.program.lineForPc(address)?.file.path;
  return p ? { fullPath: p } : {};
}
