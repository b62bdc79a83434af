// Runs one (possibly corrupted) program file the way the CLI does: bytes -> ElfFile -> Program, commands through the
// command table, optionally with a Session over a fake stopped target; classifies what escaped as clean or a bug.
// Shared by the fuzz test (test/fuzz) and the fuzz driver (bench/fuzz).
import { buildCommandTable } from '../../src/commands/index.js';
import type { CommandContext } from '../../src/commands/context.js';
import { SourceFiles } from '../../src/commands/source-files.js';
import { Session } from '../../src/core/session.js';
import { SessionEvaluation } from '../../src/commands/eval-hooks.js';
import { openElfBytes } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import type { Target } from '../../src/target/contract.js';
import { UserError } from '../../src/util/errors.js';

/** What reached the user that should not have: an exception other than a clean one, or internal-looking text. */
export interface CaseFailure {
  /** The command running (or 'open' / 'session' for the program / session set-up). */
  command: string;
  kind: 'exception' | 'output';
  name: string;
  message: string;
  /** Top frames of the stack (paths shortened to dist/...). */
  frames: string[];
}

/** A case's outcome: the commands ran (answers or UserErrors), or something else was thrown. */
export type CaseResult = { ok: true } | { ok: false; error: string; failure: CaseFailure };

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Text that only JavaScript itself writes: a JS error's message leaking into what the user sees. */
export const INTERNAL_TEXT = /internal error|Cannot read propert|Cannot set propert|Maximum call stack|is not a function|is not iterable|is not defined|is not a constructor|Invalid typed array length|Invalid array length|Invalid string length|RangeError|TypeError|ReferenceError|SyntaxError|Offset is outside the bounds|out of bounds|Cannot convert .* to a BigInt|Cannot mix BigInt|BigInt|\bNaN\b|\bundefined\b|\[object Object\]|Array buffer allocation failed|Unexpected end of|Invalid time value/;

function topFrames(e: Error): string[] {
  return (e.stack ?? '').split('\n').slice(1).filter((l) => /^\s+at /.test(l)).slice(0, 5)
    .map((l) => l.trim().replace(/\(?(?:file:\/\/)?\/\S*?\/(?:dist\/)?((?:src|test|bench)\/)/, '$1').replace(/\)$/, ''));
}

/** Clean: a UserError (FormatError included) or a target MemoryError, as the interpreter prints them; and no JS text in it. */
export function classify(e: unknown, command: string, scanText = false): CaseFailure | undefined {
  if (e instanceof Error && (e instanceof UserError || e.name === 'MemoryError')) {
    if (!scanText || !INTERNAL_TEXT.test(e.message)) return undefined;
    return { command, kind: 'exception', name: e.name, message: e.message, frames: topFrames(e) };
  }
  if (e instanceof Error) return { command, kind: 'exception', name: e.name, message: e.message, frames: topFrames(e) };
  return { command, kind: 'exception', name: typeof e, message: String(e), frames: [] };
}

function failed(f: CaseFailure): CaseResult {
  return { ok: false, failure: f, error: `${f.command}: ${f.name}: ${f.message}\n${f.frames.join('\n')}` };
}

export interface RunOptions {
  /** Also fail on internal-looking text in printed answers and error lines (the driver; the test checks exceptions only). */
  scanOutput?: boolean;
  sources?: SourceFiles;
  /** A stopped target to attach a Session to, for `frameCommands`. */
  target?: () => Target;
  frameCommands?: string[];
}

/** The CLI's path: bytes -> ElfFile -> Program, then each command through the command table. */
export async function runCase(bytes: Uint8Array, path: string, commands: string[], opts: RunOptions = {}): Promise<CaseResult> {
  let printed = 0;
  let current = 'open';
  let leaked: CaseFailure | undefined;
  const see = (t: string, stream: string): void => {
    printed += t.length;
    if (printed > MAX_OUTPUT) throw new Error(`more than ${MAX_OUTPUT} characters of output`);
    if (opts.scanOutput && !leaked) {
      const m = INTERNAL_TEXT.exec(t);
      if (m) {
        const line = t.split('\n').find((l) => INTERNAL_TEXT.test(l)) ?? t;
        leaked = { command: current, kind: 'output', name: stream, message: line.slice(0, 300), frames: [] };
      }
    }
  };
  let program: Program;
  try {
    program = new Program(openElfBytes(bytes, path));
  } catch (e) {
    const f = classify(e, 'open', opts.scanOutput);
    return f ? failed(f) : { ok: true };
  }
  const ctx: CommandContext = {
    program, session: undefined, sources: opts.sources ?? new SourceFiles([]), list: {},
    out: { print: (t) => see(t, 'stdout'), error: (t) => see(t, 'stderr') },
  };
  const table = buildCommandTable();
  const run = async (c: string): Promise<CaseFailure | undefined> => {
    current = c;
    try {
      const { command, args } = table.resolve(c);
      await command.run!(args, ctx);
    } catch (e) {
      const f = classify(e, c, opts.scanOutput);
      if (f) return f;
    }
    return leaked;
  };
  for (const c of commands) {
    const f = await run(c);
    if (f) return failed(f);
  }
  if (opts.target && opts.frameCommands?.length) {
    current = 'session';
    try {
      const session = await Session.start({ program, target: opts.target() });
      session.setEvaluation(new SessionEvaluation(session));
      ctx.session = session;
    } catch (e) {
      const f = classify(e, 'session', opts.scanOutput);
      return f ? failed(f) : { ok: true };
    }
    for (const c of opts.frameCommands) {
      const f = await run(c);
      if (f) return failed(f);
    }
  }
  return leaked ? failed(leaked) : { ok: true };
}
