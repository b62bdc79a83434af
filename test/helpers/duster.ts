// Test helper: runs the real duster-tui CLI in batch mode against a program under a real gdbserver.
import { spawn, spawnSync } from 'node:child_process';
import { CLI } from './build.js';
import { startGdbserver } from './gdbserver.js';

export interface DusterRun {
  /** What duster-tui printed on stdout / stderr. */
  stdout: string;
  stderr: string;
  code: number | null;
  /** What the debugged program printed, and how gdbserver saw it end. */
  programOut: string;
  gdbserverCode: number | null;
}

/** Runs `duster-tui --path exe --gdb ... --batch -ex c1 -ex c2 ...` and waits for the program to end too. */
export async function runDuster(exe: string, commands: string[], opts: { strategy?: 'trap' | 'spin'; args?: string[]; extra?: string[]; timeoutMs?: number } = {}): Promise<DusterRun> {
  const gs = await startGdbserver(exe, opts.args ?? []);
  try {
    const argv = [CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--batch', ...(opts.strategy ? ['--breakpoints', opts.strategy] : []), ...(opts.extra ?? [])];
    for (const c of commands) argv.push('-ex', c);
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timeout = opts.timeoutMs ?? 60_000;
    const code = await new Promise<number | null>((resolve, reject) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`duster-tui did not finish within ${timeout} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeout);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    const gsCode = await Promise.race([gs.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    return { stdout, stderr, code, programOut: gs.stdout, gdbserverCode: gsCode };
  } finally {
    await gs.stop();
  }
}

/** The source lines ("73\t...") a debugger printed, in order: what step/next visited. */
export function sourceLines(text: string): string[] {
  return text.split('\n').filter((l) => /^(0x[0-9a-f]+\t)?\d+\t/.test(l)).map((l) => l.replace(/^0x[0-9a-f]+\t/, ''));
}

/** Frame headers with addresses and argument values normalised (stack addresses differ between runs). */
export function normaliseFrames(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => / at \S+:\d+$/.test(l) || /^#\d+/.test(l))
    .map((l) => l.replace(/0x[0-9a-f]+/g, 'ADDR').replace(/^Breakpoint \d+, /, '').replace(/^Temporary breakpoint \d+, /, ''));
}

/** gdb itself driving a fresh gdbserver on the same program (same environment, so same stack addresses). */
export async function runGdbRemote(exe: string, commands: string[], opts: { args?: string[] } = {}): Promise<string> {
  return (await runGdbRemoteOutputs(exe, commands, opts)).stdout;
}

/** runGdbRemote with gdb's error output too (its "No symbol ..." lines, to compare with ours). */
export async function runGdbRemoteOutputs(exe: string, commands: string[], opts: { args?: string[] } = {}): Promise<{ stdout: string; stderr: string }> {
  const gs = await startGdbserver(exe, opts.args ?? []);
  try {
    const args = ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `target remote ${gs.host}:${gs.port}`];
    for (const c of commands) args.push('-ex', c);
    const r = spawnSync('gdb', [...args, exe], { encoding: 'utf8', timeout: 120_000 });
    return { stdout: r.stdout, stderr: r.stderr };
  } finally {
    await gs.stop();
  }
}

/**
 * Entry values (gdb's `x=x@entry=1`, from DW_OP_entry_value and call sites) are a separate piece of work: on a
 * line where gdb shows one, both sides' argument lists and values are masked (the rest of the line still counts).
 */
export function maskEntryValueLines(ours: string[], gdb: string[]): { ours: string[]; gdb: string[] } {
  const mask = (l: string) => l.replace(/\((?:[^()]|\([^()]*\))*\)/g, '(ARGS)').replace(/args: .*/, 'args: ARGS').replace(/^(\S+) = .*/, '$1 = VALUE');
  const o: string[] = [];
  const g: string[] = [];
  for (let i = 0; i < Math.max(ours.length, gdb.length); i++) {
    const gl = gdb[i];
    const ol = ours[i];
    if (gl !== undefined && gl.includes('@entry') && ol !== undefined) {
      o.push(mask(ol));
      g.push(mask(gl));
    } else {
      if (ol !== undefined) o.push(ol);
      if (gl !== undefined) g.push(gl);
    }
  }
  return { ours: o, gdb: g };
}
