// Locals, arguments and watch expressions of the selected frame as trees, through the command layer's frame scope and eval's value trees.
import type { VariableNode } from '../core/api.js';
import type { Session } from '../core/session.js';
import { frameScope } from '../commands/eval-hooks.js';
import { expressionTree, valueTree } from '../eval/tree.js';
import type { ValueSource } from './session-adapter.js';

/** Values for a core Session: locals (innermost block first, shadowed names once), then arguments. */
export function evalValues(session: Session): ValueSource {
  return {
    async variables(): Promise<VariableNode[]> {
      const scope = await frameScope(session, session.selectedFrame);
      // The frame's own blocks only: statics and globals are not shown here, and listing every global of a big
      // program (or of libc, after stepping out of main) cost a whole name index at a step.
      const all = scope.frameVariables();
      const ordered = [...all.filter((v) => v.kind === 'local' || v.kind === 'static-local'), ...all.filter((v) => v.kind === 'param')];
      const seen = new Set<string>();
      const out: VariableNode[] = [];
      for (const v of ordered) {
        if (seen.has(v.name)) continue;
        seen.add(v.name);
        try {
          out.push(await valueTree(v.name, v.name, await scope.valueOf(v), scope));
        } catch (e) {
          out.push({ name: v.name, expression: v.name, type: '', value: `<error: ${e instanceof Error ? e.message : String(e)}>`, expandable: false, children: async () => [] });
        }
      }
      return out;
    },
    async watch(expr: string): Promise<VariableNode> {
      return expressionTree(await frameScope(session, session.selectedFrame), expr);
    },
  };
}
