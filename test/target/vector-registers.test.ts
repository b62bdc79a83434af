// x87, SSE, AVX and AVX-512 registers against gdb on the same binary: p $xmm0 / $ymm / $zmm / $st / $mxcsr, ptype, lane writes, info registers groups, info all-registers, outer frames, a core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { CLI, compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';
import { marked, split } from '../helpers/sections.js';
import { crashCore } from './core-file/crash-core.js';

/** What every case asks, stopped in probe() with the registers loaded by the fixture. */
const LOOK = [
  'p $xmm0', 'p $xmm0.v4_float[1]', 'p/x $xmm1', 'p $xmm2.v4_int32', 'p $ymm0.v8_int32', 'p $ymm3', 'p/x $ymm3.v8_float',
  'p $zmm17.v8_double', 'p $zmm1', 'p $k3', 'p $st0', 'p $st2', 'p $st5', 'p $mxcsr', 'p $fctrl', 'p $ftag', 'p sizeof($st0)',
  'ptype $xmm0', 'whatis $xmm0', 'whatis $ymm0', 'ptype $ymm0', 'ptype $zmm0', 'whatis $xmm0.v4_float', 'ptype $xmm0.v2_double',
  'ptype $st0', 'ptype $mxcsr', 'p $ymm0h', 'p $xmm0.v8_int16 + 1', 'output $xmm2',
  'info registers xmm0 st0 mxcsr', 'info registers ymm3 $k1 zmm17', 'info registers vector', 'info registers float',
  'info registers sse', 'info all-registers', 'info registers', 'info registers nosuch',
  'up', 'p $xmm2', 'p $ymm3.v8_float', 'info registers xmm2 st1 rip',
];

/** Writes through gdbserver's P packet, read back the way gdb reads them. */
const WRITE = [
  'set var $ymm3.v8_float[6] = -4', 'p $ymm3.v8_float', 'down', 'set var $xmm0.v4_float[0] = 0.75', 'p $xmm0.v4_float',
  'set var $xmm1.v2_double[1] = 1e-5', 'p $xmm1.v2_double', 'set var $st1 = 0.25', 'info registers st1', 'p $mxcsr = 0x1f80',
  'info registers mxcsr', 'p $xmm5.v16_int8[3] = -7', 'p $xmm5', 'p $k2 = 9', 'p $k2',
];

/** `info registers` rows of general registers hold run-specific values (the stack, the kernel's rcx/r11): compared by name. */
function comparable(command: string, text: string): string {
  if (command !== 'info all-registers' && command !== 'info registers') return text;
  return text.split('\n').map((l) => (/^(r\w+|e?flags|[c-gs]s)\s/.test(l) ? l.split(/\s+/)[0]! : l)).join('\n');
}

/** Every command's answer from index `from` on (gdb prints file transfers and the like while it connects and runs). */
function compare(label: string, commands: string[], ours: Map<number, string>, theirs: Map<number, string>, from = 0): void {
  commands.forEach((c, i) => {
    if (i >= from) assert.equal(comparable(c, ours.get(i) ?? ''), comparable(c, theirs.get(i) ?? ''), `${label}: "${c}"`);
  });
}

for (const opt of ['-O0', '-O2']) {
  test(`vector and x87 registers at a breakpoint, PIE ${opt}: print, ptype, writes, info registers equal gdb over the same gdbserver`, { timeout: 240_000 }, async () => {
    const exe = compileFixture(['x86/vregs.c'], ['-g', opt], 'vregs');
    const commands = ['break probe', 'continue', ...LOOK, ...WRITE];
    // kill gets a section of its own, left out of the comparison (it names the process).
    const ours = split((await runDuster(exe, marked([...commands, 'kill']), { timeoutMs: 120_000 })).stdout);
    const theirs = split(await runGdbRemote(exe, marked([...commands, 'kill'])));
    // The fixture did load the registers (gdb sees them): the comparison below is not between two voids.
    assert.match(theirs.get(commands.indexOf('p $xmm0')) ?? '', /v4_float = \{1\.5, -2, 3\.25/);
    assert.match(theirs.get(commands.indexOf('p $st0')) ?? '', /= 1\.5$/);
    compare(opt, commands, ours, theirs, 2);
  });
}

test('vector and x87 registers in a core (the kernel\'s, with NT_X86_XSTATE) equal gdb on the same core', { timeout: 240_000 }, () => {
  const exe = compileFixture(['x86/vregs.c'], ['-g', '-O2'], 'vregs');
  const { core } = crashCore(exe, ['crash']);
  const commands = [...LOOK.filter((c) => c !== 'info registers'), 'info registers rip', 'p $ymm1.v8_float[7] + 1', 'p $xmm17', 'set var $xmm0.v4_float[0] = 1'];
  const args = marked(commands).flatMap((c) => ['-ex', c]);
  const ours = spawnSync(process.execPath, [CLI, '--path', exe, '--core', core, '--batch', ...args], { encoding: 'utf8', cwd: dirname(exe), timeout: 60_000 });
  const gdb = spawnSync('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `core-file ${core}`, ...args, exe],
    { encoding: 'utf8', cwd: dirname(exe), timeout: 120_000 });
  const theirs = split(gdb.stdout);
  assert.match(theirs.get(commands.indexOf('p $xmm0')) ?? '', /v4_float = \{1\.5, -2, 3\.25/);
  compare('core', commands, split(ours.stdout), theirs);
  // The refusals (an unknown register, arithmetic on an unavailable lane, a write to a core) in gdb's words.
  const errors = (text: string): string[] => text.split('\n').filter((l) => l && !/^warning: /.test(l));
  assert.deepEqual(errors(ours.stderr), errors(gdb.stderr));
});
