// Oracle test: locals whose DWARF locations are DW_OP_bit_piece/DW_OP_piece composites print as gdb prints them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/build.js';
import { runDuster, runGdbRemoteOutputs } from '../helpers/duster.js';

/** test/fixtures/pieces: bit-piece.c and the hand-edited bit-piece.s made from it (its header lists the edits). */
const PIECES = join(FIXTURES, 'pieces');

/** This file's builds, removed when its tests are done. */
const BUILD_DIR = mkdtempSync(join(tmpdir(), 'duster-bit-piece-'));
after(() => rmSync(BUILD_DIR, { recursive: true, force: true }));

/**
 * bit-piece.s assembled and linked with `flags` (once per flag set and variant). Its DW_AT_comp_dir is a
 * placeholder: this directory goes in its place, so both debuggers find bit-piece.c and list its lines.
 * `variant` names a further edit of the assembler text (`edit`), for a fixture that only one test needs.
 */
function buildBitPiece(flags: string[], variant?: { name: string; edit: (asmText: string) => string }): string {
  const dir = join(BUILD_DIR, [...flags, ...(variant ? [variant.name] : [])].join('_') || 'default');
  const exe = join(dir, 'bit-piece');
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const asm = join(dir, 'bit-piece.s');
  const text = readFileSync(join(PIECES, 'bit-piece.s'), 'utf8').replaceAll('/duster-fixtures/pieces', PIECES);
  writeFileSync(asm, variant ? variant.edit(text) : text);
  execFileSync('gcc', ['-g', ...flags, '-o', exe, asm], { stdio: ['ignore', 'ignore', 'pipe'] });
  return exe;
}

/** The line of the marker() call in `fn`: where the registers the pieces read hold what the asm statement put there. */
function markerLine(fn: string): number {
  const lines = readFileSync(join(PIECES, 'bit-piece.c'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`int ${fn}(`));
  const at = lines.findIndex((l, i) => i > start && l.trim() === 'marker();');
  assert.ok(start >= 0 && at > start, `bit-piece.c calls marker() in ${fn}`);
  return at + 1;
}

/** What only gdb prints on connecting (shared-library reads, the stop in ld.so, its warnings) and kill's query. */
function gdbOnly(line: string): boolean {
  return /^Reading |^0x[0-9a-f]+ in _start \(\) from |^warning: |^Downloading |^Kill the program being debugged\? /.test(line);
}

interface Outputs {
  stdout: string[];
  /** The error messages ("Can't take address of ..."), which both debuggers write to stderr. */
  stderr: string[];
}

/** Runs `commands` (then kill) through duster-tui and through gdb, each on its own gdbserver. */
async function bothDebuggers(exe: string, commands: string[]): Promise<{ ours: Outputs; gdb: Outputs }> {
  const all = [...commands, 'kill'];
  const [ours, gdb] = await Promise.all([runDuster(exe, all, { timeoutMs: 180_000 }), runGdbRemoteOutputs(exe, all)]);
  const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '' && !gdbOnly(l)).map((l) => l.replace(/\(process \d+\)/g, '(process N)'));
  return {
    ours: { stdout: lines(ours.stdout), stderr: lines(ours.stderr) },
    gdb: { stdout: lines(gdb.stdout), stderr: lines(gdb.stderr) },
  };
}

const BUILDS = [{ label: 'PIE', flags: [] }, { label: '-no-pie', flags: ['-no-pie'] }];

const DEMO_LOCALS = ['reg_mem', 'konst', 'half_gone', 'shifted', 'arr', 'mix', 'wide', 'typed', 'partial', 'ragged'];

/**
 * Every local printed plainly and in hex, its location described, then members, elements and uses of them.
 * No `==` on a composite: gdb 13 stops there with an internal error (a lazy value with an enclosing type).
 */
const DEMO_COMMANDS = [
  'info locals',
  ...DEMO_LOCALS.flatMap((v) => [`print ${v}`, `print/x ${v}`, `info address ${v}`]),
  'info scope pieces_demo', `info scope bit-piece.c:${markerLine('pieces_demo')}`,
  'print/x $rax', 'print/x $rbx',
  'print reg_mem.lo', 'print reg_mem.hi', 'print konst.hi', 'print/t konst', 'print half_gone.lo', 'print half_gone.hi',
  'print arr[0]', 'print arr[1]', 'print arr[2] * 3', 'print/x arr[1]', 'print arr[1]@2',
  'print mix.tag', 'print/c mix.tag', 'print mix.nib', 'print -mix.nib', 'print mix.rest + 1', 'print mix.last', 'output mix',
  'print/d wide', 'print/x typed', 'print ragged + 1', 'print half_gone.hi + 1', 'print sizeof(mix)',
  'ptype reg_mem', 'ptype mix', 'whatis arr', 'whatis typed',
  // Composites are not lvalues: gdb names the variable, or says the member is not in memory.
  'print &reg_mem', 'print &shifted', 'print &wide', 'print &arr', 'print &arr[0]', 'print &mix.tag', 'print &half_gone.lo',
];

for (const build of BUILDS) {
  test(`bit pieces from registers, memory, stack values and empty pieces print as gdb's (pieces_demo, ${build.label})`, async () => {
    const exe = buildBitPiece(build.flags);
    const r = await bothDebuggers(exe, [`break ${markerLine('pieces_demo')}`, 'continue', ...DEMO_COMMANDS]);
    assert.ok(r.gdb.stdout.some((l) => l.startsWith('reg_mem = {lo = ')), `gdb printed the locals:\n${r.gdb.stdout.join('\n')}`);
    assert.ok(r.gdb.stdout.some((l) => l.includes('DW_OP_bit_piece') || l.includes('-bit piece')), 'gdb described bit pieces');
    assert.deepEqual(r.ours.stdout, r.gdb.stdout);
    assert.deepEqual(r.ours.stderr, r.gdb.stderr);
  });
}

// In marker's caller the registers come through the unwinder (marker saves neither rax nor rbx).
test("bit pieces read in a caller's frame print as gdb's", async () => {
  const exe = buildBitPiece([]);
  const r = await bothDebuggers(exe, ['break marker', 'continue', 'up', 'info locals', 'print/x arr', 'print/x typed', 'down', 'up 1', 'print shifted']);
  assert.ok(r.gdb.stdout.some((l) => l.startsWith('shifted = ')), `gdb printed the locals:\n${r.gdb.stdout.join('\n')}`);
  assert.deepEqual(r.ours.stdout, r.gdb.stdout);
  assert.deepEqual(r.ours.stderr, r.gdb.stderr);
});

/**
 * tail_gone's location made corrupt: `DW_OP_reg0; DW_OP_lit1`, a register operation that neither ends the
 * expression nor is followed by a piece (the original is 7 bytes, DW_OP_reg0 through its second bit piece).
 */
const CORRUPT_TAIL_GONE = {
  name: 'corrupt-tail-gone',
  edit(asmText: string): string {
    const from = asmText.indexOf('\t.uleb128 0x7\t# DW_AT_location: edited, 7 bytes (gcc: DW_OP_fbreg -24)');
    const to = asmText.indexOf('\t.byte\t0\t# end of children of DIE 0xfa');
    assert.ok(from > 0 && to > from, "bit-piece.s has tail_gone's location where this edit expects it");
    return `${asmText.slice(0, from)}\t.uleb128 0x2\n\t.byte\t0x50\t# DW_OP_reg0\n\t.byte\t0x31\t# DW_OP_lit1\n${asmText.slice(to)}`;
  },
};

// gdb reports a corrupt location expression as an error of the command that met it and goes on; batch mode
// must not stop there (it once did: the error was taken for a corrupt program file, which is fatal in batch).
test('a corrupt location expression is an ordinary error: the commands after it run, as in gdb', async () => {
  const exe = buildBitPiece([], CORRUPT_TAIL_GONE);
  const r = await bothDebuggers(exe, [
    `break ${markerLine('bit_gaps')}`, 'continue', 'print tail_gone', 'print tail_gone.lo', 'print &tail_gone', 'print 6 * 7', 'print/x $rax',
    'info locals', 'print sizeof(tail_gone)', 'ptype tail_gone', 'whatis tail_gone.lo',
  ]);
  const message = "DWARF-2 expression error: `DW_OP_reg' operations must be used either alone or in conjunction with DW_OP_piece or DW_OP_bit_piece.";
  assert.deepEqual(r.gdb.stderr, [message, message, message], 'gdb reports each use of tail_gone');
  assert.ok(r.gdb.stdout.includes('$1 = 42'), `gdb went on after the errors:\n${r.gdb.stdout.join('\n')}`);
  assert.deepEqual(r.ours.stdout, r.gdb.stdout);
  assert.deepEqual(r.ours.stderr, r.gdb.stderr);
});

// Availability is kept per bit where a byte mixes available and optimized-out bits, and a composite is an lvalue:
// an assignment writes each bit to the memory or register piece holding it (gdb's rw_pieced_value), and drops
// the bits of stack values, implicit values and empty pieces.
test('bitfields sharing a byte with optimized-out bits, and assignments through pieces, print as gdb\'s', async () => {
  const exe = buildBitPiece([]);
  const r = await bothDebuggers(exe, [
    `break ${markerLine('bit_gaps')}`, `break ${markerLine('pieces_demo')}`, 'continue',
    'print reg_mem.hi = 5', 'print reg_mem', 'print reg_mem.lo = 30', 'print/x $rax', 'print reg_mem',
    'print shifted = 0x7abcdef1', 'print/x shifted', 'print/x $rbx', 'print konst.hi = 9', 'print konst',
    'print half_gone.lo = 1', 'print half_gone.hi = 2', 'print half_gone', 'print arr[1] = -5', 'print arr', 'print/x $rax',
    'print mix.rest = 77', 'print mix', 'print partial = 7', 'print partial', 'print reg_mem = konst', 'print reg_mem',
    'continue', 'info locals', 'print lead_gone.lo', 'print lead_gone.hi', 'print tail_gone.lo', 'print tail_gone.hi',
    'print lead_gone.hi = 3', 'print lead_gone', 'print $1', 'print $1.lo',
  ]);
  assert.deepEqual(r.ours.stdout, r.gdb.stdout);
  assert.deepEqual(r.ours.stderr, r.gdb.stderr);
});
