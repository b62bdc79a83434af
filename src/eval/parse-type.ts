// Parsing C type names in expressions: specifiers, struct/union/enum tags, typedef names, abstract declarators.
import { UserError } from '../util/errors.js';
import { baseTypeFromWords, pointerTo, qualified, arrayOf, builtin, type Quals, type Type, type FunctionType } from '../symbols/types.js';
import type { Token } from './lexer.js';
import type { Expr } from './ast.js';

/** Type names the expression may use; supplied by the scope (the program's DWARF). */
export interface TypeLookup {
  /** A typedef (or a base type the program names, e.g. "uint8_t") by name. */
  lookupTypedef(name: string): Type | undefined;
  /** struct/union/enum by tag. */
  lookupTag(kind: 'struct' | 'union' | 'enum', name: string): Type | undefined;
}

/** What the type parser needs from the expression parser. */
export interface TokenSource {
  peek(k?: number): Token;
  next(): Token;
  fail(): never;
  constantExpr(): Expr;
}

const BASE_WORDS = new Set(['int', 'char', 'short', 'long', 'unsigned', 'signed', 'float', 'double', 'void', '_Bool', '__int128']);
const QUAL_WORDS: Record<string, keyof Quals> = {
  const: 'const', volatile: 'volatile', restrict: 'restrict', __restrict: 'restrict', __restrict__: 'restrict', _Atomic: 'atomic',
};
const TAG_WORDS = new Set(['struct', 'union', 'enum']);

export class TypeParser {
  constructor(private readonly lookup: TypeLookup, private readonly src: TokenSource) {}

  /** Keywords that can only start a type. */
  isTypeWord(name: string): boolean {
    return BASE_WORDS.has(name) || TAG_WORDS.has(name) || name in QUAL_WORDS;
  }

  /** Does the token at offset k start a type name? */
  startsType(k = 0): boolean {
    const t = this.src.peek(k);
    if (t.kind !== 'ident') return false;
    if (this.isTypeWord(t.name)) return true;
    return this.lookup.lookupTypedef(t.name) !== undefined;
  }

  /** specifier-qualifier-list abstract-declarator? */
  parseTypeName(): Type {
    const base = this.parseSpecifiers();
    const decl = this.parseAbstract();
    return decl(base);
  }

  private parseSpecifiers(): Type {
    const quals: Quals = {};
    const words: string[] = [];
    let named: Type | undefined;
    for (;;) {
      const t = this.src.peek();
      if (t.kind !== 'ident') break;
      if (t.name in QUAL_WORDS) {
        quals[QUAL_WORDS[t.name]!] = true;
        this.src.next();
      } else if (BASE_WORDS.has(t.name) && !named) {
        words.push(t.name);
        this.src.next();
      } else if (TAG_WORDS.has(t.name) && !named && !words.length) {
        this.src.next();
        const n = this.src.next();
        if (n.kind !== 'ident') this.src.fail();
        const kind = t.name as 'struct' | 'union' | 'enum';
        named = this.lookup.lookupTag(kind, n.name);
        if (!named) throw new UserError(`No ${kind} type named ${n.name}.`);
      } else if (!named && !words.length && this.lookup.lookupTypedef(t.name)) {
        named = this.lookup.lookupTypedef(t.name);
        this.src.next();
      } else break;
    }
    let base: Type | undefined = named;
    if (!base) {
      if (!words.length) {
        if (Object.keys(quals).length) base = builtin.int;
        else this.src.fail();
      } else {
        base = baseTypeFromWords(words);
        if (!base) this.src.fail();
      }
    }
    return qualified(base!, quals);
  }

  /** An abstract declarator as a function from the specifier type to the declared type. */
  private parseAbstract(): (t: Type) => Type {
    const ptrs: Quals[] = [];
    while (this.isPunct('*')) {
      this.src.next();
      const q: Quals = {};
      for (;;) {
        const t = this.src.peek();
        if (t.kind === 'ident' && t.name in QUAL_WORDS) {
          q[QUAL_WORDS[t.name]!] = true;
          this.src.next();
        } else break;
      }
      ptrs.push(q);
    }
    let inner: (t: Type) => Type = (t) => t;
    if (this.isPunct('(') && (this.isPunct('*', 1) || this.isPunct('(', 1) || this.isPunct('[', 1))) {
      this.src.next();
      inner = this.parseAbstract();
      this.expect(')');
    }
    const suffixes: ((t: Type) => Type)[] = [];
    for (;;) {
      if (this.isPunct('[')) {
        this.src.next();
        let n: number | undefined;
        if (!this.isPunct(']')) {
          const e = this.src.constantExpr();
          if (e.kind !== 'int') throw new UserError('Array length must be a constant.');
          n = Number(e.value);
        }
        this.expect(']');
        suffixes.push((t) => arrayOf(t, n));
      } else if (this.isPunct('(')) {
        this.src.next();
        const f = this.parseParams();
        suffixes.push((t) => ({ ...f, returnType: t }));
      } else break;
    }
    return (t: Type) => {
      let r = t;
      for (const q of ptrs) r = qualified(pointerTo(r), q);
      for (let i = suffixes.length - 1; i >= 0; i--) r = suffixes[i]!(r);
      return inner(r);
    };
  }

  private parseParams(): Omit<FunctionType, 'returnType'> {
    const params: Type[] = [];
    let varargs = false;
    let prototyped = false;
    if (!this.isPunct(')')) {
      prototyped = true;
      for (;;) {
        if (this.isPunct('...')) {
          this.src.next();
          varargs = true;
          break;
        }
        params.push(this.parseTypeName());
        if (!this.isPunct(',')) break;
        this.src.next();
      }
      if (params.length === 1 && params[0] === builtin.void) params.length = 0;
    }
    this.expect(')');
    return { kind: 'function', params, prototyped, varargs };
  }

  private isPunct(op: string, k = 0): boolean {
    const t = this.src.peek(k);
    return t.kind === 'punct' && t.op === op;
  }

  private expect(op: string): void {
    if (!this.isPunct(op)) this.src.fail();
    this.src.next();
  }
}
