// The variables tree: expand/collapse kept across stops, changes since the last stop marked, watches after locals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VariableNode } from '../../src/core/api.js';
import { VarTree, renderTreeRow, EXPANDER, type TreeSource } from '../../src/ui/var-tree.js';
import { stripSgr } from '../../src/ui/text.js';
import { loadTheme } from '../../src/ui/theme.js';

const theme = loadTheme('dark', 256, { NO_COLOR: '1' }).theme;

function source(values: Record<string, string>, childValues: Record<string, string>): TreeSource {
  const leaf = (name: string, value: string): VariableNode => ({ name, value, type: 'int', expression: name, expandable: false, children: async () => [] });
  return {
    variables: async () => [
      leaf('x', values.x!),
      { name: 'p', value: values.p!, type: 'struct test *', expression: 'p', expandable: true, children: async () => Object.entries(childValues).map(([n, v]) => leaf(n, v)) },
    ],
    watch: async (e) => {
      if (e === 'bad') throw new Error('No symbol "bad" in current context.');
      return leaf(e, values[e] ?? '7');
    },
  };
}

test('expanded nodes stay expanded at the next stop, and changed values are marked', async () => {
  const t = new VarTree();
  await t.refresh(source({ x: '1', p: '0x10' }, { val: '20', no: '0.5' }), 'demo@1', true);
  const p = t.rows().find((r) => r.name === 'p')!;
  await t.setExpanded(p.key, true);
  assert.deepEqual(t.rows().map((r) => `${r.depth}:${r.name}`), ['0:x', '0:p', '1:val', '1:no']);
  assert.ok(t.rows().every((r) => !r.changed), 'nothing changed at the first stop');
  await t.refresh(source({ x: '2', p: '0x10' }, { val: '21', no: '0.5' }), 'demo@1', true);
  const rows = t.rows();
  assert.deepEqual(rows.map((r) => `${r.name}${r.changed ? '*' : ''}`), ['x*', 'p', 'val*', 'no']);
  assert.ok(rows[1]!.expanded);
  const line = stripSgr(renderTreeRow(rows[2]!, 40, false, theme));
  assert.match(line, /^\*   {2}val = 21/);
  assert.equal(stripSgr(renderTreeRow(rows[1]!, 40, false, theme))[1], EXPANDER.open);
});

test('values are only compared within the same frame scope', async () => {
  const t = new VarTree();
  await t.refresh(source({ x: '1', p: '0x10' }, {}), 'demo@1', true);
  await t.refresh(source({ x: '2', p: '0x10' }, {}), 'main@2', true);
  assert.ok(t.rows().every((r) => !r.changed));
});

test('selecting another frame compares with that frame at the previous stop', async () => {
  const t = new VarTree();
  await t.refresh(source({ x: '1', p: '0x10' }, {}), 'demo@1', true);
  await t.refresh(source({ x: '5', p: '0x10' }, {}), 'main@2', false);
  await t.refresh(source({ x: '1', p: '0x10' }, {}), 'demo@1', true);
  await t.refresh(source({ x: '6', p: '0x10' }, {}), 'main@2', false);
  assert.deepEqual(t.rows().filter((r) => r.changed).map((r) => r.name), ['x']);
});

test('watch expressions follow the locals; a failing one shows its error', async () => {
  const t = new VarTree();
  t.addWatch('y');
  t.addWatch('bad');
  await t.refresh(source({ x: '1', p: '0', y: '3' }, {}), 's', true);
  const rows = t.rows();
  assert.deepEqual(rows.map((r) => r.name), ['x', 'p', 'Watches', 'y', 'bad']);
  assert.equal(rows[4]!.value, '<No symbol "bad" in current context.>');
  assert.ok(rows[4]!.error);
  t.removeWatch('bad');
  assert.equal(t.rows().length, 4);
});

test('a child list that cannot be read shows the error under the node', async () => {
  const t = new VarTree();
  const src: TreeSource = {
    variables: async () => [{ name: 'q', value: '0x0', type: 'int *', expression: 'q', expandable: true, children: async () => { throw new Error('Cannot access memory at address 0x0'); } }],
    watch: async () => { throw new Error('x'); },
  };
  await t.refresh(src, 's', true);
  await t.setExpanded(t.rows()[0]!.key, true);
  assert.equal(t.rows()[1]!.value, '<Cannot access memory at address 0x0>');
});
