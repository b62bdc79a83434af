// C type names and declarations exactly as gdb 13 prints them (ptype, whatis, "(int *)" value prefixes).
import { nestedType, qualsOf, resolve, unqualified, qualified, type Quals, type Type, type StructType, type EnumType } from './types.js';

/** gdb's check_typedef: strip typedefs, keeping every qualifier met on the way. */
export function checkTypedef(t: Type): Type {
  const q: Quals = {};
  for (let i = 0; i < 100; i++) {
    if (t.kind === 'qualified') {
      Object.assign(q, pickTrue(t.quals));
      t = t.target;
    } else if (t.kind === 'typedef') t = t.target;
    else break;
  }
  return qualified(t, q);
}

function pickTrue(q: Quals): Quals {
  const o: Quals = {};
  if (q.const) o.const = true;
  if (q.volatile) o.volatile = true;
  if (q.restrict) o.restrict = true;
  if (q.atomic) o.atomic = true;
  return o;
}

/** The name of a type as gdb sees it (qualified types share their base's name). */
export function nameOf(t: Type): string | undefined {
  return unqualified(t).name;
}

/** type_print(type, "", stream, -1): the short name used in value prefixes, whatis and argument lists. */
export function typeName(t: Type): string {
  return printType(t, '', -1, 0);
}

/** `ptype` text (without "type = "): typedefs at the top expanded, struct bodies shown. */
export function ptypeString(t: Type): string {
  return printType(t, '', 1, 0);
}

/**
 * `whatis` text (without "type = "). For an expression (`isTypeName` false) it is the type's own name;
 * for a type name, one level of typedef is stripped, as gdb does.
 */
export function whatisString(t: Type, isTypeName: boolean): string {
  if (isTypeName) {
    const u = unqualified(t);
    if (u.kind === 'typedef') t = qualified(u.target, qualsOf(t));
  }
  return printType(t, '', -1, 0);
}

/** c_print_type: a declaration of `varstring` with type `t` (varstring "" for an abstract declarator). */
export function printType(t: Type, varstring: string, show: number, level: number): string {
  return nestedType(() => printTypeLevel(t, varstring, show, level));
}

function printTypeLevel(t: Type, varstring: string, show: number, level: number): string {
  if (show > 0) t = checkTypedef(t);
  const u = unqualified(t);
  const code = u.kind;
  let out = printBase(t, show, level);
  const derived = code === 'pointer' || code === 'function' || (code === 'array' && !u.vector);
  if (varstring !== '' || ((show > 0 || nameOf(t) === undefined) && derived)) out += ' ';
  out += varspecPrefix(t, show, false, varstring !== '');
  out += varstring;
  out += varspecSuffix(t, show, false);
  return out;
}

function modifier(q: Quals, preSpace: boolean, postSpace: boolean): string {
  const words: string[] = [];
  if (q.const) words.push('const');
  if (q.volatile) words.push('volatile');
  if (q.restrict) words.push('restrict');
  if (q.atomic) words.push('_Atomic');
  if (!words.length) return '';
  return (preSpace ? ' ' : '') + words.join(' ') + (postSpace ? ' ' : '');
}

function varspecPrefix(t: Type, show: number, passedPtr: boolean, needPostSpace: boolean): string {
  if (nameOf(t) !== undefined && show <= 0) return '';
  const u = unqualified(t);
  switch (u.kind) {
    case 'pointer':
      return varspecPrefix(u.target, show, true, true) + '*' + modifier(qualsOf(t), true, needPostSpace);
    case 'function':
      return varspecPrefix(u.returnType, show, false, false) + (passedPtr ? '(' : '');
    case 'array':
      return varspecPrefix(u.element, show, false, needPostSpace) + (passedPtr ? '(' : '');
    case 'typedef':
      return varspecPrefix(u.target, show, passedPtr, false);
    default:
      return '';
  }
}

function varspecSuffix(t: Type, show: number, passedPtr: boolean): string {
  if (nameOf(t) !== undefined && show <= 0) return '';
  const u = unqualified(t);
  switch (u.kind) {
    case 'array': {
      const b = u.bound;
      const n = b.kind === 'count' ? String(b.count) : b.kind === 'dynamic' ? 'variable length' : '';
      // c_type_print_varspec_suffix: a vector's element count inside gdb's attribute spelling.
      const dims = u.vector ? ` __attribute__ ((vector_size(${n})))` : `[${n}]`;
      return (passedPtr ? ')' : '') + dims + varspecSuffix(u.element, show, false);
    }
    case 'pointer':
      return varspecSuffix(u.target, show, true);
    case 'function':
      return (passedPtr ? ')' : '') + functionArgs(u.params, u.prototyped, u.varargs) + varspecSuffix(u.returnType, show, passedPtr);
    case 'typedef':
      return varspecSuffix(u.target, show, passedPtr);
    default:
      return '';
  }
}

/** c_type_print_args: "(int, char *)", "(void)", "()" (K&R), "(const char *, ...)". */
export function functionArgs(params: readonly Type[], prototyped: boolean, varargs: boolean): string {
  const parts = params.map((p) => printType(p, '', 0, 0));
  if (parts.length && varargs) parts.push('...');
  else if (!parts.length && prototyped) parts.push('void');
  return `(${parts.join(', ')})`;
}

function printBase(t: Type, show: number, level: number): string {
  const name = nameOf(t);
  if (show <= 0 && name !== undefined) {
    const u = unqualified(t);
    const kw = u.kind === 'union' ? 'union ' : u.kind === 'struct' ? 'struct ' : u.kind === 'enum' ? 'enum ' : '';
    return modifier(qualsOf(t), false, true) + kw + name;
  }
  t = checkTypedef(t);
  const u = unqualified(t);
  switch (u.kind) {
    case 'function':
      return printBase(u.returnType, show, level);
    case 'array':
      return printBase(u.element, show, level);
    case 'pointer':
      return printBase(u.target, show, level);
    case 'struct':
    case 'union':
      return printStructBase(u, qualsOf(t), show, level);
    case 'enum':
      return printEnumBase(u, qualsOf(t), show);
    case 'void':
      return modifier(qualsOf(t), false, true) + u.name;
    case 'typedef':
      return u.name;
    case 'flags': {
      if (show <= 0) return u.name;
      const body = u.fields.map((f) => `    bool ${f.name ? f.name + ' ' : ''}@${f.bit};\n`).join('');
      return `flag ${u.name} {\n${body}}`;
    }
    default:
      return modifier(qualsOf(t), false, true) + u.name;
  }
}

/**
 * gdb's head of a struct/union/enum: the keyword and tag, and whether the body follows (show > 0, or
 * an anonymous type at show 0); an anonymous type below show 0 prints as `{...}`.
 */
function aggregateHead(keyword: string, name: string | undefined, q: Quals, show: number): { head: string; body: boolean } {
  let head = modifier(q, false, true) + keyword;
  if (name !== undefined) {
    head += name;
    if (show > 0) head += ' ';
  }
  if (show < 0) return { head: name === undefined ? head + '{...}' : head, body: false };
  return { head, body: show > 0 || name === undefined };
}

function printStructBase(u: StructType, q: Quals, show: number, level: number): string {
  const { head, body } = aggregateHead(u.kind === 'union' ? 'union ' : 'struct ', u.name, q, show);
  if (!body) return head;
  let out = head + '{\n';
  const pad = ' '.repeat(level + 4);
  const members = u.members.filter((m) => !m.artificial);
  if (u.members.length === 0) out += `${pad}${u.incomplete ? '<incomplete type>' : '<no data fields>'}\n`;
  for (const m of members) {
    out += pad + printType(m.type, m.name ?? '', show - 1, level + 4);
    if (m.bitSize) out += ` : ${m.bitSize}`;
    out += ';\n';
  }
  return out + ' '.repeat(level) + '}';
}

function printEnumBase(u: EnumType, q: Quals, show: number): string {
  const { head: out, body } = aggregateHead('enum ', u.name, q, show);
  if (!body) return out;
  let last = 0n;
  const parts: string[] = [];
  for (const e of u.enumerators) {
    let s = e.name;
    if (e.value !== last) {
      s += ` = ${e.value}`;
      last = e.value;
    }
    last++;
    parts.push(s);
  }
  return `${out}{${parts.join(', ')}}`;
}

/** True when `t` (after typedefs) is a struct/union/enum (used by `ptype struct x` lookups). */
export function isTagged(t: Type): boolean {
  const k = resolve(t).kind;
  return k === 'struct' || k === 'union' || k === 'enum';
}
