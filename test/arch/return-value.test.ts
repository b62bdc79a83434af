// Where x86-64 return values are found (SysV): xmm0 for floats, rax / rax:rdx, else memory at rax.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { x86_64 } from '../../src/arch/arch.js';

const regs = new Map([['rax', 0x1122334455667788n], ['rdx', 0x99aabbccddeeff00n], ['xmm0', 0x400921fb54442d18n]]);
const reg = (n: string): bigint | undefined => regs.get(n);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('integers up to 8 bytes come from rax, floats from xmm0', () => {
  assert.deepEqual(x86_64.returnValue(4, 'integer', reg), { kind: 'bytes', bytes: Uint8Array.from([0x88, 0x77, 0x66, 0x55]) });
  const d = x86_64.returnValue(8, 'float', reg);
  assert.equal(d?.kind === 'bytes' && hex(d.bytes), '182d4454fb210940');
  assert.equal(x86_64.returnValue(8, 'float', () => undefined), undefined, 'no xmm0 from the stub: no value');
});

test('structs up to 16 bytes come from rax:rdx; larger values are in memory at rax', () => {
  const s = x86_64.returnValue(12, 'struct', reg);
  assert.equal(s?.kind === 'bytes' && hex(s.bytes), '8877665544332211' + '00ffeedd');
  assert.deepEqual(x86_64.returnValue(24, 'struct', reg), { kind: 'memory', address: 0x1122334455667788n });
});
