// Paired timing runs of duster-tui and gdb on the same program under a fresh gdbserver each (bench/stepping.ts, bench/inline.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type Tool = 'duster' | 'gdb';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s.at(-1)! };
}

export const fmt = (s: Spread): string => `${s.median.toFixed(3)} (${s.min.toFixed(3)}-${s.max.toFixed(3)})`;

/** One program benchmarked: scripts are written to `work`; lines on stderr that say a detach failed are collected. */
export class RemoteRuns {
  /** Lines on stderr that say a detach failed: counted and shown, never hidden. */
  readonly detachFailures: string[] = [];

  constructor(private readonly exe: string, private readonly work: string, private readonly runs: number) {}

  private startGdbserver(): Promise<{ port: number; stop: () => void }> {
    return new Promise((res, rej) => {
      const p = spawn('gdbserver', ['--once', '127.0.0.1:0', this.exe], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      p.stderr.setEncoding('utf8').on('data', (s: string) => {
        log += s;
        const m = /Listening on port (\d+)/.exec(log);
        if (m) res({ port: Number(m[1]), stop: () => p.kill('SIGKILL') });
      });
      p.on('exit', () => rej(new Error(`gdbserver ended: ${log}`)));
    });
  }

  private run(cmd: string, args: string[]): Promise<number> {
    return new Promise((res, rej) => {
      const t0 = process.hrtime.bigint();
      const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      p.on('exit', (code) => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        for (const l of err.split('\n')) if (/detach/i.test(l)) this.detachFailures.push(`${cmd === 'gdb' ? 'gdb' : 'duster-tui'}: ${l}`);
        if (code === 0) res(ms);
        else rej(new Error(`${cmd} exited ${code}: ${err.trim()}`));
      });
    });
  }

  /** Wall time of one run: attach, the setup commands, `repeated` n times, detach (ms). */
  async timeWith(tool: Tool, setup: string[], repeated: string[], n: number, strategy: 'trap' | 'spin'): Promise<number> {
    const gs = await this.startGdbserver();
    const script = join(this.work, `${tool}-${n}-${repeated.join('-').replace(/\W+/g, '_')}.cmd`);
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(...repeated);
    writeFileSync(script, [...setup, ...body].join('\n') + '\n');
    try {
      return await this.run(...this.command(tool, gs.port, script, strategy));
    } finally {
      gs.stop();
    }
  }

  /** The debugger's command line for a script against gdbserver on `port`. */
  private command(tool: Tool, port: number, script: string, strategy: 'trap' | 'spin'): [string, string[]] {
    if (tool === 'gdb') return ['gdb', ['-nx', '-batch', '-iex', 'set sysroot /', '-ex', `target remote 127.0.0.1:${port}`, '-x', script, this.exe]];
    return [process.execPath, [join(root, 'dist', 'cli', 'main.js'), '--path', this.exe, '--gdb', `127.0.0.1:${port}`, '--breakpoints', strategy, '--batch', '-x', script]];
  }

  /**
   * Milliseconds from the output line matching `from` to the first later one matching `to`, in one run of
   * `script` (gdb's stdout line-buffered with stdbuf; ours writes pipes synchronously): one answer's own time,
   * with start-up and the other commands outside it, for a one-off operation that paired runs cannot resolve.
   */
  async gap(tool: Tool, script: string[], from: RegExp, to: RegExp): Promise<number> {
    const gs = await this.startGdbserver();
    const file = join(this.work, `${tool}-gap.cmd`);
    writeFileSync(file, script.join('\n') + '\n');
    try {
      const [cmd, args] = this.command(tool, gs.port, file, 'trap');
      return await new Promise((res, rej) => {
        const p = tool === 'gdb' ? spawn('stdbuf', ['-oL', cmd, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }) : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
        let pending = '';
        let start: bigint | undefined;
        let result: number | undefined;
        p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          const now = process.hrtime.bigint();
          pending += chunk;
          for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
            const line = pending.slice(0, i);
            pending = pending.slice(i + 1);
            if (start === undefined && from.test(line)) start = now;
            else if (start !== undefined && result === undefined && to.test(line)) result = Number(now - start) / 1e6;
          }
        });
        p.on('exit', () => (result !== undefined ? res(result) : rej(new Error(`${tool}: no line matching ${to} after ${from}`))));
      });
    } finally {
      gs.stop();
    }
  }

  /** `gap` over this.runs runs. */
  async gaps(tool: Tool, script: string[], from: RegExp, to: RegExp): Promise<Spread> {
    const xs: number[] = [];
    for (let i = 0; i < this.runs; i++) xs.push(await this.gap(tool, script, from, to));
    return spread(xs);
  }

  /** Per-operation times of the paired runs: (run with n ops - run with 0 ops) / n, in ms. */
  async perOp(tool: Tool, setup: string[], op: string[], n: number, strategy: 'trap' | 'spin' = 'trap'): Promise<Spread> {
    const xs: number[] = [];
    for (let i = 0; i < this.runs; i++) {
      const base = await this.timeWith(tool, setup, op, 0, strategy);
      const full = await this.timeWith(tool, setup, op, n, strategy);
      xs.push((full - base) / n);
    }
    return spread(xs);
  }

  /** Whole runs of a script: median and spread, in ms. */
  async wholeRun(tool: Tool, setup: string[]): Promise<Spread> {
    const xs: number[] = [];
    for (let i = 0; i < this.runs; i++) xs.push(await this.timeWith(tool, setup, [], 0, 'trap'));
    return spread(xs);
  }
}
