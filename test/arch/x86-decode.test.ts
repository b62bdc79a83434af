// The x86 decoder against gdb's `disassemble /r` (addresses, mnemonics, full text), plus garbage and timing.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { compileFixture, gdbBatch } from '../helpers/build.js';
import { decodeOne, decodeOneSync, disassemble, formatInstruction, loadDecoder } from '../../src/arch/x86-64/decode.js';

interface GdbLine { address: bigint; bytes: string; text: string; symbols: Map<bigint, string> }

/** Parse `disassemble /r FN`: one entry per instruction, with the <sym+off> names gdb printed. */
function gdbDisassemble(exe: string, fn: string): GdbLine[] {
  const out = gdbBatch(exe, [`disassemble /r ${fn}`]);
  const lines: GdbLine[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s+0x([0-9a-f]+) <\+\d+>:\t([0-9a-f ]+)\t(.*)$/.exec(line);
    if (!m) continue;
    const text = m[3]!.trimEnd();
    const symbols = new Map<bigint, string>();
    for (const s of text.matchAll(/0x([0-9a-f]+) <([^>]+)>/g)) symbols.set(BigInt(`0x${s[1]}`), s[2]!);
    lines.push({ address: BigInt(`0x${m[1]}`), bytes: m[2]!.trim(), text, symbols });
  }
  assert.ok(lines.length > 3, `gdb disassembled ${fn}: ${out}`);
  return lines;
}

/** The function's bytes, read by gdb from the executable. */
function functionBytes(exe: string, start: bigint, len: number): Uint8Array {
  const out = gdbBatch(exe, [`x/${len}xb 0x${start.toString(16)}`]);
  const bytes: number[] = [];
  for (const line of out.split('\n')) {
    const colon = line.indexOf(':');
    if (line.startsWith('0x') && colon > 0) for (const t of line.slice(colon + 1).trim().split(/\s+/)) bytes.push(parseInt(t, 16));
  }
  assert.equal(bytes.length, len);
  return Uint8Array.from(bytes);
}

let compared = 0;

before(async () => {
  await loadDecoder();
});

const CASES = [
  { sources: ['demo/kernel.c'], name: 'kernel', fns: ['demo', 'main', 'factorial', 'sum_to'] },
  { sources: ['x86/flow.c', 'x86/onebyte.S'], name: 'flow', fns: ['main', 'classify', 'fib', 'sum', 'x86_onebyte'] },
];

for (const c of CASES) {
  for (const opt of ['-O0', '-O2']) {
    test(`${c.name} ${opt}: instruction boundaries, mnemonics and text equal gdb's`, async () => {
      const exe = compileFixture(c.sources, ['-g', opt], c.name);
      for (const fn of c.fns) {
        const want = gdbDisassemble(exe, fn);
        const last = want.at(-1)!;
        const start = want[0]!.address;
        const len = Number(last.address - start) + last.bytes.split(' ').length;
        const got = await disassemble(functionBytes(exe, start, len), start);
        const symbols = new Map(want.flatMap((w) => [...w.symbols]));
        assert.deepEqual(got.map((i) => i.address), want.map((w) => w.address), `${fn}: instruction addresses`);
        for (const [k, w] of want.entries()) {
          const g = got[k]!;
          const ctx = `${fn} at 0x${w.address.toString(16)}`;
          assert.equal(Buffer.from(g.bytes).toString('hex').replace(/(..)(?!$)/g, '$1 '), w.bytes, `${ctx}: bytes`);
          // gdb pads the mnemonic (prefixes included, e.g. "rep stos") to 6 columns, then one space.
          assert.ok(w.text === g.mnemonic || w.text.startsWith(`${g.mnemonic} `), `${ctx}: mnemonic "${g.mnemonic}" vs "${w.text}"`);
          assert.equal(formatInstruction(g, (a) => symbols.get(a)), w.text, `${ctx}: text`);
          compared++;
        }
      }
      console.log(`x86 decode: ${compared} instructions equal to gdb's disassembly so far`);
    });
  }
}

test('decodeOne: control-flow facts of hand-picked encodings', async () => {
  const at = 0xffffffff80001000n;
  const cases: [number[], string, string, Partial<Record<'target' | 'kind', unknown>>][] = [
    [[0xe8, 0, 0, 0, 0], 'call', '0xffffffff80001005', { kind: 'call', target: at + 5n }],
    [[0xeb, 0xfe], 'jmp', '0xffffffff80001000', { kind: 'jump', target: at }],
    [[0xff, 0x54, 0xd8, 0x10], 'call', '*0x10(%rax,%rbx,8)', { kind: 'call' }],
    [[0xff, 0x25, 0x10, 0, 0, 0], 'jmp', '*0x10(%rip)', { kind: 'jump' }],
    [[0xc2, 0x08, 0x00], 'ret', '$0x8', { kind: 'ret' }],
    [[0xe3, 0x05], 'jrcxz', '0xffffffff80001007', { kind: 'cond-jump' }],
    [[0xe2, 0xfe], 'loop', '0xffffffff80001000', { kind: 'cond-jump' }],
    [[0x0f, 0x05], 'syscall', '', { kind: 'syscall' }],
    [[0x0f, 0x0b], 'ud2', '', { kind: 'int' }],
    [[0xf4], 'hlt', '', { kind: 'hlt' }],
    [[0x48, 0xcf], 'iretq', '', { kind: 'iret' }],
    [[0xf3, 0x48, 0xab], 'rep stos', '%rax,%es:(%rdi)', { kind: 'other' }],
    [[0x06], '(bad)', '', { kind: 'invalid' }],
    [[0x0f], '(bad)', '', { kind: 'invalid' }],
  ];
  for (const [bytes, mn, ops, facts] of cases) {
    const i = await decodeOne(Uint8Array.from([...bytes, 0x90, 0x90]), at);
    assert.equal(i.mnemonic, mn, `${bytes}`);
    assert.equal(i.operands, ops, `${bytes}`);
    for (const [k, v] of Object.entries(facts)) assert.equal(i[k as 'kind'], v, `${bytes} ${k}`);
  }
  const ind = decodeOneSync(Uint8Array.from([0xff, 0x54, 0xd8, 0x10]), 0n);
  assert.deepEqual(ind.indirect, { type: 'mem', disp: 16n, base: 'rax', index: 'rbx', scale: 8 });
});

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('garbage never throws, never crashes capstone (windows up to 100 KB), and covers every byte', async () => {
  const rand = rng(42);
  const sizes = [1, 2, 15, 16, 17, 100, 4095, 4096, 4097, 9000, 70_000, 100_000];
  for (let k = 0; k < 150; k++) sizes.push(1 + Math.floor(rand() * 5000));
  for (const n of sizes) {
    const buf = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const base = BigInt(Math.floor(rand() * 2 ** 32)) | 0xffff_ffff_0000_0000n;
    const insns = await disassemble(buf, base);
    let off = 0n;
    for (const i of insns) {
      assert.equal(i.address, BigInt.asUintN(64, base + off));
      assert.ok(i.size >= 1 && i.size <= 15);
      off += BigInt(i.size);
    }
    assert.equal(off, BigInt(n));
    for (let j = 0; j < 20; j++) decodeOneSync(buf.subarray(Math.floor(rand() * n)), base);
  }
  // Still sane afterwards.
  const after = decodeOneSync(Uint8Array.from([0x48, 0x89, 0xe5]), 0x1000n);
  assert.equal(formatInstruction(after), 'mov    %rsp,%rbp');
  const limited = await disassemble(new Uint8Array(100).fill(0x90), 0n, { count: 7 });
  assert.equal(limited.length, 7);
  const ended = await disassemble(new Uint8Array(100).fill(0x90), 0n, { end: 10n });
  assert.equal(ended.length, 10);
});

test('decode timing', async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O2'], 'kernel');
  const want = gdbDisassemble(exe, 'main');
  const start = want[0]!.address;
  const code = functionBytes(exe, start, Number(want.at(-1)!.address - start) + 8);
  let t = performance.now();
  const n = 20_000;
  for (let k = 0; k < n; k++) decodeOneSync(code.subarray(k % 32), start + BigInt(k % 32));
  const one = ((performance.now() - t) * 1000) / n;
  const window = new Uint8Array(4096);
  for (let k = 0; k < 4096; k++) window[k] = code[k % code.length]!;
  t = performance.now();
  const insns = await disassemble(window, start);
  const win = performance.now() - t;
  console.log(`x86 decode timing: decodeOneSync ${one.toFixed(1)} us/instruction; 4 KB window: ${insns.length} instructions in ${win.toFixed(1)} ms`);
  assert.ok(one < 1000);
});
