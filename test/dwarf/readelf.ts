// Test helper: runs readelf --debug-dump and parses its text into plain records (the oracle for the DWARF tests).
import { execFileSync } from 'node:child_process';

export interface ReadelfDie {
  depth: number;
  offset: number;
  tag: string;
  /** Attribute name, form name (without DW_FORM_) and the value text after the form. */
  attrs: { name: string; form: string; text: string }[];
}

function readelf(exe: string, what: string): string {
  return execFileSync('readelf', ['-W', `--debug-dump=${what}`, exe], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Every DIE of .debug_info in file order, with its attributes' names and readelf's text for their values. */
export function readelfDies(exe: string): ReadelfDie[] {
  const out: ReadelfDie[] = [];
  for (const line of readelf(exe, 'info').split('\n')) {
    const d = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((\w+)\))?/.exec(line);
    if (d) {
      if (d[3] !== '0') out.push({ depth: Number(d[1]), offset: parseInt(d[2]!, 16), tag: d[4] ?? '', attrs: [] });
      continue;
    }
    const a = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+|Unknown AT value: \w+)\s*:\s?(.*)$/.exec(line);
    if (a && out.length) {
      const f = /^\((\w+)\)\s*(.*)$/.exec(a[2]!.trim());
      out[out.length - 1]!.attrs.push({ name: a[1]!, form: f ? f[1]! : '', text: (f ? f[2]! : a[2]!).trim() });
    }
  }
  return out;
}

/** The string readelf shows for a string attribute (after "(offset: 0x..): " for strp and line_strp). */
export function readelfString(text: string): string {
  const m = /^\((?:offset|index)[^)]*\):\s?(.*)$/.exec(text);
  return m ? m[1]! : text;
}

export interface ReadelfLineRow {
  file: string;
  line: number;
  address: bigint;
  view: string;
  stmt: boolean;
}

/** Decoded line table (readelf --debug-dump=decodedline): one row per entry, end-of-sequence rows skipped. */
export function readelfDecodedLines(exe: string): ReadelfLineRow[] {
  const rows: ReadelfLineRow[] = [];
  for (const line of readelf(exe, 'decodedline').split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+(\d+))?\s*(x?)\s*$/.exec(line);
    if (!m || m[2] === '-') continue;
    rows.push({ file: m[1]!, line: Number(m[2]), address: BigInt(m[3]!), view: m[4] ?? '', stmt: m[5] === 'x' });
  }
  return rows;
}

/** .debug_aranges as [start, length, CU offset] tuples. */
export function readelfAranges(exe: string): { start: bigint; length: bigint; unitOffset: number }[] {
  const out: { start: bigint; length: bigint; unitOffset: number }[] = [];
  let unit = -1;
  for (const line of readelf(exe, 'aranges').split('\n')) {
    const u = /Offset into \.debug_info:\s+(0x[0-9a-f]+|\d+)/.exec(line);
    if (u) unit = Number(u[1]!);
    const t = /^\s+([0-9a-f]{8,})\s+([0-9a-f]{8,})\s*$/.exec(line);
    if (t && unit >= 0) {
      const start = BigInt(`0x${t[1]!}`);
      const length = BigInt(`0x${t[2]!}`);
      if (start !== 0n || length !== 0n) out.push({ start, length, unitOffset: unit });
    }
  }
  return out;
}
