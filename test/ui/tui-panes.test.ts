// Registers, memory and disassembly panes on the real binary under gdbserver, checked against gdb on the same program (gcc defaults: PIE, and -O2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFixture } from '../helpers/build.js';
import { runGdbRemote } from '../helpers/duster.js';
import { T, command, paneRows, startRealUi, type RealUi } from './ui-driver.js';

/** gdb's `info registers` rows: name -> [hex, natural]. */
function gdbRegisters(text: string): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const m of text.matchAll(/^([a-z][a-z0-9_]*) +(0x[0-9a-f]+) +(.*)$/gm)) out.set(m[1]!, [m[2]!, m[3]!.trim()]);
  return out;
}

/** The registers pane's cells: name -> { text, changed } (hex cells are zero-padded). */
function paneRegisters(screen: string): Map<string, { text: string; changed: boolean }> {
  const out = new Map<string, { text: string; changed: boolean }>();
  for (const row of paneRows(screen, 'Registers')) {
    for (const m of row.matchAll(/([* ])([a-z][a-z0-9_]*) +(0x[0-9a-f]+(?: \[[A-Z ]*\])?|-?\d+|<not saved>)/g)) out.set(m[2]!, { text: m[3]!, changed: m[1] === '*' });
  }
  return out;
}

const STOP_AT_TOUCH = /breakpoint 1 at touch/;

/** `break touch`, `continue`, and the stop there on screen. */
async function stopAtTouch(tm: RealUi['tm']): Promise<void> {
  await command(tm, 'break touch');
  await command(tm, 'continue');
  await tm.waitFor(STOP_AT_TOUCH, T, 'the stop at touch');
}

async function withUi(exe: string, body: (ui: RealUi) => Promise<void>, opts: Parameters<typeof startRealUi>[1] = {}): Promise<void> {
  const ui = await startRealUi(exe, { cols: 160, rows: 50, ...opts });
  try {
    await ui.tm.waitFor(/STOPPED/, T, 'the first stop');
    await body(ui);
    assert.equal(readFileSync(join(ui.dir, 'stderr.txt'), 'utf8'), '');
  } finally {
    await ui.close();
  }
}

for (const flags of [['-g'], ['-g', '-O2']]) {
  test(`registers pane follows the selected frame as gdb shows it (gcc ${flags.join(' ')})`, { timeout: 300_000 }, async (t) => {
    const exe = compileFixture(['ui/panes.c'], flags, `panes${flags.join('')}`);
    const gdbUp = await runGdbRemote(exe, ['break touch', 'continue', 'up 2', 'info registers', 'p $rsp', 'p $pc', 'kill']);
    const gdbStops = await runGdbRemote(exe, ['break touch', 'continue', 'info registers', 'echo ==next==\\n', 'continue', 'info registers', 'kill']);
    const want = gdbRegisters(gdbUp);
    assert.ok(want.has('rbx') && want.has('rip'), gdbUp);
    const [first, second] = gdbStops.split('==next==').map(gdbRegisters) as [Map<string, [string, string]>, Map<string, [string, string]>];
    const changedByGdb = [...second].filter(([n, [hex]]) => first.get(n)?.[0] !== hex).map(([n]) => n).sort();
    assert.ok(changedByGdb.includes('rip') === false || changedByGdb.length > 0);

    await withUi(exe, async ({ tm }) => {
      await stopAtTouch(tm);
      await command(tm, 'up 2');
      await command(tm, 'layout zoom registers');

      await t.test('after up 2 every register is the frame\'s, as gdb\'s info registers shows it there', async () => {
        const s = await tm.waitFor((x) => / frame 2 hex$/m.test(x) && paneRegisters(x).has('rip') && BigInt(paneRegisters(x).get('rip')!.text.split(' ')[0]!) === BigInt(want.get('rip')![0]), T, 'frame 2\'s registers');
        const pane = paneRegisters(s);
        let compared = 0;
        for (const [name, [hex, natural]] of want) {
          const cell = pane.get(name);
          assert.ok(cell, `${name} in the pane:\n${s}`);
          const [value, ...flags] = cell.text.split(' ');
          assert.equal(BigInt(value!), BigInt(hex), `${name}: pane ${cell.text}, gdb ${hex}`);
          if (name === 'eflags') assert.equal(flags.join(' '), natural);
          compared++;
        }
        assert.ok(compared >= 17, `compared ${compared} registers`);
        const rsp = /^\$1 = \(void \*\) (0x[0-9a-f]+)$/m.exec(gdbUp)?.[1];
        assert.equal(BigInt(pane.get('rsp')!.text), BigInt(rsp!), 'p $rsp');
        const pc = /^\$2 = \(void \(\*\)\(\)\) (0x[0-9a-f]+) /m.exec(gdbUp)?.[1];
        assert.equal(BigInt(pane.get('rip')!.text), BigInt(pc!), 'p $pc');
      });

      await t.test('the command line agrees in that frame: p $rax and info registers rbx print gdb\'s values', async () => {
        await command(tm, 'p $rax');
        await command(tm, 'info registers rbx');
        const s = await tm.waitFor(/^rbx +0x/m, T, 'info registers rbx');
        assert.match(s, new RegExp(`= ${BigInt.asIntN(64, BigInt(want.get('rax')![0]))}\\b`));
        assert.match(s, new RegExp(`^rbx +${want.get('rbx')![0]} `, 'm'));
      });

      await t.test('decimal mode: rip, rsp and rbp stay hexadecimal; the others are signed decimal', async () => {
        await command(tm, 'focus regs');
        tm.keys('x');
        const s = await tm.waitFor(/ frame 2 dec$/m, T, 'decimal mode');
        const pane = paneRegisters(s);
        for (const n of ['rip', 'rsp', 'rbp']) assert.match(pane.get(n)!.text, /^0x/, n);
        assert.equal(pane.get('rax')!.text, want.get('rax')![1]);
        assert.equal(pane.get('r12')!.text, BigInt.asIntN(64, BigInt(want.get('r12')![0])).toString());
        tm.keys('x');
        await tm.waitFor(/ frame 2 hex$/m, T, 'hex again');
      });

      await t.test('rip and eflags come first: visible in a short pane', async () => {
        await command(tm, 'layout unzoom');
        tm.resize(80, 24);
        const s = await tm.waitFor((x) => paneRows(x, 'Registers').length >= 2 && /Registers/.test(x), T, 'the 80x24 layout');
        const rows = paneRows(s, 'Registers');
        assert.match(rows[0]!, /rip/, s);
        assert.match(rows[1]!, /eflags +0x[0-9a-f]+ \[/, s);
        tm.resize(160, 50);
      });

      await t.test('at the next stop the changed registers carry *, exactly those gdb reports changed', async () => {
        await command(tm, 'continue');
        await command(tm, 'layout zoom registers');
        const s = await tm.waitFor((x) => paneRegisters(x).has('rip') && !/ frame \d+ (hex|dec)$/m.test(x) && BigInt(paneRegisters(x).get('rip')!.text) === BigInt(second.get('rip')![0]), T, 'the second stop');
        const pane = paneRegisters(s);
        const marked = [...pane].filter(([n, c]) => c.changed && second.has(n)).map(([n]) => n).sort();
        assert.deepEqual(marked, changedByGdb.filter((n) => pane.has(n)));
        await command(tm, 'layout unzoom');
      });
    });
  });
}

/** Per memory-pane hex cell: whether it is drawn bold (NO_COLOR: the 'changed' style is bold). */
function boldBytes(ansi: string, plain: string, address: bigint): boolean[] | undefined {
  const lines = plain.split('\n');
  const hex = address.toString(16).padStart(12, '0');
  const y = lines.findIndex((l) => l.includes(`${hex}  `));
  if (y < 0) return undefined;
  const col = lines[y]!.indexOf(`${hex}  `) + 14;
  // Walk the row's SGR sequences, tracking bold per cell.
  const row = ansi.split('\n')[y]!;
  const bold: boolean[] = [];
  let on = false;
  for (let i = 0; i < row.length;) {
    const m = /^\x1b\[([0-9;]*)m/.exec(row.slice(i));
    if (m) {
      for (const p of m[1]!.split(';')) if (p === '' || p === '0' || p === '22') on = false; else if (p === '1') on = true;
      i += m[0].length;
      continue;
    }
    bold.push(on);
    i += row.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return Array.from({ length: 16 }, (_, k) => bold[col + 3 * k]! && bold[col + 3 * k + 1]!);
}

test('memory pane: bytes that changed since the previous stop are highlighted, as gdb\'s x shows them changed (gcc -g -O2)', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['ui/panes.c'], ['-g', '-O2'], 'panes-g-O2');
  const gdb = await runGdbRemote(exe, ['break touch', 'continue', 'x/16xb &buffer', 'echo ==next==\\n', 'continue', 'x/16xb &buffer', 'kill']);
  const dump = (part: string): { addr: bigint; bytes: number[] } => {
    const rows = [...part.matchAll(/^(0x[0-9a-f]+) <buffer(?:\+\d+)?>:\t(.*)$/gm)];
    return { addr: BigInt(rows[0]![1]!), bytes: rows.flatMap((r) => r[2]!.split('\t').map((b) => Number(b))) };
  };
  const [a, b] = gdb.split('==next==').map(dump) as [{ addr: bigint; bytes: number[] }, { addr: bigint; bytes: number[] }];
  const changed = b.bytes.map((x, i) => x !== a.bytes[i]);
  assert.ok(changed.some(Boolean) && !changed.every(Boolean), `one byte of buffer changes between the stops:\n${gdb}`);

  await withUi(exe, async ({ tm }) => {
    await stopAtTouch(tm);
    await command(tm, 'focus stack');
    tm.keys('M');
    tm.type('&buffer');
    tm.keys('Enter');
    await tm.waitFor((x) => x.includes(`${a.addr.toString(16).padStart(12, '0')}  `), T, 'buffer in the memory pane');
    await command(tm, 'layout zoom memory'); // full width: 16 bytes a row
    await tm.waitFor(/Memory\]? +zoomed/, T, 'the memory pane zoomed');
    const before = boldBytes(tm.ansi(), tm.text(), a.addr)!;
    assert.deepEqual(before, before.map(() => false), 'nothing highlighted at the first stop');
    await command(tm, 'continue');
    await tm.waitFor((x) => x.includes(`${b.addr.toString(16).padStart(12, '0')}  ${b.bytes.map((v) => v.toString(16).padStart(2, '0')).join(' ')}`), T, 'the bytes gdb shows at the second stop');
    assert.deepEqual(boldBytes(tm.ansi(), tm.text(), b.addr), changed);
  }, { env: { NO_COLOR: '1' } });
});

/** The disassembly pane's rows: '@ADDR' for an instruction (with its B mark), the text for a source line. */
function asmRows(screen: string): { item: string; mark: string; pc: boolean }[] {
  return paneRows(screen, 'Disassembly').map((r) => {
    const m = /^([Bb ])([> ])0x([0-9a-f]{12})  /.exec(r);
    return m ? { item: `@${BigInt(`0x${m[3]}`).toString(16)}`, mark: m[1]!, pc: m[2] === '>' } : { item: r.replace(/\s+/g, ' ').trim(), mark: '', pc: false };
  }).filter((r) => r.item);
}

/** gdb's `disassemble /s` body in the same terms (blank lines left out, as the pane leaves them out). */
function gdbSourceDump(text: string): string[] {
  const body = text.slice(text.indexOf('Dump of assembler code'), text.indexOf('End of assembler dump.')).split('\n').slice(1);
  return body.map((l) => {
    const m = /^(?:=>)? +0x([0-9a-f]+) <\+\d+>:/.exec(l);
    return m ? `@${BigInt(`0x${m[1]}`).toString(16)}` : l.replace(/\s+/g, ' ').trim();
  }).filter(Boolean);
}

for (const flags of [['-g'], ['-g', '-O2']]) {
  test(`disassembly pane: disassemble /s lines, F9 sets and clears break *ADDR, scrolling above the function (gcc ${flags.join(' ')})`, { timeout: 300_000 }, async (t) => {
    const exe = compileFixture(['ui/panes.c'], flags, `panes${flags.join('')}`);
    const gdbDump = gdbSourceDump(await runGdbRemote(exe, ['break touch', 'continue', 'disassemble /s', 'kill']));
    const insns = gdbDump.filter((x) => x.startsWith('@'));
    assert.ok(insns.length >= 4, gdbDump.join('\n'));
    const target = insns[insns.length - 2]!.slice(1); // after the pc at -O0 (past the prologue) and -O2
    const gdbBreak = /^Breakpoint 2 at .*$/m.exec(await runGdbRemote(exe, ['break touch', 'continue', `break *0x${target}`, 'kill']))?.[0];
    assert.ok(gdbBreak);
    let above: string[] = [];

    await withUi(exe, async ({ tm }) => {
      await stopAtTouch(tm);
      await command(tm, 'layout show asm');
      await command(tm, 'layout zoom asm');

      await t.test('source lines between the instructions, as disassemble /s prints them', async () => {
        const s = await tm.waitFor((x) => asmRows(x).some((r) => r.pc), T, 'the disassembly');
        assert.match(s, /Disassembly\]? .*\/s/);
        const ours = asmRows(s).map((r) => r.item);
        assert.deepEqual(ours.slice(0, gdbDump.length), gdbDump);
        await command(tm, 'layout unzoom');
      });

      await t.test('F9 on an instruction: gdb\'s break *ADDR message and a B mark; F9 again deletes it', async () => {
        await command(tm, 'layout zoom asm');
        await command(tm, 'focus asm');
        const rows = asmRows(await tm.waitFor(/\[Disassembly\]/, T, 'the pane focused'));
        const from = rows.findIndex((r) => r.pc);
        const to = rows.findIndex((r) => r.item === `@${target}`);
        assert.ok(from >= 0 && to > from, rows.map((r) => r.item).join('\n'));
        for (let i = from; i < to; i++) tm.keys('j');
        tm.keys('F9');
        await tm.waitFor((x) => asmRows(x).some((r) => r.item === `@${target}` && r.mark === 'B'), T, 'the B mark');
        await command(tm, 'layout unzoom');
        const s = await tm.waitFor((x) => x.includes(gdbBreak), T, `gdb's message: ${gdbBreak}`);
        assert.match(s, new RegExp(`\\(duster\\) break \\*0x${target}\\b`));
        await command(tm, 'focus asm');
        tm.keys('F9');
        await tm.waitFor(/\(duster\) delete 2/, T, 'the delete');
        await command(tm, 'layout zoom asm');
        await tm.waitFor((x) => asmRows(x).some((r) => r.item === `@${target}` && r.mark === ' '), T, 'the mark gone');
        await command(tm, 'focus asm');
      });

      await t.test('k at the top decodes the code before the function', async () => {
        const start = BigInt(`0x${insns[0]!.slice(1)}`);
        tm.keys('g', 'k');
        const s = await tm.waitFor((x) => asmRows(x).some((r) => r.item.startsWith('@') && BigInt(`0x${r.item.slice(1)}`) < start), T, 'earlier code');
        above = asmRows(s).map((r) => r.item).filter((x) => x.startsWith('@')).filter((x) => BigInt(`0x${x.slice(1)}`) < start);
      });
    });

    await t.test('gdb decodes the same instructions from the first address shown above the function', async () => {
      assert.ok(above.length > 0);
      const gdb = await runGdbRemote(exe, ['break touch', 'continue', `x/${above.length + 1}i ${above[0]!.replace('@', '0x')}`, 'kill']);
      const addrs = [...gdb.matchAll(/^(?:=> )? *0x([0-9a-f]+)(?: <[^>]*>)?:\t/gm)].map((m) => `@${BigInt(`0x${m[1]}`).toString(16)}`);
      assert.deepEqual(addrs, [...above, insns[0]!]);
    });
  });
}
