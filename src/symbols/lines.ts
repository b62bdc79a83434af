// gdb's model of a unit's line table: per-file entry lists built as gdb's DWARF reader records them, and the pc/line searches on them.
import { posix } from 'node:path';
import type { LineTable } from '../dwarf/line.js';

/** One entry of a file's table; line 0 marks the end of a range (end of sequence or a switch to another file). */
export interface LineEntry {
  pc: bigint;
  line: number;
  isStmt: boolean;
  prologueEnd: boolean;
}

/** The entries of one source file within one compile unit, sorted by pc (gdb's "symtab" line table). */
export interface SubFile {
  /** Full path (directory joined). */
  path: string;
  /** The name as the line table records it. */
  name: string;
  /** gdb's display name: the unit's own name for its primary file; others joined to their directory (not DWARF 4 directory 0). */
  displayName: string;
  entries: LineEntry[];
}

/** A pc -> line answer (gdb's symtab_and_line from find_pc_line). */
export interface PcLine {
  file: SubFile;
  line: number;
  /** Start of the entry's range. */
  pc: bigint;
  /** End of the range (exclusive): the next entry's pc. */
  end: bigint;
  isStmt: boolean;
}

/** Build gdb's per-file tables from a DWARF line table, mimicking gdb 13's dwarf2 line recording and buildsym sorting. */
export function buildSubFiles(table: LineTable, unit?: { name?: string; compDir?: string }, sectionAtZero = false, bias = 0n): SubFile[] {
  // gdb names the primary file's symtab with the unit's DW_AT_name ("fs/open.c" where the line table says "open.c").
  const primaryName = primaryDisplayName(table, unit);
  const byPath = new Map<string, SubFile>();
  // gdb creates a subfile per header entry up front; its list ends up primary file first, the others newest first.
  const order: SubFile[] = [];
  const subfileFor = (fileIndex: number): SubFile => {
    const f = table.files[fileIndex];
    const path = f?.path ?? `<file ${fileIndex}>`;
    let s = byPath.get(path);
    if (!s) {
      const displayName = !f ? path : gdbSubfileName(f.written, primaryName, unit);
      byPath.set(path, (s = { path, name: f?.name ?? path, displayName, entries: [] }));
      order.push(s);
    }
    return s;
  };
  for (let i = 0; i < table.files.length; i++) subfileFor(i);
  const record = (s: SubFile, line: number, filePc: bigint, isStmt: boolean, prologueEnd: boolean): void => {
    const pc = bias === 0n ? filePc : filePc + bias; // the line program's addresses are link-time ones
    const v = s.entries;
    if (line === 0) {
      let lastLine: number | undefined;
      while (v.length) {
        const last = v[v.length - 1]!;
        lastLine = last.line;
        if (last.pc !== pc) break;
        v.pop();
      }
      if (lastLine === undefined || lastLine === 0) return;
    }
    v.push({ pc, line, isStmt, prologueEnd });
  };

  let lastSubfile: SubFile | undefined;
  let lastLine = 0;
  let lastAddress = -1n;
  let stmtAtAddress = false;
  let nonZeroDiscr = false;
  let prevLine = 1;
  let recording = true;
  let seqStart = true;
  // Streamed: the rows are read once here, and only the entries gdb records are kept.
  table.forEachRow((r) => {
    if (seqStart) {
      // gdb ignores sequences at address 0 (code removed by the linker), unless code really is there (an object file).
      recording = r.address !== 0n || sectionAtZero;
      lastSubfile = undefined;
      lastLine = 0;
      stmtAtAddress = false;
      lastAddress = r.address;
      prevLine = 1;
      nonZeroDiscr = false;
      seqStart = false;
    }
    if (r.line !== prevLine) nonZeroDiscr = r.discriminator !== 0;
    else nonZeroDiscr ||= r.discriminator !== 0;
    prevLine = r.line;
    const current = subfileFor(r.file);
    if (recording && r.opIndex === 0) {
      const fileChanged = lastSubfile !== current;
      const ignore = (fileChanged && !r.endSequence && lastAddress === r.address && !r.isStmt && stmtAtAddress) || (!r.endSequence && r.line === 0);
      if ((fileChanged && !ignore) || r.endSequence) {
        if (lastSubfile) record(lastSubfile, 0, r.address, true, false);
      }
      if (!r.endSequence && !ignore) {
        if (fileChanged || r.line !== lastLine || !nonZeroDiscr) record(current, r.line, r.address, r.isStmt, r.prologueEnd);
        lastSubfile = current;
        lastLine = r.line;
      }
    }
    if (lastAddress !== r.address) {
      stmtAtAddress = false;
      lastAddress = r.address;
    }
    stmtAtAddress ||= r.isStmt;
    if (r.endSequence) seqStart = true;
  });
  const primary = order[0];
  const out = primary ? [primary, ...order.slice(1).reverse()] : [];
  for (const s of out) {
    // Stable sort by pc; at equal pc, end markers (line 0) first. Usually already in order (one sequence per
    // section, sequences by address): checked first, since sorting a big unit's table costs a copy of it.
    if (inPcOrder(s.entries)) continue;
    s.entries = s.entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (a.e.pc < b.e.pc ? -1 : a.e.pc > b.e.pc ? 1 : (a.e.line === 0) !== (b.e.line === 0) ? (a.e.line === 0 ? -1 : 1) : a.i - b.i))
      .map((x) => x.e);
  }
  return out.filter((s) => s.entries.length > 0);
}

/** Whether `v` is already in the order buildSubFiles sorts to (by pc; at equal pc, end markers first). */
function inPcOrder(v: LineEntry[]): boolean {
  for (let i = 1; i < v.length; i++) {
    const a = v[i - 1]!;
    const b = v[i]!;
    if (a.pc > b.pc || (a.pc === b.pc && a.line !== 0 && b.line === 0)) return false;
  }
  return true;
}

/** Index of the first entry with pc > `pc` (upper bound). */
function upperBound(v: LineEntry[], pc: bigint): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid]!.pc <= pc) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * gdb's find_pc_sect_line over the files of one unit: the entry covering `pc` (the last one at or before it,
 * preferring an is_stmt entry at the same address) and the end of its range. `blockEnd` bounds the last range;
 * it is asked for only then, since finding the enclosing function means reading the unit's DIEs.
 */
export function findPcLine(files: SubFile[], pc: bigint, blockEnd: () => bigint): PcLine | undefined {
  let best: LineEntry | undefined;
  let bestFile: SubFile | undefined;
  let bestEnd = 0n;
  let alt: LineEntry | undefined;
  for (const f of files) {
    const v = f.entries;
    if (!v.length) continue;
    const first = v[0]!;
    if (first.pc > pc && (!alt || first.pc < alt.pc)) alt = first;
    const itemIdx = upperBound(v, pc);
    const prevIdx = itemIdx > 0 ? itemIdx - 1 : -1;
    let prev = prevIdx >= 0 ? v[prevIdx] : undefined;
    // At equal pcs an end marker of one file loses to a real entry of another (gdb reaches the same answer
    // through the order of its file tables, which we do not reproduce).
    if (prev && (!best || prev.pc > best.pc || (prev.pc === best.pc && best.line === 0 && prev.line !== 0))) {
      let i = prevIdx;
      if (!prev.isStmt) {
        while (i > 0 && v[i - 1]!.pc === v[i]!.pc && v[i - 1]!.line !== 0 && !v[i]!.isStmt) i--;
        if (v[i]!.isStmt) prev = v[i]!;
      }
      best = prev;
      bestFile = f;
      if (bestEnd <= best.pc) bestEnd = 0n;
    }
    const item = v[itemIdx];
    if (best && item && item.pc > best.pc && (bestEnd === 0n || bestEnd > item.pc)) bestEnd = item.pc;
  }
  if (!best || !bestFile || best.line === 0) return undefined;
  let end: bigint;
  if (bestEnd && (!alt || bestEnd < alt.pc)) end = bestEnd;
  else if (alt) end = alt.pc;
  else end = blockEnd();
  return { file: bestFile, line: best.line, pc: best.pc, end, isStmt: best.isStmt };
}

/**
 * gdb's find_line_common: index of the first (lowest pc) is_stmt entry for `line` from `start` on (exact),
 * else of the first entry of the smallest line after it (not exact), else -1.
 */
export function findLineCommon(v: LineEntry[], line: number, start = 0): { index: number; exact: boolean } {
  let best = 0;
  let bestIndex = -1;
  for (let i = start; i < v.length; i++) {
    const e = v[i]!;
    if (!e.isStmt) continue;
    if (e.line === line) return { index: i, exact: true };
    if (e.line > line && (best === 0 || e.line < best)) {
      best = e.line;
      bestIndex = i;
    }
  }
  return { index: bestIndex, exact: false };
}

/**
 * gdb 13's name for the symtab of a line-table file spelled `written`: the unit's DW_AT_name when both
 * name the same file once made absolute with the compilation directory (compared as text, as gdb's
 * start_subfile does), else `written` itself ("../csu/libc-start.c" in a unit compiled in "./csu").
 */
function gdbSubfileName(written: string, primaryName: string, unit?: { name?: string; compDir?: string }): string {
  const full = (p: string): string => (posix.isAbsolute(p) || !unit?.compDir ? p : unit.compDir.endsWith('/') ? unit.compDir + p : `${unit.compDir}/${p}`);
  const cuName = unit?.name;
  if (cuName && full(written) === full(cuName)) return cuName;
  if (!cuName && written === primaryName) return primaryName;
  return written;
}

/** The display name of a line table's primary file: the unit's DW_AT_name when it names the same file. */
export function primaryDisplayName(table: LineTable, unit?: { name?: string; compDir?: string }): string {
  const primary = table.files[0];
  if (!primary) return unit?.name ?? '';
  const n = unit?.name;
  if (n && (n.startsWith('/') ? n : posix.join(unit.compDir ?? '', n)) === primary.path) return n;
  return primary.name;
}
