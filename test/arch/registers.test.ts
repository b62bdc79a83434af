// The x86-64 register table checked against gdb on a live program, so the copies can never drift again.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { x86_64 } from '../../src/arch/arch.js';
import { EFLAGS_FIELDS } from '../../src/arch/x86-64/eflags.js';
import { AMD64_GDB_REGISTERS, GENERAL_REGISTERS, SUB_REGISTERS, readReg, writeReg } from '../../src/arch/x86-64/registers.js';
import { builtinAmd64Layout } from '../../src/target/gdb-remote/registers.js';
import { compileFixture, gdbBatch } from '../helpers/build.js';

let exe: string;
/** gdb stopped at main of a live process, then `commands`. */
const atMain = (commands: string[]): string => gdbBatch(exe, ['break main', 'run', ...commands]);

before(() => {
  exe = compileFixture(['x86/flow.c', 'x86/onebyte.S'], ['-g', '-O0'], 'flow');
});

test("gdb's i386_eflags type is our eflags table (names, bits, the unnamed bit 1)", () => {
  const out = atMain(['ptype $eflags']);
  const fields = [...out.matchAll(/^\s+bool (\w*) ?@(\d+);$/gm)].map((m) => ({ name: m[1]!, bit: Number(m[2]) }));
  assert.ok(fields.length > 10, out);
  assert.deepEqual(fields, EFLAGS_FIELDS);
});

test('eflags prints exactly as gdb prints it, for values set with $eflags', () => {
  const values = [0x246, 0x202, 0x2, 0xfd7, 0x54fd7, 0x4c3, 0x891];
  const out = atMain(values.flatMap((v) => [`set $eflags=${v}`, 'info registers eflags']));
  const lines = [...out.matchAll(/^eflags\s+(0x[0-9a-f]+)\s+(\[.*\])$/gm)];
  assert.equal(lines.length, values.length, out);
  for (const [, hex, flags] of lines) assert.equal(x86_64.formatFlags(BigInt(hex!)), flags, `eflags ${hex}`);
});

test("gdb's amd64 register numbering and sizes are the built-in g-packet layout", () => {
  const out = atMain(['maint print raw-registers']);
  const rows = [...out.matchAll(/^ (\S+)\s+(\d+)\s+\d+\s+(\d+)\s+(\d+) /gm)]
    .map((m) => ({ name: m[1]!, regnum: Number(m[2]), offset: Number(m[3]), bytes: Number(m[4]) }));
  assert.ok(rows.length >= AMD64_GDB_REGISTERS.length, out);
  const layout = builtinAmd64Layout();
  AMD64_GDB_REGISTERS.forEach((r, i) => {
    assert.deepEqual({ name: r.name, regnum: i, bytes: r.bitsize / 8 }, { name: rows[i]!.name, regnum: rows[i]!.regnum, bytes: rows[i]!.bytes });
    assert.equal(layout.byName.get(r.name)?.offset, rows[i]!.offset, `${r.name} offset in the g packet`);
  });
});

test('every general register core uses exists in gdb', () => {
  const out = atMain(GENERAL_REGISTERS.map((r) => `p/x $${r}`));
  const printed = [...out.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);
  assert.equal(printed.length, GENERAL_REGISTERS.length, out);
  printed.forEach((p, i) => assert.match(p!, /^0x[0-9a-f]+$/, `$${GENERAL_REGISTERS[i]} is ${p}`));
});

test('sub-registers read and write like gdb ($eax, $ax, $al, $ah, $r8d, $r8l...)', () => {
  const rax = 0x1122334455667788n;
  const r8 = 0x8877665544332211n;
  const names = [...SUB_REGISTERS.keys()].filter((n) => n !== 'rip');
  const out = atMain([`set $rax=${rax}`, `set $r8=${r8}`, ...names.map((n) => `p/x $${n}`)]);
  const printed = [...out.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]!);
  assert.equal(printed.length, names.length, out);
  const regs = new Map([['rax', rax], ['r8', r8]]);
  names.forEach((n, i) => {
    assert.match(printed[i]!, /^0x[0-9a-f]+$/, `gdb knows $${n}`);
    const ours = readReg(regs, n);
    if (ours !== undefined) assert.equal(`0x${ours.toString(16)}`, printed[i], `$${n}`);
  });
  // 8/16-bit writes keep the other bits, in gdb and on the CPU alike. (32-bit ones differ: the CPU
  // zero-extends, which writeReg models for the emulator; gdb's `set $eax=` keeps the upper half.)
  const written = atMain([`set $rax=${rax}`, `set $r8=${r8}`, 'set $ah=0xab', 'p/x $rax', 'set $ax=0xcdef', 'p/x $rax', 'set $r8l=0x5a', 'p/x $r8']);
  const after = [...written.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);
  const state = new Map([['rax', rax], ['r8', r8]]);
  const ours: string[] = [];
  for (const [name, value] of [['ah', 0xabn], ['ax', 0xcdefn], ['r8l', 0x5an]] as const) {
    const [full, v] = writeReg(state, name, value);
    state.set(full, v);
    ours.push(`0x${v.toString(16)}`);
  }
  assert.deepEqual(after, ours);
});
