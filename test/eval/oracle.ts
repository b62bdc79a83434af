// Test helper: runs the same print/ptype/whatis commands through gdb (the oracle) and through our evaluator.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, MATRIX } from '../helpers/build.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { StaticScope } from '../../src/eval/static-scope.js';
import { outputCommand, printCommand, ptypeCommand, setVarCommand, whatisCommand } from '../../src/eval/commands.js';
import { errorMessage } from '../../src/util/errors.js';
import type { EvalScope } from '../../src/eval/scope.js';

/** The build matrix plus strict DWARF 2 (block member locations, DW_AT_bit_offset bitfields). */
export const ZOO_BUILDS: { label: string; flags: string[] }[] = [...MATRIX, { label: 'dwarf2 strict -O0', flags: ['-g', '-gdwarf-2', '-gstrict-dwarf', '-O0'] }];

/** The zoo's sources (relative to test/fixtures). */
export const ZOO = ['types/zoo.c', 'types/zoo2.c'];

/** Every global the zoo defines (g_*), in source order. */
export function zooGlobals(): string[] {
  const src = readFileSync(join(FIXTURES, 'types', 'zoo.c'), 'utf8') + readFileSync(join(FIXTURES, 'types', 'zoo2.c'), 'utf8');
  return [...new Set(src.match(/\bg_[a-z0-9_]+\b/g) ?? [])];
}

/** gdb's answer to each command (stdout and stderr interleaved in order), one string per command. */
export function gdbAnswers(exe: string, commands: string[], pre: string[] = []): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'duster-oracle-'));
  const out = join(dir, 'out');
  const fd = openSync(out, 'w');
  const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-iex', 'set confirm off'];
  for (const p of pre) args.push('-ex', p);
  commands.forEach((c, i) => args.push('-ex', `echo @@@${i}@@@\\n`, '-ex', c));
  args.push('-ex', `echo @@@${commands.length}@@@\\n`, exe);
  spawnSync('gdb', args, { stdio: ['ignore', fd, fd], timeout: 300_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  closeSync(fd);
  const text = readFileSync(out, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const answers: string[] = [];
  for (let i = 0; i < commands.length; i++) {
    const start = text.indexOf(`@@@${i}@@@\n`);
    const end = text.indexOf(`@@@${i + 1}@@@\n`);
    answers.push(start < 0 || end < 0 ? '<missing>' : text.slice(start + `@@@${i}@@@\n`.length, end).replace(/\n$/, ''));
  }
  return answers;
}

/** A static scope over an executable, as gdb sees it before `run`. */
export function staticScope(exe: string): StaticScope {
  return new StaticScope(new Program(openElf(exe)));
}

/** Our answer to one gdb command line (print, output, ptype, whatis, set var). */
export async function ourAnswer(scope: EvalScope, command: string): Promise<string> {
  const m = /^(\w+)(.*)$/s.exec(command)!;
  const verb = m[1]!;
  const rest = m[2]!;
  try {
    if (verb === 'print' || verb === 'p') return await printCommand(scope, rest);
    if (verb === 'output') return await outputCommand(scope, rest);
    if (verb === 'ptype') return await ptypeCommand(scope, rest.trim());
    if (verb === 'whatis') return await whatisCommand(scope, rest.trim());
    if (verb === 'set' && /^\s+var\s/.test(rest)) {
      await setVarCommand(scope, rest.replace(/^\s+var\s+/, ''));
      return '';
    }
    return `<unsupported command ${verb}>`;
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'UserError' || name === 'MemoryError' || name === 'FormatError') return errorMessage(e);
    throw e;
  }
}

export async function ourAnswers(scope: EvalScope, commands: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of commands) out.push(await ourAnswer(scope, c));
  return out;
}

/** Mismatches as readable lines (empty when everything agrees). */
export function differences(commands: string[], gdb: string[], ours: string[]): string[] {
  const out: string[] = [];
  commands.forEach((c, i) => {
    if (gdb[i] !== ours[i]) out.push(`${c}\n  gdb:  ${JSON.stringify(gdb[i])}\n  ours: ${JSON.stringify(ours[i])}`);
  });
  return out;
}
