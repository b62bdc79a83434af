// Precedence-climbing parser for gdb's C expressions (casts, sizeof, {type} addr, @, assignments) into an AST.
import { UserError } from '../util/errors.js';
import { builtin, type Type } from '../symbols/types.js';
import type { Expr } from './ast.js';
import { tokenize, syntaxError, type Token } from './lexer.js';
import { TypeParser, type TypeLookup } from './parse-type.js';

export type { TypeLookup } from './parse-type.js';

export type { Expr } from './ast.js';

/** Binary operator precedence (higher binds tighter); '@' sits between shifts and additive, as in gdb. */
const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '@': 9, '+': 10, '-': 10, '*': 11, '/': 11, '%': 11,
};
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);

/** Parse a whole expression (or a bare type name, for ptype/whatis/sizeof). */
export function parseExpression(input: string, types: TypeLookup): Expr {
  const p = new Parser(input, tokenize(input), types);
  const e = p.parseTop();
  return e;
}

class Parser {
  private i = 0;
  private readonly types: TypeParser;

  constructor(private readonly input: string, private readonly toks: Token[], lookup: TypeLookup) {
    this.types = new TypeParser(lookup, {
      peek: (k = 0) => this.peek(k),
      next: () => this.next(),
      fail: () => this.fail(),
      constantExpr: () => this.parseAssign(),
    });
  }

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  isPunct(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.op === op;
  }
  expect(op: string): void {
    if (!this.isPunct(op)) this.fail();
    this.next();
  }
  fail(): never {
    throw syntaxError(this.input, this.peek().pos);
  }

  parseTop(): Expr {
    if (this.peek().kind === 'eof') this.fail();
    let e: Expr;
    if (this.types.startsType()) {
      const t = this.types.parseTypeName();
      e = { kind: 'type', type: t };
    } else e = this.parseComma();
    // gdb's lexer ends the expression at an unbalanced ')'.
    if (this.isPunct(')')) throw new UserError('Junk after end of expression.');
    if (this.peek().kind !== 'eof') this.fail();
    return e;
  }

  parseComma(): Expr {
    let e = this.parseAssign();
    while (this.isPunct(',')) {
      this.next();
      e = { kind: 'comma', left: e, right: this.parseAssign() };
    }
    return e;
  }

  parseAssign(): Expr {
    const left = this.parseTernary();
    const t = this.peek();
    if (t.kind === 'punct' && ASSIGN.has(t.op)) {
      this.next();
      return { kind: 'assign', op: t.op, left, right: this.parseAssign() };
    }
    return left;
  }

  parseTernary(): Expr {
    const cond = this.parseBinary(1);
    if (!this.isPunct('?')) return cond;
    this.next();
    const then = this.parseComma();
    this.expect(':');
    const els = this.parseTernary();
    return { kind: 'ternary', cond, then, else: els };
  }

  parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') return left;
      const prec = BINARY[t.op];
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.parseBinary(prec + 1);
      left = { kind: 'binary', op: t.op, left, right };
    }
  }

  parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct') {
      switch (t.op) {
        case '-': case '+': case '!': case '~': case '*': case '&':
          this.next();
          return { kind: 'unary', op: t.op, operand: this.parseUnary() };
        case '++': case '--':
          this.next();
          return { kind: 'unary', op: t.op === '++' ? 'pre++' : 'pre--', operand: this.parseUnary() };
        case '(':
          if (this.types.startsType(1)) {
            this.next();
            const type = this.types.parseTypeName();
            this.expect(')');
            return { kind: 'cast', type, operand: this.parseUnary() };
          }
          break;
        case '{':
          if (this.types.startsType(1)) {
            this.next();
            const type = this.types.parseTypeName();
            this.expect('}');
            return { kind: 'brace', type, operand: this.parseUnary() };
          }
          break;
      }
    }
    if (t.kind === 'ident' && (t.name === 'sizeof' || t.name === '_Alignof' || t.name === 'alignof')) {
      this.next();
      const kind = t.name === 'sizeof' ? 'sizeof' : 'alignof';
      if (this.isPunct('(') && this.types.startsType(1)) {
        this.next();
        const type = this.types.parseTypeName();
        this.expect(')');
        return { kind, type };
      }
      return { kind, operand: this.parseUnary() };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') return e;
      if (t.op === '[') {
        this.next();
        const index = this.parseComma();
        this.expect(']');
        e = { kind: 'index', object: e, index };
      } else if (t.op === '(') {
        this.next();
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          args.push(this.parseAssign());
          while (this.isPunct(',')) {
            this.next();
            args.push(this.parseAssign());
          }
        }
        this.expect(')');
        e = { kind: 'call', fn: e, args };
      } else if (t.op === '.' || t.op === '->') {
        this.next();
        const n = this.next();
        if (n.kind !== 'ident') this.fail();
        e = { kind: 'member', object: e, name: n.name, arrow: t.op === '->' };
      } else if (t.op === '++' || t.op === '--') {
        this.next();
        e = { kind: 'unary', op: t.op === '++' ? 'post++' : 'post--', operand: e };
      } else return e;
    }
  }

  parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'int': return { kind: 'int', value: t.value, type: t.type };
      case 'float': return { kind: 'float', value: t.value, text: t.text, type: t.type };
      case 'char': return { kind: 'char', value: t.value };
      case 'string': {
        const parts = [t.bytes];
        while (this.peek().kind === 'string') parts.push((this.next() as { bytes: Uint8Array }).bytes);
        const total = parts.reduce((n, b) => n + b.length, 0);
        const bytes = new Uint8Array(total);
        let o = 0;
        for (const b of parts) {
          bytes.set(b, o);
          o += b.length;
        }
        return { kind: 'string', bytes };
      }
      case 'ident':
        if (this.types.isTypeWord(t.name)) {
          this.i--;
          this.fail();
        }
        // gdb's lexer reads `@entry` (spaces allowed after the @) as one token after a name.
        if (this.isPunct('@') && this.peek(1).kind === 'ident' && (this.peek(1) as { name: string }).name === 'entry') {
          this.i += 2;
          return { kind: 'entry', name: t.name };
        }
        return { kind: 'ident', name: t.name };
      case 'dollar': return { kind: 'dollar', name: t.name };
      case 'punct':
        if (t.op === '(') {
          const e = this.parseComma();
          this.expect(')');
          return e;
        }
        this.i--;
        return this.fail();
      case 'eof':
        return this.fail();
    }
  }
}

export function typeOfCharLiteral(): Type {
  return builtin.char;
}

export { UserError };
