// Characters and strings as gdb prints them in a UTF-8 locale: escapes, <repeats N times>, incomplete sequences.

/** One step of gdb's wchar_iterator over the target bytes (glibc iconv UTF-8 -> wchar_t semantics). */
type Piece =
  | { kind: 'ok'; cp: number; bytes: Uint8Array }
  | { kind: 'invalid'; bytes: Uint8Array }
  | { kind: 'incomplete'; bytes: Uint8Array };

const REPEAT_THRESHOLD = 10;
export const PRINT_MAX = 200;

type Decode = { kind: 'ok'; cp: number; len: number } | { kind: 'invalid' } | { kind: 'incomplete' };

function decodeAt(b: Uint8Array, p: number, end: number): Decode {
  const c = b[p]!;
  if (c < 0x80) return { kind: 'ok', cp: c, len: 1 };
  let cnt: number;
  if (c >= 0xc0 && c < 0xe0) cnt = 2;
  else if (c >= 0xe0 && c < 0xf0) cnt = 3;
  else if (c >= 0xf0 && c < 0xf8) cnt = 4;
  else if (c >= 0xf8 && c < 0xfc) cnt = 5;
  else if (c >= 0xfc && c < 0xfe) cnt = 6;
  else return { kind: 'invalid' };
  if (p + cnt > end) {
    for (let i = p + 1; i < end; i++) if ((b[i]! & 0xc0) !== 0x80) return { kind: 'invalid' };
    return { kind: 'incomplete' };
  }
  let cp = c & (0x7f >> cnt);
  for (let i = 1; i < cnt; i++) {
    const x = b[p + i]!;
    if ((x & 0xc0) !== 0x80) return { kind: 'invalid' };
    cp = cp * 64 + (x & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000][cnt]!;
  if (cnt > 4 || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { kind: 'invalid' };
  return { kind: 'ok', cp, len: cnt };
}

/** Split bytes into pieces the way gdb's iterator reports them, including its quirk of dropping the
 *  character just before a trailing incomplete sequence. */
function pieces(b: Uint8Array): Piece[] {
  const out: Piece[] = [];
  let p = 0;
  const end = b.length;
  while (p < end) {
    const d = decodeAt(b, p, end);
    if (d.kind === 'invalid') {
      out.push({ kind: 'invalid', bytes: b.subarray(p, p + 1) });
      p++;
    } else if (d.kind === 'incomplete') {
      out.push({ kind: 'incomplete', bytes: b.subarray(p, end) });
      break;
    } else {
      const next = p + d.len;
      if (next < end && decodeAt(b, next, end).kind === 'incomplete') {
        out.push({ kind: 'incomplete', bytes: b.subarray(next, end) });
        break;
      }
      out.push({ kind: 'ok', cp: d.cp, bytes: b.subarray(p, next) });
      p = next;
    }
  }
  return out;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u;

function printable(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return !NON_PRINTABLE.test(String.fromCodePoint(cp));
}

const SIMPLE_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

function octal(bytes: Uint8Array): string {
  let s = '';
  for (const x of bytes) s += '\\' + x.toString(8).padStart(3, '0');
  return s;
}

/** gdb's print_wchar: one character inside quotes `quoter`. */
function printPiece(p: Piece, quoter: string): string {
  if (p.kind !== 'ok') return octal(p.bytes);
  const esc = SIMPLE_ESCAPES[p.cp];
  if (esc) return esc;
  if (!printable(p.cp)) return octal(p.bytes);
  const ch = String.fromCodePoint(p.cp);
  return ch === quoter || ch === '\\' ? '\\' + ch : ch;
}

/** A character constant: 'A', '\000', '\303' (generic_emit_char for a one-byte char). */
export function charLiteral(byte: number): string {
  const b = new Uint8Array([byte & 0xff]);
  const ps = pieces(b);
  const p = ps[0]!;
  return `'${printPiece(p, "'")}'`;
}

function samePiece(a: Piece, b: Piece): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'ok' && b.kind === 'ok') return a.cp === b.cp;
  if (a.bytes.length !== b.bytes.length) return false;
  return a.bytes.every((x, i) => x === b.bytes[i]);
}

export interface StringOptions {
  /** Print "..." after the string even if it ended (a fetch limit was reached). */
  forceEllipses?: boolean;
  /** Drop one trailing NUL (C strings and char arrays). Default true. */
  cStyleTerminator?: boolean;
  /** gdb's `print elements` (200). */
  limit?: number;
  /** gdb's `print repeats` (10). */
  threshold?: number;
}

/** gdb's generic_printstr for one-byte characters: "abc", '\000' <repeats 12 times>, "..."... */
export function stringLiteral(bytes: Uint8Array, opts: StringOptions = {}): string {
  const limit = opts.limit ?? PRINT_MAX;
  const threshold = opts.threshold ?? REPEAT_THRESHOLD;
  let len = bytes.length;
  if ((opts.cStyleTerminator ?? true) && !opts.forceEllipses && len > 0 && bytes[len - 1] === 0) len--;
  if (len === 0) return '""';
  const all = pieces(bytes.subarray(0, len));
  // Group into runs, consuming groups while fewer than `limit` characters were taken.
  const groups: { piece: Piece; count: number }[] = [];
  let i = 0;
  let idx = 0;
  while (i < limit && idx < all.length) {
    const piece = all[idx]!;
    let count = 1;
    while (idx + count < all.length && samePiece(piece, all[idx + count]!)) count++;
    groups.push({ piece, count });
    idx += count;
    i += count;
  }
  const finished = idx >= all.length;
  let out = '';
  let last: 'start' | 'single' | 'repeat' = 'start';
  for (const g of groups) {
    if (g.piece.kind === 'incomplete') {
      if (last === 'single') out += '"';
      if (last !== 'start') out += ', ';
      out += `<incomplete sequence ${octal(g.piece.bytes)}>`;
      last = 'start';
      return out + (opts.forceEllipses || !finished ? '...' : '');
    }
    if (g.count > threshold) {
      if (last === 'single') out += '"';
      if (last !== 'start') out += ', ';
      out += `'${printPiece(g.piece, '"')}' <repeats ${g.count} times>`;
      last = 'repeat';
    } else {
      if (last !== 'single') {
        if (last !== 'start') out += ', ';
        out += '"';
      }
      out += printPiece(g.piece, '"').repeat(g.count);
      last = 'single';
    }
  }
  if (last === 'single') out += '"';
  if (opts.forceEllipses || !finished) out += '...';
  return out;
}
