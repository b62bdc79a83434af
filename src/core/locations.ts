// Linespecs resolved against a session, for breakpoints and execution commands: the spec's text -> code locations.
import { posix } from 'node:path';
import { parseLinespec, parseNumber, programDefaultFile } from '../symbols/linespec.js';
import { UserError } from '../util/errors.js';
import type { CodeLocation } from './api.js';
import type { SessionQueries } from './session-queries.js';

/** The file a bare LINE refers to: the current stop's file, else main's, else the last unit's (gdb's default source file). */
export function defaultSourceFile(session: SessionQueries): string | undefined {
  return session.lastStop?.location.fullPath ?? programDefaultFile(session.program);
}

export function parseAddress(text: string): bigint {
  const n = parseNumber(text);
  if (n === undefined) throw new UserError(`Invalid address "${text.trim()}": use a number such as *0x401136.`);
  return n;
}

/**
 * `quick`: a breakpoint placed again because a library was loaded (gdb's breakpoint_re_set) looks for a function
 * in a library's debug info only when the library's ELF symbols define it or its name index exists already, so
 * that `break main` does not index libc's DWARF at every start. (A function present in a new library only inlined,
 * without symbol, is then missed until the index exists; pending breakpoints and user commands never take this path.)
 */
export async function resolveLocationSpec(session: SessionQueries, spec: string, addressOf?: (expr: string) => Promise<bigint>, quick = false): Promise<CodeLocation[]> {
  const ls = parseLinespec(spec);
  const prog = session.program;
  switch (ls.kind) {
    case 'empty': {
      const pc = session.lastStop?.location.address;
      if (pc === undefined) throw new UserError('No default breakpoint location now selected.');
      return [session.describe(pc)];
    }
    case 'address': {
      const addr = addressOf ? await addressOf(ls.expression) : (functionEntry(session, ls.expression) ?? parseAddress(ls.expression));
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
      const locs = functionLocations(session, ls.name, ls.file, quick);
      if (locs.length) return locs;
      throw new UserError(`Function "${ls.name}" not defined.`);
    }
  }
}

/**
 * `break NAME` over every image, as gdb's linespec does: each image's debug-info functions and inlined
 * instances called NAME, else its ELF function symbol NAME; the program's NAME@plt stub only when no image
 * defines NAME out of line. Sorted by address, as gdb orders a breakpoint's locations.
 */
function functionLocations(session: SessionQueries, name: string, inFile: string | undefined, quick: boolean): CodeLocation[] {
  const out: CodeLocation[] = [];
  let outOfLine = false;
  for (const prog of session.images.set.programs()) {
    if (quick && prog !== session.program && !prog.nameIndexReady && !prog.symbols.functionNamed(name)) continue;
    const insts = prog.functionInstances(name);
    let found = prog.functionBreakpoints(name).map((l, i) => ({ l, inlined: insts[i]?.inlined ?? false }));
    if (inFile !== undefined) found = found.filter((x) => posix.basename(x.l.file) === posix.basename(inFile));
    if (!found.some((x) => !x.inlined) && inFile === undefined) {
      const sym = prog.symbolBreakpoint(name);
      if (sym) found.push({ l: sym, inlined: false });
    }
    // The program's own functions keep the name as typed ("in demo at kernel.c:73"); a library's say what they are.
    const label = (l: { function?: string }): string => (prog === session.program ? name : l.function ?? name);
    for (const { l, inlined } of found) {
      outOfLine ||= !inlined;
      out.push({ address: l.address, ...(l.file ? { file: l.file, line: l.line } : {}), function: label(l), ...withPath(session, l.address), ...(l.block !== undefined ? { symbolBlock: l.block } : {}) });
    }
  }
  if (!outOfLine && inFile === undefined) {
    const plt = session.program.symbols.plt().find((s) => s.name === `${name}@plt`);
    if (plt) out.push(session.describe(plt.value));
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * `*NAME` for a function NAME: its entry (no prologue skipped), at the address where the process has it (a
 * PIE or library is rebased), from the first image whose ELF symbols define it.
 */
function functionEntry(session: SessionQueries, text: string): bigint | undefined {
  const name = text.trim();
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  for (const prog of session.images.set.programs()) {
    const sym = prog.symbols.functionNamed(name);
    if (sym) return sym.value;
  }
  return undefined;
}

function withPath(session: SessionQueries, address: bigint): { fullPath?: string } {
  const p = session.programAt(address).lineForPc(address)?.file.path;
  return p ? { fullPath: p } : {};
}
