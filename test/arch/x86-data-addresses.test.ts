// The data addresses the x86 stepper reports with a step's successors (what Xen checks against the event mask's frame).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDecoder } from '../../src/arch/x86-64/decode.js';
import { x86Stepper } from '../../src/arch/x86-64/stepper.js';

const PC = 0x401000n;
const RBX = 0x7000n;
const RDI = 0x9000n;

/** The stepper's plan for `code` at PC: successors and data addresses (hex), undefined data as 'unknown'. */
async function plan(code: number[]): Promise<{ successors: string[]; data: string[] | 'unknown' }> {
  await loadDecoder();
  const regs = new Map<string, bigint>([['rip', PC], ['rbx', RBX], ['rax', 0n], ['rdi', RDI], ['rcx', 4n], ['rsp', 0x8000n], ['eflags', 0x202n]]);
  const bytes = Uint8Array.from(code);
  const read = async (a: bigint, n: number) => (a === PC ? bytes.slice(0, n) : new Uint8Array(n));
  const p = await x86Stepper.plan(regs, read);
  assert.ok(p && 'successors' in p, `a plan with successors for ${code.map((b) => b.toString(16)).join(' ')}`);
  return { successors: p.successors.map((a) => a.toString(16)), data: p.data?.map((a) => a.toString(16)) ?? 'unknown' };
}

test('explicit memory operands give their effective addresses; lea and nops give none', async () => {
  assert.deepEqual((await plan([0x89, 0x43, 0x10])).data, [(RBX + 0x10n).toString(16)], 'mov %eax,0x10(%rbx)');
  assert.deepEqual((await plan([0x8b, 0x05, 0x10, 0, 0, 0])).data, [(PC + 6n + 0x10n).toString(16)], 'mov 0x10(%rip),%eax');
  assert.deepEqual((await plan([0x48, 0x8d, 0x43, 0x10])).data, [], 'lea 0x10(%rbx),%rax reaches no memory');
  assert.deepEqual((await plan([0x0f, 0x1f, 0x44, 0, 0])).data, [], 'nopl 0x0(%rax,%rax,1)');
  assert.deepEqual((await plan([0xe8, 0x10, 0, 0, 0])).data, [], 'call rel32: only its push, no explicit operand');
});

test('an indirect call names the pointer it reads; a repeated string instruction is unknown', async () => {
  const call = await plan([0xff, 0x15, 0x10, 0, 0, 0]);
  assert.deepEqual(call.data, [(PC + 6n + 0x10n).toString(16)], 'call *0x10(%rip)');
  assert.deepEqual((await plan([0xf3, 0x48, 0xab])).data, 'unknown', 'rep stos %rax,%es:(%rdi)');
  assert.deepEqual((await plan([0x48, 0xab])).data, [RDI.toString(16)], 'stos %rax,%es:(%rdi) writes at rdi');
});
