// A value as an expandable tree for the TUI: struct members, array elements, pointees — named, typed, formatted.
import { MemoryError } from '../target/contract.js';
import { UserError, errorMessage } from '../util/errors.js';
import { resolve, sizeOf, isTextual, type Type } from '../symbols/types.js';
import { typeName } from '../symbols/type-format.js';
import { Value, bytesToBigInt } from './value.js';
import { formatInner, type PrintEnv, type PrintOptions } from './format.js';
import { memberValue } from './members.js';
import { evaluateExpression } from './commands.js';
import type { EvalScope } from './scope.js';

export interface ValueNode {
  /** Label: the expression for a root, a member name, "[3]", "*p", "<anonymous union>", "...". */
  readonly name: string;
  /** An expression that evaluates to this node (for watches and `set var`). */
  readonly expression: string;
  /** The type as `whatis` names it ("" for the "..." marker). */
  readonly type: string;
  /** The value as gdb prints it inside aggregates (no "(type *)" prefix); errors read "<error: ...>". */
  readonly value: string;
  /** True when children() has something to show. */
  readonly expandable: boolean;
  children(): Promise<ValueNode[]>;
}

export interface TreeOptions extends PrintOptions {
  /** Array elements listed before a "..." node (default 200, gdb's `print elements`). */
  maxChildren?: number;
}

/** Evaluate `expression` in `scope` and return it as a tree root (an error becomes a leaf). */
export async function expressionTree(scope: EvalScope, expression: string, opts: TreeOptions = {}): Promise<ValueNode> {
  try {
    return await valueTree(expression, expression, await evaluateExpression(scope, expression), scope, opts);
  } catch (e) {
    if (e instanceof UserError || e instanceof MemoryError) return leaf(expression, expression, '', `<error: ${errorMessage(e)}>`);
    throw e;
  }
}

function leaf(name: string, expression: string, type: string, value: string): ValueNode {
  return { name, expression, type, value, expandable: false, children: async () => [] };
}

/** Parenthesise an expression unless it is a plain postfix chain (a.b[1]->c). */
function paren(e: string): string {
  return /^[\w$]+(?:(?:\.|->)[\w$]+|\[[^\]]*\])*$/.test(e) ? e : `(${e})`;
}

/** A node for value `v` labelled `name`, reachable as `expression`. */
export async function valueTree(name: string, expression: string, v: Value, env: PrintEnv, opts: TreeOptions = {}): Promise<ValueNode> {
  const type = typeName(v.type);
  let text: string;
  try {
    text = await formatInner(v, env, opts);
  } catch (e) {
    if (e instanceof UserError || e instanceof MemoryError) return leaf(name, expression, type, `<error: ${errorMessage(e)}>`);
    throw e;
  }
  const t = resolve(v.type);
  const max = opts.maxChildren ?? opts.elementLimit ?? 200;
  const fetched = !v.isLazy;
  switch (t.kind) {
    case 'struct':
    case 'union': {
      const members = t.members.filter((m) => !m.artificial);
      return {
        name, expression, type, value: text, expandable: members.length > 0 && fetched,
        children: async () => Promise.all(members.map((m) => {
          const anon = m.name === undefined || m.name === '';
          const inner = resolve(m.type);
          const label = anon ? `<anonymous ${inner.kind === 'union' ? 'union' : 'struct'}>` : m.name!;
          return valueTree(label, anon ? expression : `${paren(expression)}.${m.name}`, memberValue(v, m), env, opts);
        })),
      };
    }
    case 'array': {
      const n = t.bound.kind === 'count' ? t.bound.count : 0;
      const es = sizeOf(t.element) ?? 0;
      return {
        name, expression, type, value: text, expandable: n > 0 && es > 0 && fetched,
        children: async () => {
          const out: ValueNode[] = [];
          for (let i = 0; i < Math.min(n, max); i++) {
            out.push(await valueTree(`[${i}]`, `${paren(expression)}[${i}]`, v.component(t.element, i * es, es), env, opts));
          }
          if (n > max) out.push(leaf('...', '', '', `${n - max} more elements`));
          return out;
        },
      };
    }
    case 'pointer': {
      const target: Type = t.target;
      const rt = resolve(target);
      const addr = fetched && v.stateOf() === 0 ? bytesToBigInt(v.bytes, false) : 0n;
      const derefable = addr !== 0n && rt.kind !== 'void' && rt.kind !== 'function' && !isTextual(target) && (sizeOf(target) ?? 0) > 0;
      return {
        name, expression, type, value: text, expandable: derefable,
        children: async () => [await valueTree(`*${name}`, `*${paren(expression)}`, Value.at(target, addr), env, opts)],
      };
    }
    default:
      return leaf(name, expression, type, text);
  }
}
