// Tokens of gdb's C expression language: numbers with C99 typing, char/string literals with escapes, $vars, operators.
import { UserError } from '../util/errors.js';
import { builtin, type Type, type FloatType } from '../symbols/types.js';

export type Token =
  | { kind: 'int'; value: bigint; type: Type; pos: number }
  | { kind: 'float'; value: number; type: FloatType; text: string; pos: number }
  | { kind: 'char'; value: number; pos: number }
  | { kind: 'string'; bytes: Uint8Array; pos: number }
  | { kind: 'ident'; name: string; pos: number }
  | { kind: 'dollar'; name: string; pos: number }
  | { kind: 'punct'; op: string; pos: number }
  | { kind: 'eof'; pos: number };

/** gdb's message for a parse failure at `pos` of `input`. */
export function syntaxError(input: string, pos: number): UserError {
  return new UserError(`A syntax error in expression, near \`${input.slice(pos)}'.`);
}

const PUNCTS = [
  '...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '::',
  '(', ')', '[', ']', '{', '}', '.', ',', '?', ':', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '<', '>', '=', '@',
];

const MAX_U64 = (1n << 64n) - 1n;

/** C99 type of an integer constant as gdb 13 assigns it. */
function intType(value: bigint, decimal: boolean, u: boolean, longs: number): Type {
  const fitsInt = value < 1n << 31n;
  const fitsUInt = value < 1n << 32n;
  const fitsLong = value < 1n << 63n;
  if (longs === 0 && !u) {
    if (fitsInt) return builtin.int;
    if (!decimal && fitsUInt) return builtin.unsignedInt;
    if (fitsLong) return builtin.long;
    return builtin.unsignedLong;
  }
  if (longs === 0 && u) return fitsUInt ? builtin.unsignedInt : builtin.unsignedLong;
  if (longs === 1) {
    if (u) return builtin.unsignedLong;
    return fitsLong ? builtin.long : builtin.unsignedLong;
  }
  if (u) return builtin.unsignedLongLong;
  return fitsLong ? builtin.longLong : builtin.unsignedLongLong;
}

function lexNumber(s: string, pos: number): { tok: Token; end: number } {
  const m = /^(0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d*)?)([a-zA-Z_]\w*)?/.exec(s.slice(pos));
  if (!m) throw syntaxError(s, pos);
  const body = m[1]!;
  const suffix = (m[2] ?? '').toLowerCase();
  const end = pos + m[0].length;
  const isHex = /^0[xX]/.test(body);
  const isFloat = isHex ? /[.pP]/.test(body) : /[.eE]/.test(body);
  if (isFloat) {
    const value = isHex ? parseHexFloat(body) : Number(body);
    if (suffix === '') return { tok: { kind: 'float', value, type: builtin.double, text: body, pos }, end };
    if (suffix === 'f') return { tok: { kind: 'float', value, type: builtin.float, text: body, pos }, end };
    if (suffix === 'l') return { tok: { kind: 'float', value, type: builtin.longDouble, text: body, pos }, end };
    throw new UserError('Invalid number "' + m[0] + '".');
  }
  let value: bigint;
  let decimal = false;
  if (isHex) {
    if (body.length === 2) throw new UserError(`Invalid number "${m[0]}".`);
    value = BigInt(body);
  } else if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (body.length > 1 && body[0] === '0') {
    if (/[89]/.test(body)) throw new UserError(`Invalid number "${m[0]}".`);
    value = BigInt('0o' + body.slice(1));
  } else {
    value = BigInt(body);
    decimal = true;
  }
  const sm = /^(u?)(l{0,2})(u?)$/.exec(suffix);
  if (!sm || (sm[1] && sm[3])) throw new UserError(`Invalid number "${m[0]}".`);
  if (value > MAX_U64) throw new UserError('Numeric constant too large.');
  const type = intType(value, decimal, !!(sm[1] || sm[3]), sm[2]!.length);
  return { tok: { kind: 'int', value, type, pos }, end };
}

function parseHexFloat(body: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(body);
  if (!m) return NaN;
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const mant = Number.parseInt(digits || '0', 16);
  return mant * 2 ** (Number(m[3] ?? 0) - 4 * (m[2] ?? '').length);
}

/** Reads one (possibly escaped) character of a char/string literal at s[p]; returns its byte(s) and the next index. */
function lexCharBody(s: string, p: number): { bytes: number[]; next: number } {
  const c = s[p]!;
  if (c !== '\\') {
    const cp = s.codePointAt(p)!;
    const str = String.fromCodePoint(cp);
    return { bytes: [...new TextEncoder().encode(str)], next: p + str.length };
  }
  const e = s[p + 1];
  if (e === undefined) throw new UserError('Unmatched single quote.');
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
  if (simple[e] !== undefined) return { bytes: [simple[e]!], next: p + 2 };
  if (/[0-7]/.test(e)) {
    let q = p + 1;
    let v = 0;
    while (q < p + 4 && /[0-7]/.test(s[q] ?? '')) v = v * 8 + Number(s[q++]);
    return { bytes: [v & 0xff], next: q };
  }
  if (e === 'x') {
    let q = p + 2;
    let v = 0;
    if (!/[0-9a-fA-F]/.test(s[q] ?? '')) throw new UserError('\\x escape without a following hex digit');
    while (/[0-9a-fA-F]/.test(s[q] ?? '')) v = v * 16 + Number.parseInt(s[q++]!, 16);
    return { bytes: [v & 0xff], next: q };
  }
  return { bytes: [e.charCodeAt(0) & 0xff], next: p + 2 };
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let p = 0;
  while (p < s.length) {
    const c = s[p]!;
    if (/\s/.test(c)) {
      p++;
      continue;
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(s[p + 1] ?? ''))) {
      const { tok, end } = lexNumber(s, p);
      out.push(tok);
      p = end;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(s.slice(p))!;
      out.push({ kind: 'ident', name: m[0], pos: p });
      p += m[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_]\w*|\$?\d*)/.exec(s.slice(p))!;
      out.push({ kind: 'dollar', name: m[1]!, pos: p });
      p += m[0].length;
      continue;
    }
    if (c === "'") {
      const start = p;
      if (s[p + 1] === "'") throw new UserError('A character constant must contain at least one character.');
      if (p + 1 >= s.length) throw new UserError('Unmatched single quote.');
      const { bytes, next } = lexCharBody(s, p + 1);
      if (s[next] !== "'") {
        if (s.indexOf("'", next) < 0) throw new UserError('Unmatched single quote.');
        throw new UserError('Invalid character constant.');
      }
      const v = bytes.length === 1 ? bytes[0]! : -1;
      if (v < 0) throw new UserError('Invalid character constant.');
      out.push({ kind: 'char', value: v, pos: start });
      p = next + 1;
      continue;
    }
    if (c === '"') {
      const start = p;
      const bytes: number[] = [];
      p++;
      for (;;) {
        if (p >= s.length) throw new UserError('Unterminated string in expression.');
        if (s[p] === '"') break;
        const r = lexCharBody(s, p);
        bytes.push(...r.bytes);
        p = r.next;
      }
      p++;
      out.push({ kind: 'string', bytes: Uint8Array.from(bytes), pos: start });
      continue;
    }
    const op = PUNCTS.find((x) => s.startsWith(x, p));
    if (!op) throw new UserError(`Invalid character '${c}' in expression.`);
    out.push({ kind: 'punct', op, pos: p });
    p += op.length;
  }
  out.push({ kind: 'eof', pos: s.length });
  return out;
}
