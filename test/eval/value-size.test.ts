// Values sized from a (corrupt) type are refused like gdb ("value requires N bytes, which is more than max-value-size")
// before anything is allocated or read: the fuzz's hang case 28711 allocated 2 x several GB for <optimized out>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayOf, builtin } from '../../src/symbols/types.js';
import { MAX_VALUE_SIZE, Value } from '../../src/eval/value.js';
import { valueFromPieces } from '../../src/eval/pieces.js';
import { UserError } from '../../src/util/errors.js';

const HUGE = arrayOf(builtin.int, 2 ** 31); // 8 GiB
const refused = (e: unknown): boolean =>
  e instanceof UserError && e.message === `value requires ${2 ** 33} bytes, which is more than max-value-size`;

test('an optimized-out value of an absurd type is refused, not allocated', () => {
  assert.throws(() => Value.optimizedOut(HUGE), refused);
});

test('values built from DWARF pieces and lazy memory values check the size first', async () => {
  let asked = 0;
  const io = {
    readMemory: async (_a: bigint, len: number) => { asked = len; return new Uint8Array(len); },
    readRegister: async () => new Uint8Array(8),
  };
  await assert.rejects(valueFromPieces(HUGE, [], io), refused);
  await assert.rejects(valueFromPieces(HUGE, [{ kind: 'value', value: 1n }], io), refused);
  await assert.rejects(Value.at(HUGE, 0x1000n).fetch(io.readMemory), refused);
  assert.equal(asked, 0, 'no memory read was attempted');
  assert.throws(() => Value.fromBigInt(HUGE, 0n), refused);
});

test('a value of exactly max-value-size is still made', () => {
  const v = Value.optimizedOut(arrayOf(builtin.char, MAX_VALUE_SIZE));
  assert.equal(v.bytes.length, MAX_VALUE_SIZE);
  assert.ok(v.entirelyOptimizedOut);
});
