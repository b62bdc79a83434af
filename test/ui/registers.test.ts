// Registers: rflags decoded into flag names, hex/decimal, changes marked with '*' (and colour), groups laid out in columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegisterValue } from '../../src/core/api.js';
import { formatRegister, registerRows } from '../../src/ui/registers-view.js';
import { stripSgr } from '../../src/ui/text.js';
import { loadTheme } from '../../src/ui/theme.js';

const theme = loadTheme('dark', 256, { NO_COLOR: '1' }).theme;
const r = (name: string, value: bigint): RegisterValue => ({ name, value, size: 8 });

test('the pane shows every flag gdb names (NT, RF, AC... too; the table itself is checked against gdb in test/arch)', () => {
  const rows = registerRows({ width: 80, regs: [r('eflags', 0x54fd7n)], previous: new Map(), radix: 'hex', theme }).map(stripSgr);
  assert.match(rows.join('\n'), /eflags\s+0x54fd7 \[ CF PF AF ZF SF TF IF DF OF NT RF AC \]/);
});

test('hex is zero-padded to the register width; decimal is signed', () => {
  assert.equal(formatRegister(r('rax', 0x1234n), 'hex'), '0x0000000000001234');
  assert.equal(formatRegister(r('rax', 0xffffffffffffffffn), 'dec'), '-1');
  assert.equal(formatRegister({ name: 'cs', value: 0x33n, size: 4 }, 'hex'), '0x00000033');
});

test('groups: rip + decoded rflags first, general purpose, segments, fs/gs base; changed values carry *', () => {
  const regs = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base'].map((n, i) => r(n, n === 'eflags' ? 0x246n : BigInt(i)));
  const prev = new Map(regs.map((x) => [x.name, x.value]));
  prev.set('rbx', 99n);
  const rows = registerRows({ width: 50, regs, previous: prev, radix: 'hex', theme }).map(stripSgr);
  const text = rows.join('\n');
  assert.match(text, /\*rbx/);
  assert.doesNotMatch(text, /\*rax/);
  assert.match(text, /eflags\s+0x246 \[ PF ZF IF \]/);
  assert.match(text, /fs_base/);
  assert.match(rows[0]!, /^ rip /, 'rip first: visible in the shortest pane');
  assert.match(rows[1]!, /^ eflags /);
  assert.match(rows.find((x) => /rax/.test(x))!, /rax .*rbx/, 'two columns at 50 cells');
  for (const row of rows) assert.equal(row.length, 50);
  const dec = registerRows({ width: 50, regs, previous: prev, radix: 'dec', theme }).map(stripSgr).join('\n');
  assert.match(dec, /rcx\s+2\b/);
  for (const n of ['rip', 'rsp', 'rbp']) assert.match(dec, new RegExp(`${n}\\s+0x0`), `${n} stays hex`);
  assert.match(registerRows({ width: 50, regs: [{ name: 'rax', value: 0n, size: 8, notSaved: true }], previous: new Map(), radix: 'hex', theme }).map(stripSgr).join(''), /rax\s+<not saved>/);
});
