// Steps real programs under gdb (stepi) and checks our successor predictions and one-byte emulation against it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compileFixture } from '../helpers/build.js';
import { decodeOneSync, formatInstruction, loadDecoder } from '../../src/arch/x86-64/decode.js';
import { emulate } from '../../src/arch/x86-64/emulate.js';
import { successors } from '../../src/arch/x86-64/successors.js';
import type { RegisterSet } from '../../src/arch/x86-64/registers.js';
import { Gdb } from './x86-gdb.js';

const CHECKED = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13',
  'r14', 'r15', 'rip', 'eflags'];
const TF = 0x100n;

interface Tally {
  steps: number;
  exact: number; // one predicted successor, and it was right
  both: number; // conditional branches checked with evaluation off (taken + not taken)
  unpredictable: number;
  emulated: number;
  repeated: number;
  kinds: Map<string, number>;
  failures: string[];
}

const tally: Tally = { steps: 0, exact: 0, both: 0, unpredictable: 0, emulated: 0, repeated: 0, kinds: new Map(), failures: [] };
const hex = (v: bigint | undefined): string => (v === undefined ? '?' : `0x${v.toString(16)}`);

async function readCode(g: Gdb, pc: bigint): Promise<Uint8Array> {
  for (const n of [16, 8, 4, 2, 1]) {
    try {
      return await g.read(pc, n);
    } catch {
      // near the end of a mapping: try fewer bytes
    }
  }
  throw new Error(`cannot read code at ${hex(pc)}`);
}

/** Start `exe` under gdb with `setup`, then stepi `steps` times checking every instruction. */
async function walk(exe: string, setup: string[], steps: number): Promise<{ n: number; failures: string[] }> {
  const g = new Gdb(exe);
  const failures: string[] = [];
  const fail = (s: string): void => {
    failures.push(s);
    tally.failures.push(s);
  };
  let done = 0;
  try {
    for (const c of setup) await g.cmd(c);
    let regs = await g.registers();
    for (; done < steps && regs.has('rip'); done++) {
      const pc = regs.get('rip')!;
      const insn = decodeOneSync(await readCode(g, pc), pc);
      const text = `${hex(pc)}: ${formatInstruction(insn)}`;
      const succ = await successors(insn, regs, g.read);
      const loose = await successors(insn, regs, g.read, { evaluateConditions: false });
      const emu = await emulate(insn, regs, g.read);
      await g.cmd('stepi');
      const next: RegisterSet = await g.registers();
      const npc = next.get('rip');
      if (npc === undefined) break; // the program ended
      tally.steps++;
      tally.kinds.set(insn.kind, (tally.kinds.get(insn.kind) ?? 0) + 1);
      if (succ.unpredictable) {
        tally.unpredictable++;
        // Linux resumes after a syscall at the next instruction: the fallback a caller would use.
        if (insn.kind === 'syscall' && npc !== succ.fallThrough) fail(`${text}: syscall returned to ${hex(npc)}`);
        if (insn.kind === 'other' || insn.kind === 'jump' || insn.kind === 'cond-jump' || insn.kind === 'ret') {
          fail(`${text}: unpredictable (${succ.unpredictable})`);
        }
      } else if (insn.repeats && npc === pc) {
        tally.repeated++;
      } else if (!succ.addresses.includes(npc)) {
        fail(`${text}: went to ${hex(npc)}, predicted ${succ.addresses.map(hex).join(' ')}`);
      } else if (!loose.addresses.includes(npc)) {
        fail(`${text}: went to ${hex(npc)}, not in the unevaluated set`);
      } else {
        if (succ.addresses.length === 1) tally.exact++;
        if (insn.kind === 'cond-jump' && loose.addresses.length === 2) tally.both++;
      }
      if (insn.kind === 'call' && !succ.unpredictable) {
        const pushed = await g.read(next.get('rsp')!, 8);
        const ret = new DataView(pushed.buffer, pushed.byteOffset).getBigUint64(0, true);
        if (ret !== succ.callReturn) fail(`${text}: callReturn ${hex(succ.callReturn)}, pushed ${hex(ret)}`);
      }
      if (insn.size === 1 && !emu && !['int', 'hlt', 'iret', 'invalid'].includes(insn.kind)) {
        fail(`${text}: one-byte instruction not emulated`);
      }
      if (emu) {
        tally.emulated++;
        for (const r of CHECKED) {
          const want = emu.registers.get(r) ?? regs.get(r);
          if (want !== next.get(r)) fail(`${text}: ${r} emulated ${hex(want)}, gdb ${hex(next.get(r))}`);
        }
        for (const w of emu.memoryWrites) {
          const got = await g.read(w.address, w.bytes.length);
          // pushf under ptrace single-step pushes the TF the kernel set for the step: ignore that bit.
          const want = Uint8Array.from(w.bytes);
          if (insn.bytes.at(-1) === 0x9c) {
            got[1]! &= ~Number(TF >> 8n);
            want[1]! &= ~Number(TF >> 8n);
          }
          if (!Buffer.from(got).equals(Buffer.from(want))) {
            fail(`${text}: wrote ${Buffer.from(w.bytes).toString('hex')} at ${hex(w.address)}, gdb has ${Buffer.from(got).toString('hex')}`);
          }
        }
      }
      regs = next;
    }
  } finally {
    g.close();
  }
  return { n: done, failures };
}

before(async () => {
  await loadDecoder();
});

after(() => {
  const kinds = [...tally.kinds].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`x86 stepping: ${tally.steps} steps checked against gdb (${kinds}); ${tally.exact} predicted exactly, ` +
    `${tally.both} conditional branches also checked unevaluated, ${tally.emulated} emulated, ` +
    `${tally.unpredictable} unpredictable, ${tally.repeated} rep repeats`);
});

const FLOW = ['x86/flow.c', 'x86/onebyte.S'];

for (const opt of ['-O0', '-O2']) {
  test(`flow ${opt}: the one-byte tour, predicted and emulated step by step`, { timeout: 240_000 }, async () => {
    const exe = compileFixture(FLOW, ['-g', opt], 'flow');
    const { n, failures } = await walk(exe, ['break *x86_onebyte', 'run > /dev/null'], 560);
    assert.ok(n >= 450, `only ${n} steps`);
    assert.deepEqual(failures, []);
  });
  test(`flow ${opt}: main (function pointers, jump table, recursion) and into libc's exit`, { timeout: 240_000 }, async () => {
    const exe = compileFixture(FLOW, ['-g', opt], 'flow');
    const { n, failures } = await walk(exe, ['break main', 'run > /dev/null'], 700);
    assert.ok(n >= 300, `only ${n} steps`);
    assert.deepEqual(failures, []);
  });
}

test('demo kernel.c -O0: demo() through printf, the PLT and lazy binding', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0'], 'kernel');
  const { n, failures } = await walk(exe, ['break demo', 'run > /dev/null'], 900);
  assert.ok(n >= 900, `only ${n} steps`);
  assert.deepEqual(failures, []);
});

test('demo kernel.c -O2: from the dynamic loader entry (starti)', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O2'], 'kernel');
  const { n, failures } = await walk(exe, ['starti > /dev/null'], 600);
  assert.ok(n >= 600, `only ${n} steps`);
  assert.deepEqual(failures, []);
});

test('demo kernel.c -O0: into write() and its syscall', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0'], 'kernel');
  const before = tally.kinds.get('syscall') ?? 0;
  const { n, failures } = await walk(exe, ['break write', 'run > /dev/null'], 120);
  assert.ok(n >= 20, `only ${n} steps`);
  assert.ok((tally.kinds.get('syscall') ?? 0) > before, 'no syscall stepped');
  assert.deepEqual(failures, []);
});
