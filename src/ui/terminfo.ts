// Makes the machine's terminfo readable by blessed: converts ncurses' 32-bit-number entries to the legacy layout.
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const LEGACY_MAGIC = 0o432;
const MAGIC_32BIT = 0o1036;

/** Where ncurses looks for compiled entries, in its order. */
export function terminfoDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.TERMINFO) dirs.push(env.TERMINFO);
  dirs.push(join(env.HOME || homedir(), '.terminfo'));
  for (const d of (env.TERMINFO_DIRS || '').split(':')) if (d) dirs.push(d);
  dirs.push('/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo', '/usr/local/share/terminfo');
  return dirs;
}

/** Finds the compiled entry for `term` (letter or hex sub-directory). */
export function findTerminfo(term: string, dirs = terminfoDirs()): string | undefined {
  if (!term || term.includes('/')) return undefined;
  const hex = term.charCodeAt(0).toString(16).padStart(2, '0');
  for (const d of dirs) {
    for (const sub of [term[0]!, hex]) {
      const f = join(d, sub, term);
      if (existsSync(f)) return f;
    }
  }
  return undefined;
}

/**
 * Converts a compiled terminfo entry in ncurses' 32-bit number format (magic 01036) to the
 * legacy 16-bit layout (magic 0432). Numbers above 32767 are clamped (as ncurses itself does
 * for legacy readers); absent (-1) and cancelled (-2) keep their meaning. Legacy input is
 * returned unchanged. Throws on a truncated or malformed entry.
 */
export function toLegacyTerminfo(data: Uint8Array): Uint8Array {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const need = (end: number): void => {
    if (end > buf.length) throw new Error(`terminfo entry truncated (needs ${end} bytes, has ${buf.length})`);
  };
  need(12);
  const magic = buf.readUInt16LE(0);
  if (magic === LEGACY_MAGIC) return data;
  if (magic !== MAGIC_32BIT) throw new Error(`not a terminfo entry (magic 0${magic.toString(8)})`);
  const out: number[] = [];
  const copy = (from: number, to: number): void => {
    need(to);
    for (let i = from; i < to; i++) out.push(buf[i]!);
  };
  const short = (v: number): void => {
    out.push(v & 0xff, (v >> 8) & 0xff);
  };
  const nums = (at: number, count: number): number => {
    need(at + count * 4);
    for (let i = 0; i < count; i++) {
      const v = buf.readInt32LE(at + i * 4);
      short(v < 0 ? (v === -2 ? 0xfffe : 0xffff) : Math.min(v, 0x7fff));
    }
    return at + count * 4;
  };
  const namesSize = buf.readUInt16LE(2);
  const boolCount = buf.readUInt16LE(4);
  const numCount = buf.readUInt16LE(6);
  const strCount = buf.readUInt16LE(8);
  const strSize = buf.readUInt16LE(10);
  short(LEGACY_MAGIC);
  copy(2, 12);
  let p = 12;
  copy(p, p + namesSize + boolCount);
  p += namesSize + boolCount;
  if (p % 2) {
    copy(p, p + 1);
    p++;
  }
  p = nums(p, numCount);
  copy(p, p + strCount * 2 + strSize);
  p += strCount * 2 + strSize;
  if (p >= buf.length) return Uint8Array.from(out);
  // Extended (user-defined) capabilities follow, aligned to an even offset.
  if (p % 2) {
    copy(p, p + 1);
    p++;
  }
  if (p + 10 > buf.length) return Uint8Array.from(out);
  const xBools = buf.readUInt16LE(p);
  const xNums = buf.readUInt16LE(p + 2);
  const xStrs = buf.readUInt16LE(p + 4);
  const xOffsets = buf.readUInt16LE(p + 6);
  const xTable = buf.readUInt16LE(p + 8);
  copy(p, p + 10);
  p += 10;
  copy(p, p + xBools);
  p += xBools;
  if (p % 2) {
    copy(p, p + 1);
    p++;
  }
  p = nums(p, xNums);
  void xStrs;
  copy(p, p + xOffsets * 2 + xTable);
  return Uint8Array.from(out);
}

export interface TerminalSetup {
  /** The TERM name blessed should use (its feature checks look at the name). */
  terminal: string;
  /** A directory holding a converted entry, to put first in blessed's search path. */
  dir?: string;
  /** Why a fallback was used, for the log (never an error on stderr). */
  note?: string;
}

function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  const dir = join(base, 'duster-tui', 'terminfo');
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return mkdtempSync(join(tmpdir(), 'duster-tui-terminfo-'));
  }
}

/** blessed's own xterm-256color description, the fallback for entries we cannot convert. */
function bundledXterm(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('blessed')), '..', 'usr', 'xterm-256color');
}

/**
 * Prepares a terminfo entry for `term` that blessed 0.1.81 can parse: legacy entries are used
 * as they are; 32-bit entries are converted into a cache directory; an unknown or broken entry
 * falls back to blessed's bundled xterm-256color (or plain xterm for 8-colour names).
 */
export function prepareTerminal(term: string | undefined, env: NodeJS.ProcessEnv = process.env): TerminalSetup {
  const name = (term || 'xterm').toLowerCase();
  const file = findTerminfo(name, terminfoDirs(env));
  const fallback = (why: string): TerminalSetup => {
    const dir = cacheDir(env);
    const target = join(dir, name[0]!, name);
    try {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(bundledXterm(), target);
      return { terminal: name, dir, note: `${why}; using blessed's xterm-256color description for ${name}` };
    } catch {
      return { terminal: 'xterm-256color', note: `${why}; using TERM=xterm-256color` };
    }
  };
  if (!file) return fallback(`no terminfo entry for "${name}"`);
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch {
    return fallback(`cannot read ${file}`);
  }
  if (data.length >= 2 && (data[0]! | (data[1]! << 8)) === LEGACY_MAGIC) return { terminal: name };
  try {
    const legacy = toLegacyTerminfo(data);
    const dir = cacheDir(env);
    const target = join(dir, name[0]!, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, legacy);
    return { terminal: name, dir };
  } catch (e) {
    return fallback(`cannot convert ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
