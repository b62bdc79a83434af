// Answers the UI's questions about the program (ProgramPort) from src/symbols' Program, computing and caching lazily.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { Program } from '../symbols/program.js';
import type { ProgramPort, SourceFileRef } from './ports.js';

/** The most lines probed for file:line completion. */
const MAX_PROBED_LINES = 5000;

export class ProgramAdapter implements ProgramPort {
  private files: SourceFileRef[] | undefined;
  private names: string[] | undefined;
  private readonly lines = new Map<string, number[]>();

  constructor(private readonly program: Program) {}

  /** Files of the program's line tables: those on disk first, then by name; names are basenames when unique. */
  sourceFiles(): SourceFileRef[] {
    if (this.files) return this.files;
    const all = this.program.sourceFiles().map((f) => f.path);
    const base = new Map<string, number>();
    for (const p of all) base.set(posix.basename(p), (base.get(posix.basename(p)) ?? 0) + 1);
    const refs = all.map((p) => {
      const b = posix.basename(p);
      const ref: SourceFileRef = { name: base.get(b) === 1 ? b : p };
      if (existsSync(p)) ref.fullPath = p;
      return ref;
    });
    refs.sort((a, b) => Number(!a.fullPath) - Number(!b.fullPath) || a.name.localeCompare(b.name));
    return (this.files = refs);
  }

  linesWithCode(file: string): number[] {
    const had = this.lines.get(file);
    if (had) return had;
    const out: number[] = [];
    try {
      for (let n = 1; n <= MAX_PROBED_LINES; n++) {
        const r = this.program.infoLine(file, n);
        if (r.some((x) => x.kind === 'outOfRange')) break;
        if (r.some((x) => x.kind === 'range' && x.line === n)) out.push(n);
      }
    } catch {
      // unknown file: no lines
    }
    this.lines.set(file, out);
    return out;
  }

  symbolNames(): string[] {
    if (this.names) return this.names;
    const ix = this.program.dwarf.index;
    const set = new Set<string>();
    for (const [name, entries] of ix.functions) if (entries.some((e) => e.defined)) set.add(name);
    for (const name of ix.variables.keys()) set.add(name);
    return (this.names = [...set].sort());
  }

  mainLocation(): { name: string; path: string; line: number } | undefined {
    try {
      const at = this.program.functionBreakpoints('main')[0];
      const sal = at && this.program.lineForPc(at.address);
      return sal ? { name: posix.basename(sal.file.path), path: sal.file.path, line: sal.line } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The DWARF function's start, else the ELF function symbol's (start-up code has no debug info). */
  functionStart(pc: bigint): bigint | undefined {
    const low = this.program.functionAt(pc)?.low;
    if (low !== undefined) return low;
    const sym = this.program.symbols.lookup(pc)?.symbol;
    return sym && sym.type === 2 && sym.size > 0 ? sym.value : undefined;
  }
}
