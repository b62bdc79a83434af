// Line queries agree with gdb 13: `info line FILE:LINE`, `info line FUNC`, `break FILE:LINE` and `break FUNC` addresses, `info scope`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { compileFixture, gdbBatch, MATRIX } from '../helpers/build.js';

const DEMO_LINES = Array.from({ length: 16 }, (_, i) => 59 + i);

/** Addresses of every location of breakpoint N from `info breakpoints` (one line per location). */
function gdbBreakAddresses(out: string): bigint[][] {
  const byBp = new Map<number, bigint[]>();
  for (const line of out.split('\n')) {
    const m = /^(\d+)(?:\.(\d+))?\s+breakpoint\s+keep\s+y\s+(0x[0-9a-f]+)/.exec(line) ?? /^(\d+)\.(\d+)\s+y\s+(0x[0-9a-f]+)/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    const list = byBp.get(n) ?? [];
    list.push(BigInt(m[3]!));
    byBp.set(n, list);
  }
  return [...byBp.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

for (const m of MATRIX) {
  const exe = compileFixture(['demo/kernel.c'], m.flags);

  test(`info line kernel.c:N prints what gdb prints for every line of demo() (59-74): ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    const gdb = gdbBatch(exe, DEMO_LINES.map((l) => `info line kernel.c:${l}`)).trim().split('\n');
    const ours = DEMO_LINES.flatMap((l) => prog.infoLine('kernel.c', l).map((r) => prog.formatInfoLine(r)));
    assert.deepEqual(ours, gdb);
  });

  test(`info line demo and info line *ADDR match gdb: ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    const gdb = gdbBatch(exe, ['info line demo']).trim().split('\n');
    // With several instances (an inlined copy at -O2) gdb's order follows its symbols' memory
    // addresses, which changes with the build path: compare the answers as a set.
    assert.deepEqual(prog.infoLineFunction('demo').map((r) => prog.formatInfoLine(r)).sort(), [...gdb].sort());
    const addr = prog.functionBreakpoints('demo')[0]!.address;
    const g2 = gdbBatch(exe, [`info line *0x${addr.toString(16)}`]).trim();
    assert.equal(prog.formatInfoLine(prog.infoLineAt(addr)), g2);
  });

  test(`break kernel.c:N lands where gdb puts it for every line 59-74, and break on functions after the prologue: ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    const fns = ['demo', 'main', 'sum_to', 'factorial', 'tick', 'square'];
    const cmds = [...DEMO_LINES.map((l) => `break kernel.c:${l}`), ...fns.map((f) => `break ${f}`), 'info breakpoints'];
    const gdb = gdbBreakAddresses(gdbBatch(exe, cmds));
    const ours = [
      ...DEMO_LINES.map((l) => prog.lineBreakpoints('kernel.c', l).map((b) => b.address)),
      ...fns.map((f) => prog.functionBreakpoints(f).map((b) => b.address)),
    ];
    const labels = [...DEMO_LINES.map((l) => `kernel.c:${l}`), ...fns];
    assert.equal(gdb.length, labels.length, 'gdb set every breakpoint');
    labels.forEach((label, i) => assert.deepEqual([...ours[i]!].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((a) => `0x${a.toString(16)}`), gdb[i]!.map((a) => `0x${a.toString(16)}`), label));
  });

  test(`info scope demo lists the symbols gdb lists, in order: ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    // gdb answers for one instance of demo, and which one (with an inlined copy at -O2) depends on
    // its memory layout: ours must equal gdb's answer for the instance at the same address.
    const bp = prog.functionBreakpoints('demo')[0]!;
    const gdb = gdbBatch(exe, [`info scope *0x${bp.address.toString(16)}`]);
    const names = [...gdb.matchAll(/^Symbol (\w+) is/gm)].map((x) => x[1]);
    assert.deepEqual(prog.infoScope(bp.address).map((v) => v.name), names);
  });
}

const SHAPES = ['symbols/main.c', 'symbols/shapes.c'];
for (const m of MATRIX) {
  const exe = compileFixture(SHAPES, m.flags);

  test(`two units and a header inline function: info line and break for every line of shapes.c and shapes.h match gdb: ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    const specs: [string, number][] = [
      ...Array.from({ length: 40 }, (_, i): [string, number] => ['shapes.c', i + 4]),
      ...Array.from({ length: 6 }, (_, i): [string, number] => ['shapes.h', i + 12]),
    ];
    const gdbInfo = gdbBatch(exe, specs.map(([f, l]) => `info line ${f}:${l}`)).trim().split('\n');
    const ours = specs.flatMap(([f, l]) => prog.infoLine(f, l).map((r) => prog.formatInfoLine(r)));
    // A header line has one answer per unit; gdb orders units by when it read them, so compare as sets.
    assert.deepEqual([...ours].sort(), [...gdbInfo].sort());
    const fns = ['area', 'perimeter', 'walk', 'twice', 'manhattan', 'bump', 'main'];
    const labels = [...specs.map(([f, l]) => `${f}:${l}`), ...fns];
    // Echo markers tell which commands made a breakpoint (gdb's refusals go to stderr).
    const out = gdbBatch(exe, [...labels.flatMap((l) => [`echo @@${l}\\n`, `break ${l}`]), 'info breakpoints']);
    const numbers = new Map<string, number>();
    let current = '';
    for (const line of out.split('\n')) {
      const mk = /^@@(.*)$/.exec(line);
      if (mk) current = mk[1]!;
      const bp = /^Breakpoint (\d+) at/.exec(line);
      if (bp && current) numbers.set(current, Number(bp[1]));
    }
    const gdb = gdbBreakAddresses(out);
    const mine = [...specs.map(([f, l]) => prog.lineBreakpoints(f, l)), ...fns.map((f) => prog.functionBreakpoints(f))];
    labels.forEach((label, i) => {
      const n = numbers.get(label);
      const expected = n === undefined ? [] : gdb[n - 1]!;
      assert.deepEqual(mine[i]!.map((b) => b.address).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), expected, label);
    });
  });

  test(`globals, file statics and static locals are found with their units and locations: ${m.label}`, () => {
    const prog = new Program(openElf(exe));
    const [count] = prog.lookupGlobal('shape_count');
    assert.equal(count?.kind, 'global');
    assert.equal(count?.location.kind, 'expr');
    assert.equal(prog.lookupGlobal('scale')[0]?.kind, 'file-static');
    assert.equal(prog.lookupGlobal('ratio')[0]?.unit.bases.name, 'main.c');
    const bump = prog.functionBreakpoints('bump');
    if (bump.length) {
      const names = prog.scopeAt(bump[0]!.address).map((v) => v.name);
      for (const n of ['shape_count', 'ratio']) assert.ok(names.includes(n), `${n} visible in bump`);
    }
  });
}
