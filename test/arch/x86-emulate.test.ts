// Emulation and successor edge cases gdb stepping does not reach: refusals, unreadable memory, missing registers.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decodeOneSync, loadDecoder } from '../../src/arch/x86-64/decode.js';
import { emulate, subFlags } from '../../src/arch/x86-64/emulate.js';
import { successors } from '../../src/arch/x86-64/successors.js';
import type { RegisterSet } from '../../src/arch/x86-64/registers.js';

const AT = 0x401000n;
const regs = (): RegisterSet => new Map([
  ['rax', 0xffff_ffff_8000_0001n], ['rbx', 0x10n], ['rcx', 1n], ['rdx', 0n], ['rsp', 0x7ff0n], ['rbp', 0x8000n],
  ['rsi', 0x9000n], ['rdi', 0xa000n], ['rip', AT], ['eflags', 0x246n], ['fs_base', 0x5000_0000n],
  ...['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'].map((r) => [r, 0n] as [string, bigint]),
]);
const noMemory = async (a: bigint): Promise<Uint8Array> => {
  throw new Error(`unmapped 0x${a.toString(16)}`);
};
const insn = (...b: number[]) => decodeOneSync(Uint8Array.from(b), AT);

before(async () => {
  await loadDecoder();
});

test('emulate refuses what it must not fake, and instructions longer than one opcode', async () => {
  for (const b of [[0xf4], [0xcc], [0xfa], [0xfb], [0xec], [0xcf], [0xcb], [0x9b], [0xf1], [0x66, 0x90], [0xf3, 0x90],
    [0x48, 0x89, 0xe5], [0xc2, 0x08, 0x00], [0xf3, 0xab]]) {
    assert.equal(await emulate(insn(...b), regs(), noMemory), undefined, Buffer.from(b).toString('hex'));
  }
});

test('emulate: stack reads that fail or registers that are missing give undefined, not a throw', async () => {
  assert.equal(await emulate(insn(0xc3), regs(), noMemory), undefined);
  assert.equal(await emulate(insn(0x5d), regs(), noMemory), undefined);
  const r = regs();
  r.delete('rsp');
  assert.equal(await emulate(insn(0x55), r, noMemory), undefined);
});

test('emulate: 32-bit results zero-extend, 8/16-bit ones keep the rest', async () => {
  const r = regs();
  const cwtl = await emulate(insn(0x98), r, noMemory);
  assert.equal(cwtl?.registers.get('rax'), 0x1n);
  const xchg = await emulate(insn(0x93), r, noMemory);
  assert.equal(xchg?.registers.get('rax'), 0x10n);
  assert.equal(xchg?.registers.get('rbx'), 0x8000_0001n);
  const lahf = await emulate(insn(0x9f), r, noMemory);
  assert.equal(lahf?.registers.get('rax'), 0xffff_ffff_8000_4601n);
  const push = await emulate(insn(0x41, 0x57), r, noMemory);
  assert.deepEqual(push?.memoryWrites, [{ address: 0x7fe8n, bytes: new Uint8Array(8) }]);
  assert.equal(push?.registers.get('rip'), AT + 2n);
});

test('subFlags matches cmp semantics on edge values', () => {
  assert.equal(subFlags(0n, 1n, 8, 0n) & 0x8d5n, 0x95n); // CF AF SF (0xff: PF set)
  assert.equal(subFlags(0x80n, 1n, 8, 0n) & 0x8d5n, 0x810n); // OF AF (0x7f: odd parity)
  assert.equal(subFlags(5n, 5n, 64, 0n) & 0x8d5n, 0x44n); // ZF PF
});

test('successors: unreadable memory or unknown registers make a branch unpredictable, never a throw', async () => {
  const ret = await successors(insn(0xc3), regs(), noMemory);
  assert.match(ret.unpredictable ?? '', /cannot read 0x7ff0/);
  const call = await successors(insn(0xff, 0x54, 0xd8, 0x10), regs(), noMemory);
  assert.match(call.unpredictable ?? '', /cannot read 0xffffffff80000091/);
  assert.equal(call.callReturn, AT + 4n);
  const r = regs();
  r.delete('eflags');
  const jcc = await successors(insn(0x74, 0x10), r, noMemory);
  assert.deepEqual(jcc.addresses, [AT + 0x12n, AT + 2n]);
  const fs = await successors(insn(0x64, 0xff, 0x24, 0x25, 0x10, 0, 0, 0), regs(), async (a) => {
    assert.equal(a, 0x5000_0010n);
    return Uint8Array.from([0x34, 0x12, 0, 0, 0, 0, 0, 0]);
  });
  assert.deepEqual(fs.addresses, [0x1234n]);
  for (const b of [[0x0f, 0x05], [0xcd, 0x80], [0xf4], [0x0f, 0x0b], [0x06], [0x48, 0xcf], [0xff, 0x2c, 0x24], [0xcb]]) {
    const s = await successors(insn(...b), regs(), noMemory);
    assert.ok(s.unpredictable, Buffer.from(b).toString('hex'));
    assert.deepEqual(s.addresses, []);
  }
  const loop = await successors(insn(0xe2, 0xfe), regs(), noMemory); // rcx = 1: falls through
  assert.deepEqual(loop.addresses, [AT + 2n]);
});
