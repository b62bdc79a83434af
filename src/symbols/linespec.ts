// gdb's linespec syntax read once for every user: LINE, FILE:LINE, FUNCTION, FILE:FUNCTION, *ADDRESS as a tagged union.
import type { Program } from './program.js';

/** What a location spec says; resolving it (against a session or the program alone) is the caller's. */
export type Linespec =
  | { kind: 'empty' }
  /** `*EXPR`: the expression text after the star. */
  | { kind: 'address'; expression: string }
  /** `LINE` (file omitted: the default source file) or `FILE:LINE`. */
  | { kind: 'line'; file?: string; line: number }
  /** `FUNCTION` or `FILE:FUNCTION`. */
  | { kind: 'function'; file?: string; name: string }
  /** Anything else: not a function name gdb would look up. */
  | { kind: 'invalid'; text: string };

const FILE_LINE = /^(.+):(\d+)$/;
const LINE = /^\d+$/;
const FILE_FUNCTION = /^(.+):([A-Za-z_]\w*)$/;
const FUNCTION = /^[A-Za-z_$][\w$]*$/;
const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;

export function parseLinespec(spec: string): Linespec {
  const s = spec.trim();
  if (!s) return { kind: 'empty' };
  if (s.startsWith('*')) return { kind: 'address', expression: s.slice(1) };
  const fl = FILE_LINE.exec(s);
  if (fl) return { kind: 'line', file: fl[1]!.trim(), line: Number(fl[2]) };
  if (LINE.test(s)) return { kind: 'line', line: Number(s) };
  const ff = FILE_FUNCTION.exec(s);
  if (ff) return { kind: 'function', file: ff[1]!.trim(), name: ff[2]! };
  return FUNCTION.test(s) ? { kind: 'function', name: s } : { kind: 'invalid', text: s };
}

/** A plain address: hexadecimal with 0x, or decimal; undefined for anything else. */
export function parseNumber(text: string): bigint | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? BigInt(t) : undefined;
}

/** main's line after its prologue: gdb's default source position before the program stops anywhere. */
export function mainLine(program: Program): { file: string; line: number } | undefined {
  const main = program.functionBreakpoints('main')[0];
  if (!main) return undefined;
  const sal = program.lineForPc(main.address);
  return sal ? { file: sal.file.path, line: sal.line } : undefined;
}

/** The file a bare LINE refers to before any stop: main's, else the last unit's (a unikernel without main; gdb's select_source_symtab). */
export function programDefaultFile(program: Program): string | undefined {
  return mainLine(program)?.file ?? program.lastUnitFile();
}
