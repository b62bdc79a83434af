// What completion needs from the command language: the members an expression's struct or union has (`p inv.he<Tab>`).
import { evaluateExpression } from '../eval/commands.js';
import { resolve, type StructType, type Type } from '../symbols/types.js';
import type { CommandContext } from './context.js';
import { currentScope } from './eval-hooks.js';

/** Named members, and those of anonymous struct/union members (reached without a name, as in C). */
function memberNames(t: StructType, out: string[] = []): string[] {
  for (const m of t.members) {
    const mt = resolve(m.type);
    if (m.name) out.push(m.name);
    else if (mt.kind === 'struct' || mt.kind === 'union') memberNames(mt, out);
  }
  return out;
}

/** The struct or union behind a value of type t: itself, or what a pointer to it points to. */
function aggregateOf(t: Type): StructType | undefined {
  let r = resolve(t);
  if (r.kind === 'pointer') r = resolve(r.target);
  return r.kind === 'struct' || r.kind === 'union' ? r : undefined;
}

/** Member names of the expression's struct or union in the selected frame (or the file's scope); none when it has none or fails. */
export async function expressionMembers(ctx: CommandContext, expression: string): Promise<string[]> {
  if (!ctx.program) return [];
  try {
    const v = await evaluateExpression(await currentScope(ctx), expression);
    const agg = aggregateOf(v.type);
    return agg ? [...new Set(memberNames(agg))] : [];
  } catch {
    return []; // completion never reports errors: the user is still typing
  }
}
