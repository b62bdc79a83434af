// "One bad byte in one unit": a two-unit program (main in the first unit) with one byte of the second unit's DIEs
// changed, N ways; does `info line main` still answer? Ours (the CLI in batch mode) against gdb on the same files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DwarfFile } from '../../src/dwarf/dwarf.js';
import { ElfFile } from '../../src/elf/elf.js';
import { CLI, compileFixture } from '../../test/helpers/build.js';
import { Rng } from '../../test/fuzz/mutate.js';

export interface BadUnitResult { files: number; ours: number; gdb: number; dir: string; rows: { file: string; at: string; ours: string; gdb: string }[] }

const ANSWER = /^Line \d+ of "[^"]*main\.c" (starts at address|is at address)/m;

export function badUnit(count: number, seed: number, log: (m: string) => void): BadUnitResult {
  const exe = compileFixture(['symbols/main.c', 'symbols/shapes.c'], ['-g', '-gdwarf-5', '-O0'], 'shapes-pie');
  const bytes = new Uint8Array(readFileSync(exe));
  const elf = new ElfFile(bytes, exe);
  const info = elf.section('.debug_info')!;
  const units = DwarfFile.open(elf).units;
  if (units.length < 2) throw new Error(`${exe}: expected two compile units, found ${units.length}`);
  const second = units[1]!;
  const dir = `/tmp/duster-fuzz-bad-unit-${seed}`;
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const rows: BadUnitResult['rows'] = [];
  let ours = 0;
  let gdb = 0;
  for (let i = 0; i < count; i++) {
    const b = new Uint8Array(bytes);
    const rel = second.firstDieOffset + rng.int(second.end - second.firstDieOffset);
    const old = b[info.offset + rel]!;
    const v = (old ^ (1 + rng.int(255))) & 0xff;
    b[info.offset + rel] = v;
    const file = join(dir, `bad-${i}`);
    writeFileSync(file, b);
    const o = spawnSync(process.execPath, [CLI, '--path', file, '--batch', '-ex', 'info line main'], { encoding: 'utf8', timeout: 30_000 });
    const g = spawnSync('gdb', ['-nx', '-batch', '-ex', 'info line main', file], { encoding: 'utf8', timeout: 30_000 });
    const oursText = `${o.stdout}${o.stderr}`.trim();
    const gdbText = `${g.stdout}${g.stderr}`.trim();
    if (ANSWER.test(o.stdout)) ours++;
    if (ANSWER.test(g.stdout)) gdb++;
    rows.push({ file, at: `.debug_info+0x${rel.toString(16)}: 0x${old.toString(16)} -> 0x${v.toString(16)}`, ours: oursText.split('\n')[0] ?? '', gdb: gdbText.split('\n').filter((l) => !/^warning: /.test(l))[0] ?? gdbText.split('\n')[0] ?? '' });
  }
  log(`bad unit: ${count} files, \`info line main\` answered by duster-tui ${ours}, by gdb ${gdb} (files in ${dir})`);
  return { files: count, ours, gdb, dir, rows };
}
