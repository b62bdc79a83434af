// The value layer without any target: bytes + types, memory through a callback, optimized-out parts, the value tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryError } from '../../src/target/contract.js';
import { builtin, pointerTo, arrayOf, type StructType } from '../../src/symbols/types.js';
import { Value, BYTE_OPTIMIZED_OUT, unpackDouble, unpackLong } from '../../src/eval/value.js';
import { formatValue, type PrintEnv } from '../../src/eval/format.js';
import { formatG } from '../../src/eval/floats.js';
import { stringLiteral, charLiteral } from '../../src/eval/chars.js';
import { expressionTree, valueTree } from '../../src/eval/tree.js';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { ZOO, staticScope } from './oracle.js';

/** Memory with readable bytes only at the given addresses. */
function env(bytes: Record<number, number>): PrintEnv {
  return {
    readMemory: async (addr, len) => {
      const out = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        const b = bytes[Number(addr) + i];
        if (b === undefined) throw new MemoryError(addr + BigInt(i));
        out[i] = b;
      }
      return out;
    },
    symbolize: (addr) => (addr === 0x2000n ? 'table' : undefined),
  };
}

const charPtr = pointerTo(builtin.char);

test('a char pointer into unreadable memory prints the error inline, like gdb', async () => {
  const v = Value.fromBigInt(charPtr, 0x1000n);
  assert.equal(await formatValue(v, env({})), '0x1000 <error: Cannot access memory at address 0x1000>');
});

test('a string cut short by unreadable memory prints what was read, then the error', async () => {
  const v = Value.fromBigInt(charPtr, 0x1000n);
  assert.equal(await formatValue(v, env({ 0x1000: 97, 0x1001: 98 })), '0x1000 "ab"<error: Cannot access memory at address 0x1002>');
});

test('pointers carry <symbol> and their type prefix; a lazy value reads memory only when printed', async () => {
  const e = env({ 0x2000: 7, 0x2001: 0, 0x2002: 0, 0x2003: 0 });
  assert.equal(await formatValue(Value.fromBigInt(pointerTo(builtin.int), 0x2000n), e), '(int *) 0x2000 <table>');
  const lazy = Value.at(builtin.int, 0x2000n);
  assert.equal(lazy.isLazy, true);
  assert.equal(await formatValue(lazy, e), '7');
  await assert.rejects(formatValue(Value.at(builtin.int, 0x10n), e), /Cannot access memory at address 0x10/);
});

test('optimized-out values and members print <optimized out>', async () => {
  assert.equal(await formatValue(Value.optimizedOut(builtin.int), env({})), '<optimized out>');
  const s: StructType = {
    kind: 'struct', name: 'pair', size: 8, incomplete: false,
    members: [{ name: 'a', type: builtin.int, bitPos: 0, bitSize: 0 }, { name: 'b', type: builtin.int, bitPos: 32, bitSize: 0 }],
  };
  const state = new Uint8Array(8);
  state.fill(BYTE_OPTIMIZED_OUT, 4);
  const v = new Value(s, { kind: 'none' }, Uint8Array.from([5, 0, 0, 0, 0, 0, 0, 0]), state);
  assert.equal(await formatValue(v, env({})), '{a = 5, b = <optimized out>}');
  const arr = new Value(arrayOf(builtin.char, 4), { kind: 'none' }, Uint8Array.from([65, 66, 0, 0]), Uint8Array.from([0, 1, 0, 0]));
  assert.equal(await formatValue(arr, env({})), "{65 'A', <optimized out>, 0 '\\000', 0 '\\000'}");
});

test('%g formatting is exact at 9, 17 and 21 digits', () => {
  assert.equal(formatG(false, 1n, 0, 17), '1');
  assert.equal(formatG(true, 3n, -1, 17), '-1.5');
  assert.equal(formatG(false, 0x1999999999999an, -56, 17), '0.10000000000000001');
  assert.equal(formatG(false, 1n, 100, 17), '1.2676506002282294e+30');
  assert.equal(formatG(false, 1n, -20, 9), '9.53674316e-07');
  assert.equal(formatG(false, 0n, 0, 9), '0');
  assert.equal(formatG(false, 15n, 0, 21), '15');
  assert.equal(formatG(false, 1n, -4, 17), '0.0625');
});

test('characters and strings use gdb\'s escapes, repeats and limits', () => {
  assert.equal(charLiteral(0), "'\\000'");
  assert.equal(charLiteral(0x27), "'\\''");
  assert.equal(charLiteral(0x22), "'\"'");
  assert.equal(stringLiteral(Uint8Array.from([0x22, 0x27, 0])), '"\\"\'"');
  assert.equal(stringLiteral(new Uint8Array(20)), "'\\000' <repeats 19 times>");
  assert.equal(stringLiteral(Uint8Array.from([97, 97, 97, 98])), '"aaab"');
  assert.equal(stringLiteral(new Uint8Array(12).fill(120), { threshold: 3 }), "'x' <repeats 12 times>");
  assert.equal(stringLiteral(Uint8Array.from([97, 98, 99]), { limit: 2 }), '"ab"...');
});

test('the value tree lists members, elements and pointees with expressions', async () => {
  const scope = staticScope(compileFixture(ZOO, MATRIX[0]!.flags, 'zoo'));
  const root = await expressionTree(scope, 'g_test2');
  assert.equal(root.type, 'struct test');
  assert.match(root.value, /^\{val = 1, no = 2, my_pointer = 0x[0-9a-f]+ <g_test>\}$/);
  const kids = await root.children();
  assert.deepEqual(kids.map((k) => [k.name, k.expression, k.type]), [
    ['val', 'g_test2.val', 'int'], ['no', 'g_test2.no', 'float'], ['my_pointer', 'g_test2.my_pointer', 'struct test *'],
  ]);
  const ptr = kids[2]!;
  assert.equal(ptr.expandable, true);
  const [pointee] = await ptr.children();
  assert.equal(pointee!.name, '*my_pointer');
  assert.equal(pointee!.expression, '*g_test2.my_pointer');
  assert.equal(pointee!.value, '{val = 20, no = 0.109999999, my_pointer = 0x0}');
  const grand = await pointee!.children();
  assert.equal(grand[2]!.expression, '(*g_test2.my_pointer).my_pointer');
  assert.equal(grand[2]!.expandable, false);

  const nested = await (await expressionTree(scope, 'g_nested')).children();
  assert.deepEqual(nested.map((n) => n.name), ['inner', 'point', '<anonymous union>', '<anonymous struct>', 'm', 'cb', 'name']);
  const union = await nested[2]!.children();
  assert.deepEqual(union.map((n) => [n.name, n.expression, n.value]), [
    ['i', 'g_nested.i', '1094861636'], ['f', 'g_nested.f', '12.1414223'], ['bytes', 'g_nested.bytes', '"DCBA"'],
  ]);
  const big = await (await expressionTree(scope, 'g_count')).children();
  assert.equal(big.length, 201);
  assert.deepEqual([big[199]!.name, big[199]!.value, big[200]!.name, big[200]!.value], ['[199]', '199', '...', '50 more elements']);
  const bad = await expressionTree(scope, 'g_tptr->val');
  assert.deepEqual([bad.value, bad.expandable], ['<error: Cannot access memory at address 0x0>', false]);
  const chars = await valueTree('s', 'g_str', (await scope.lookupVariable('g_str'))!, scope);
  assert.equal(chars.expandable, false);
});

test('values from DWARF location pieces: lazy memory, registers, stack values, composites with holes', async () => {
  const { valueFromPieces } = await import('../../src/eval/pieces.js');
  const e = env({ 0x3000: 9, 0x3001: 0, 0x3002: 0, 0x3003: 0 });
  const io = { readMemory: e.readMemory, readRegister: async (reg: number) => Uint8Array.from([reg === 0 ? 42 : 7, 0, 0, 0, 0, 0, 0, 0]) };
  const mem = await valueFromPieces(builtin.int, [{ kind: 'memory', address: 0x3000n }], io);
  assert.equal(mem.isLazy, true);
  assert.equal(await formatValue(mem, e), '9');
  assert.equal(await formatValue(await valueFromPieces(builtin.int, [{ kind: 'register', reg: 0 }], io), e), '42');
  assert.equal(await formatValue(await valueFromPieces(builtin.long, [{ kind: 'value', value: -3n }], io), e), '-3');
  assert.equal(await formatValue(await valueFromPieces(builtin.int, [], io), e), '<optimized out>');
  assert.equal(await formatValue(await valueFromPieces(pointerTo(builtin.int), [{ kind: 'implicit-pointer', dieOffset: 0, offset: 0n }], io), e), '(int *) <synthetic pointer>');
  const s: StructType = {
    kind: 'struct', name: 'trio', size: 12, incomplete: false,
    members: [
      { name: 'a', type: builtin.int, bitPos: 0, bitSize: 0 },
      { name: 'b', type: builtin.int, bitPos: 32, bitSize: 0 },
      { name: 'c', type: builtin.int, bitPos: 64, bitSize: 0 },
    ],
  };
  const composite = await valueFromPieces(s, [
    { kind: 'register', reg: 3, sizeBits: 32 },
    { kind: 'optimized-out', sizeBits: 32 },
    { kind: 'memory', address: 0x3000n, sizeBits: 32 },
  ], io);
  assert.equal(await formatValue(composite, e), '{a = 7, b = <optimized out>, c = 9}');
});

test("an optimized-out pointer prints bare (gdb's value_check_printable) and using it is gdb's error, not a read at 0", async () => {
  const p = Value.optimizedOut(pointerTo(builtin.int));
  assert.equal(await formatValue(p, env({})), '<optimized out>');
  assert.equal(await formatValue(p, env({}), { format: 'x' }), '<optimized out>');
  assert.throws(() => unpackLong(p), /^UserError: value has been optimized out$/);
  assert.throws(() => unpackDouble(Value.optimizedOut(builtin.double)), /value has been optimized out/);
});
