// disassemble /s and /m: instructions interleaved with source lines, in gdb 13's two orders (disasm.c).
import type { Instruction } from '../arch/arch.js';
import type { MemorySource } from './examine.js';
import type { SubFile } from '../symbols/lines.js';
import type { SourceFiles } from './source-files.js';

type Line = (i: Instruction) => string;

/** gdb's print_source_lines for one line: "N\ttext", or "N\tin FILE" when the source cannot be read. */
function sourceText(sources: SourceFiles, file: SubFile, n: number): string {
  const text = sources.line(file.path, n);
  return text === undefined ? `${n}\tin ${file.displayName}\n` : `${n}\t${text}\n`;
}

/** Disassembles [start, end) of the target (a /m range may run past the function into its padding). */
export type Disassembler = (start: bigint, end: bigint) => Promise<Instruction[]>;

async function dump(insns: Instruction[], start: bigint, end: bigint, line: Line, more: Disassembler): Promise<string> {
  const last = insns.at(-1);
  const high = last ? last.address + BigInt(last.size) : start;
  const inside = insns.filter((i) => i.address >= start && i.address < end);
  const past = start >= high ? await more(start, end) : end > high ? await more(high, end) : [];
  return [...inside, ...past].map((i) => line(i) + '\n').join('');
}

/**
 * /s (do_mixed_source_and_assembly): address order; a new source line starts a group (blank line
 * between groups, "FILE:" when the file changes), preceded by the lines since the previous group that
 * have no code elsewhere in the range.
 */
function mixedSource(insns: Instruction[], session: MemorySource, sources: SourceFiles, line: Line): string {
  if (!insns.length) return '';
  const low = insns[0]!.address;
  const high = insns.at(-1)!.address + BigInt(insns.at(-1)!.size);
  const main = session.program.lineForPc(low)?.file;
  const firstLe = main?.entries.find((e) => e.pc >= low);
  const first = firstLe && firstLe.pc < high ? firstLe : undefined;
  // First pass: which (file, line) pairs have code in the range.
  const hasCode = new Set<string>();
  for (const i of insns) {
    const sal = session.program.lineForPc(i.address);
    if (sal) hasCode.add(`${sal.file.path}\0${sal.line}`);
  }
  let out = '';
  let lastFile: SubFile | undefined;
  let lastLine = 0;
  let k = 0;
  while (k < insns.length) {
    const pc = insns[k]!.address;
    const sal = session.program.lineForPc(pc);
    let from = 0;
    let to = 0;
    let newLine = false;
    if (sal?.file !== lastFile) {
      newLine = true;
      if (lastLine === 0 && first && sal && first.line < sal.line) {
        from = first.line;
        to = sal.line;
      }
    } else if (sal) {
      if (sal.line > lastLine + 1 && lastLine !== 0) {
        let l = sal.line - 1;
        for (; l > lastLine; --l) if (hasCode.has(`${sal.file.path}\0${l}`)) break;
        if (l < sal.line - 1) {
          from = l + 1;
          to = sal.line;
        }
      }
      if (sal.line !== lastLine) newLine = true;
    }
    if (newLine) {
      if (pc > low) out += '\n';
      if (sal?.file !== lastFile) out += `${sal ? sal.file.displayName : 'unknown'}:\n`;
      if (sal && from > 0 && to > 0) for (let l = from; l < to; l++) out += sourceText(sources, sal.file, l);
      out += sal ? sourceText(sources, sal.file, sal.line) : '--- no source info for this pc ---\n';
    }
    const end = sal && sal.end !== 0n ? (sal.end < high ? sal.end : high) : pc + 1n;
    // dump_insns prints at least the instruction at pc, even when the line's range ends inside it.
    let n = 0;
    while (k < insns.length && (n === 0 || insns[k]!.address < end)) {
      out += line(insns[k]!) + '\n';
      k++;
      n++;
    }
    lastFile = sal?.file;
    lastLine = sal?.line ?? 0;
  }
  return out;
}

/**
 * /m (do_mixed_source_and_assembly_deprecated): the function's line-table entries sorted by line; each
 * line once with all its code, lines without code in between printed alone, a blank line after each group.
 */
async function mixedDeprecated(insns: Instruction[], session: MemorySource, sources: SourceFiles, line: Line, more: Disassembler): Promise<string> {
  if (!insns.length) return '';
  const low = insns[0]!.address;
  const high = insns.at(-1)!.address + BigInt(insns.at(-1)!.size);
  const symtab = session.program.lineForPc(low)?.file;
  if (!symtab || !symtab.entries.length) return insns.map((i) => line(i) + '\n').join('');
  const le = symtab.entries;
  const mle: { line: number; start: bigint; end: bigint }[] = [];
  let i = 0;
  let outOfOrder = false;
  for (; i < le.length - 1 && le[i]!.pc < low; i++);
  for (; i < le.length - 1 && le[i]!.pc < high; i++) {
    const a = le[i]!;
    const b = le[i + 1]!;
    if (a.line === b.line && a.pc === b.pc) continue;
    if (a.line === 0) continue;
    if (a.line > b.line) outOfOrder = true;
    mle.push({ line: a.line, start: a.pc, end: b.pc });
  }
  if (i === le.length - 1 && le[i]!.pc < high) {
    const sal = session.program.lineForPc(le[i]!.pc);
    mle.push({ line: le[i]!.line, start: le[i]!.pc, end: sal?.end ?? le[i]!.pc });
  }
  if (outOfOrder) mle.sort((x, y) => x.line - y.line || (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  let out = '';
  let next = 0;
  for (const [k, m] of mle.entries()) {
    if (m.line >= next) {
      if (next !== 0) for (; next <= m.line; next++) out += sourceText(sources, symtab, next);
      else out += sourceText(sources, symtab, m.line);
      next = m.line + 1;
    }
    out += await dump(insns, m.start, m.end, line, more);
    if (k === mle.length - 1 || mle[k + 1]!.line > m.line) out += '\n';
  }
  return out;
}

/** The body of a /s or /m dump (between the title and "End of assembler dump."). */
export async function disassembleWithSource(insns: Instruction[], mode: 'm' | 's', session: MemorySource, sources: SourceFiles, line: Line, more: Disassembler): Promise<string> {
  return mode === 's' ? mixedSource(insns, session, sources, line) : mixedDeprecated(insns, session, sources, line, more);
}
