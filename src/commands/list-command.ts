// `list` in all its gdb 13 forms (N, FILE:N, FUNCTION, *ADDR, A,B, continuing, -) and `info line`.
import type { InfoLine, Program } from '../symbols/program.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import type { Command } from './registry.js';
import { addressOfExpression, currentScope, staticScopeOf } from './eval-hooks.js';
import { defaultFile, displayNameOf, getLastListed, mainSal, needProgram, resolveStatic, setLastListed, type StaticSal } from './linespec-static.js';

const LINES = 10;

/** Prints lines [first, first+count) of `file` (stopping at its end) and records the listing. */
function printLines(ctx: CommandContext, program: Program, file: string, first: number, count = LINES): void {
  const name = displayNameOf(program, file);
  const visit = ctx.sources.visit(file);
  const text = ctx.sources.lines(file);
  if (visit !== 'ok' || !text) {
    ctx.list.file = file;
    ctx.list.first = first;
    ctx.list.next = first;
    setLastListed(ctx, first);
    // gdb names the missing file once, then "LINE\tin FILE" while the listing stays in it.
    if (visit === 'again') return ctx.out.print(`${first}\tin ${name}\n`);
    throw new UserError(`${first}\t${name}: No such file or directory.`);
  }
  if (first > text.length) throw new UserError(`Line number ${first} out of range; ${name} has ${text.length} lines.`);
  const last = Math.min(first + count, text.length + 1);
  let out = '';
  for (let n = first; n < last; n++) out += `${n}\t${text[n - 1]}\n`;
  ctx.out.print(out);
  ctx.list.file = file;
  ctx.list.first = first;
  ctx.list.next = last;
  setLastListed(ctx, first); // gdb 13 leaves last_line_listed at the first line printed
}

/** The position `list` starts from when nothing was listed yet: the stop (centred), else around main. */
function defaultCentre(ctx: CommandContext, program: Program): { file: string; centre: number } {
  const stop = ctx.session?.lastStop?.location;
  if (stop?.fullPath && stop.line) return { file: stop.fullPath, centre: stop.line };
  const main = mainSal(program);
  if (main) return { file: main.file, centre: Math.max(main.line - (LINES - 1), 1) };
  // A program without main (a unikernel): gdb starts at line 1 of the last unit's file.
  const last = program.lastUnitFile();
  if (!last) throw new UserError('No symbol table is loaded.  Use the "file" command.');
  return { file: last, centre: 1 };
}

function centred(line: number): number {
  return Math.max(line - Math.floor(LINES / 2), 1);
}

/** The spec's position; undefined for a function without line information (gdb's filter_sals drops it: list prints nothing). */
function one(ctx: CommandContext, spec: string): StaticSal | undefined {
  const s = resolveStatic(ctx, spec)[0]!;
  return s.file ? s : undefined;
}

function listCommand(args: string, ctx: CommandContext): void {
  const program = needProgram(ctx);
  const a = args.trim();
  if (a === '' || a === '+' || a === '-') {
    if (!ctx.list.file || ctx.list.next === undefined) {
      const d = defaultCentre(ctx, program);
      printLines(ctx, program, d.file, centred(d.centre));
      return;
    }
    if (a === '-') {
      const first = ctx.list.first ?? 1;
      if (first <= 1) throw new UserError(`Already at the start of ${displayNameOf(program, ctx.list.file)}.`);
      const start = Math.max(first - LINES, 1);
      printLines(ctx, program, ctx.list.file, start, first - start);
      return;
    }
    printLines(ctx, program, ctx.list.file, ctx.list.next);
    return;
  }
  const comma = splitComma(a);
  if (comma) {
    const [from, to] = comma;
    if (from === '') {
      const end = one(ctx, to);
      if (!end) return;
      const start = Math.max(end.line - LINES + 1, 1);
      printLines(ctx, program, end.file, start, end.line - start + 1);
      return;
    }
    const begin = one(ctx, from);
    if (!begin) return;
    if (to === '') {
      printLines(ctx, program, begin.file, begin.line);
      return;
    }
    // The end is read in the context of the beginning's file.
    const saved = ctx.list.file;
    ctx.list.file = begin.file;
    let end: StaticSal | undefined;
    try {
      end = one(ctx, to);
    } finally {
      ctx.list.file = saved;
    }
    if (!end) return;
    if (end.line < begin.line) throw new UserError('Second line number out of range.');
    printLines(ctx, program, begin.file, begin.line, end.line - begin.line + 1);
    return;
  }
  const sals = resolveStatic(ctx, a);
  if (sals.length > 1) {
    const lines = sals.map((s) => `file: "${displayNameOf(program, s.file)}", line number: ${s.line}, symbol: "${s.function ?? '??'}"`);
    throw new UserError(`Specified first line '${a}' is ambiguous:\n${lines.join('\n')}`);
  }
  const s = one(ctx, a);
  if (!s) return;
  if (s.kind === 'address') {
    const fn = s.function ? `in ${s.function} ` : '';
    ctx.out.print(`0x${s.address!.toString(16)} is ${fn}(${displayNameOf(program, s.file)}:${s.line}).\n`);
  }
  printLines(ctx, program, s.file, centred(s.line));
}

/** "A,B" / "A," / ",B" split at the top-level comma, or undefined. */
function splitComma(a: string): [string, string] | undefined {
  const i = a.indexOf(',');
  if (i < 0) return undefined;
  return [a.slice(0, i).trim(), a.slice(i + 1).trim()];
}

async function infoLineCommand(args: string, ctx: CommandContext): Promise<void> {
  const a = args.trim();
  // Stopped in a shared library: the line of the stop, from that library's line table.
  const stop = ctx.session?.lastStop?.location;
  const lib = a === '' && stop ? ctx.session!.programAt(stop.address) : undefined;
  if (lib && lib !== ctx.program) {
    ctx.out.print(lib.formatInfoLine(lib.infoLineAt(stop!.address)) + '\n');
    return;
  }
  const program = needProgram(ctx);
  const out: string[] = [];
  let last: { file: string; line: number } | undefined;
  const note = (r: InfoLine, path?: string): void => {
    out.push(program.formatInfoLine(r));
    if (r.kind === 'noLineInfo') return;
    const p = path ?? (r.kind === 'range' ? program.lineForPc(r.start)?.file.path : undefined);
    if (p) last = { file: p, line: r.line };
  };
  if (a === '') {
    let file: string | undefined;
    let line: number | undefined;
    if (ctx.list.file && getLastListed(ctx) !== undefined) {
      file = ctx.list.file;
      line = getLastListed(ctx);
    } else {
      const stop = ctx.session?.lastStop?.location;
      if (stop?.fullPath && stop.line) {
        file = stop.fullPath;
        line = stop.line;
      }
    }
    if (!file || !line) throw new UserError('No line number information available.');
    const name = displayNameOf(program, file);
    const all = program.infoLine(file, line);
    const mine = all.filter((r) => r.kind === 'noLineInfo' || r.file === name);
    for (const r of (mine.length ? mine : all).slice(0, 1)) note(r, file);
  } else if (a.startsWith('*')) {
    // With a stopped process the address is any expression ($pc, a pointer's value) and may be in a library.
    const s = ctx.session;
    const addr = await addressOfExpression(s && s.state === 'stopped' ? await currentScope(ctx) : staticScopeOf(program), a.slice(1));
    const holder = s ? s.programAt(addr) : program;
    if (holder !== program) out.push(holder.formatInfoLine(holder.infoLineAt(addr)));
    else note(program.infoLineAt(addr));
  } else {
    const m = /^(.+):(\d+)$/.exec(a);
    if (m || /^\d+$/.test(a)) {
      const line = Number(m ? m[2] : a);
      const spec = m ? m[1]!.trim() : defaultFile(ctx, program);
      if (!spec) throw new UserError('No symbol table is loaded.  Use the "file" command.');
      const files = program.findSourceFiles(spec);
      for (const r of program.infoLine(spec, line)) note(r, files[0]?.path);
    } else {
      const fm = /^(.+):([A-Za-z_]\w*)$/.exec(a);
      const name = fm ? fm[2]! : a;
      let answers = /^[A-Za-z_$][\w$]*$/.test(name) ? program.infoLineFunction(name) : [];
      if (fm) {
        const paths = new Set(program.findSourceFiles(fm[1]!.trim()).map((f) => displayNameOf(program, f.path)));
        answers = answers.filter((r) => r.kind === 'noLineInfo' || paths.has(r.file));
      }
      if (answers.length) for (const r of answers) note(r);
      else {
        for (const s of resolveStatic(ctx, a)) {
          if (s.address === undefined) continue;
          const r = program.infoLineAt(s.address);
          // A function known only by its ELF symbol inside another's line row (an assembler entry in a C unit): gdb's
          // find_function_start_sal gives up on a row that starts before the function ("something is odd").
          note(s.file === '' && r.kind === 'range' && r.start < s.address ? { kind: 'noLineInfo', address: s.address } : r);
        }
      }
    }
  }
  ctx.out.print(out.map((l) => l + '\n').join(''));
  // "Repeating info line should do the following line" (gdb): the file becomes the current source.
  if (last) {
    if (ctx.list.file !== last.file) {
      ctx.list.file = last.file;
      ctx.list.next = undefined;
      ctx.list.first = undefined;
    }
    setLastListed(ctx, last.line + 1);
  }
}

export const listCommands: Command[] = [
  { name: 'list', aliases: ['l'], repeatable: true, help: 'List source lines: list [N | FILE:N | FUNCTION | *ADDR | A,B | - | +].', run: listCommand },
];

export const listInfoCommands: Command[] = [
  { name: 'line', help: 'Where the code of a source line is: info line [FILE:LINE | FUNCTION | *ADDR].', run: infoLineCommand },
];
