// Test helper for the PIE tests: the same commands through duster-tui and gdb, each over its own fresh gdbserver, compared answer by answer.
import { spawn } from 'node:child_process';
import { CLI, gdbBatch } from '../helpers/build.js';
import { runDuster } from '../helpers/duster.js';
import { startGdbserver } from '../helpers/gdbserver.js';

/** gdb over a fresh gdbserver with `set sysroot /` (local library files, as duster-tui reads them). */
export async function gdbOverGdbserver(exe: string, commands: string[], args: string[] = []): Promise<string> {
  const gs = await startGdbserver(exe, args);
  try {
    return gdbBatch(exe, ['set sysroot /', `target remote ${gs.host}:${gs.port}`, ...commands]);
  } finally {
    await gs.stop();
  }
}

/** Chatter that differs between the two debuggers without being an answer (connection, warnings, the attach line). */
function isChatter(line: string): boolean {
  return /^(Reading |warning: |Using host|\[Inferior |Remote debugging|Kill the program|0x[0-9a-f]+ in _start \(\))/.test(line);
}

/** The answers of one run, split per command by the echo we add (gdb `echo` and ours print the same marker). */
export function answersByCommand(text: string, commands: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^@@(\d+)@@\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const n = Number(parts[i]);
    const body = parts[i + 1]!.split('\n').filter((l) => l !== '' && !isChatter(l)).join('\n');
    out.set(`${n}: ${commands[n]}`, body);
  }
  return out;
}

/** Commands with a marker echoed before each, so answers can be paired even when one side prints nothing. */
export function marked(commands: string[]): string[] {
  return commands.flatMap((c, i) => [`echo @@${i}@@\\n`, c]);
}

export interface Comparison {
  equal: number;
  total: number;
  /** Each differing answer: the command, gdb's text and ours. */
  differences: { command: string; gdb: string; ours: string }[];
}

/** Runs `commands` through both debuggers and pairs the answers. */
export async function compareWithGdb(exe: string, commands: string[], opts: { args?: string[]; extra?: string[] } = {}): Promise<Comparison & { stderr: string; code: number | null }> {
  const cmds = marked(commands);
  const ours = await runDuster(exe, cmds, { ...(opts.args ? { args: opts.args } : {}), ...(opts.extra ? { extra: opts.extra } : {}), timeoutMs: 120_000 });
  const gdb = await gdbOverGdbserver(exe, cmds, opts.args ?? []);
  const a = answersByCommand(gdb, commands);
  const b = answersByCommand(ours.stdout, commands);
  const differences: Comparison['differences'] = [];
  let equal = 0;
  for (const [command, g] of a) {
    const o = b.get(command) ?? '<missing>';
    if (o === g) equal++;
    else differences.push({ command, gdb: g, ours: o });
  }
  return { equal, total: a.size, differences, stderr: ours.stderr, code: ours.code };
}

/** A readable report of the differences (printed by the tests, so a failure says what differed). */
export function describeDifferences(c: Comparison): string {
  return c.differences.map((d) => `--- ${d.command}\ngdb:\n${d.gdb}\nours:\n${d.ours}`).join('\n');
}

/**
 * `continue` then SIGINT once the program has printed `readyText` and slept a little, then `after`: through
 * duster-tui (batch mode turns SIGINT into an interrupt while the target runs) or gdb, over a fresh gdbserver.
 */
export async function interruptedRun(who: 'duster' | 'gdb', exe: string, after: string[], opts: { args?: string[]; readyText: string }): Promise<string> {
  const gs = await startGdbserver(exe, opts.args ?? []);
  try {
    const cmds = marked(['continue', ...after]);
    const argv = who === 'duster'
      ? [CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--batch', ...cmds.flatMap((c) => ['-ex', c])]
      : ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', 'set sysroot /',
        '-ex', `target remote ${gs.host}:${gs.port}`, ...cmds.flatMap((c) => ['-ex', c]), exe];
    const child = spawn(who === 'duster' ? process.execPath : 'gdb', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.resume();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Generous waits: the machine is shared; the program naps 20 ms at a time for half a minute.
    for (let i = 0; i < 600 && !gs.stdout.includes(opts.readyText); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    await exited;
    clearTimeout(timer);
    return out;
  } finally {
    await gs.stop();
  }
}
