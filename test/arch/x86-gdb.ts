// Test helper for the x86 tests: an interactive gdb (the oracle) driven over pipes, one command at a time.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { RegisterSet } from '../../src/arch/x86-64/registers.js';

const MARK = '@@x86-gdb-done@@';

export class Gdb {
  private out = '';
  private exited = false;
  private waiting: (() => void) | undefined;
  private readonly proc: ChildProcessWithoutNullStreams;

  constructor(exe: string) {
    this.proc = spawn('gdb', ['-nx', '-q', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off',
      '-iex', 'set confirm off', '-iex', 'set breakpoint pending on', '-iex', 'set pagination off', exe], { stdio: 'pipe' });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.out += d;
      if (this.out.includes(MARK)) this.waiting?.();
    });
    this.proc.stderr.resume();
    this.proc.on('exit', () => {
      this.exited = true;
      this.waiting?.();
    });
  }

  /** Run one CLI command; returns its stdout (prompts removed). */
  async cmd(command: string): Promise<string> {
    this.proc.stdin.write(`${command}\necho ${MARK}\\n\n`);
    while (!this.out.includes(MARK)) {
      if (this.exited) throw new Error(`gdb exited during: ${command}`);
      await new Promise<void>((resolve) => { this.waiting = resolve; });
    }
    const at = this.out.indexOf(MARK);
    const text = this.out.slice(0, at);
    this.out = this.out.slice(at + MARK.length + 1);
    return text.replace(/\(gdb\) /g, '');
  }

  /** `info registers` as a RegisterSet; empty when the program is not running. */
  async registers(): Promise<RegisterSet> {
    const regs: RegisterSet = new Map();
    for (const line of (await this.cmd('info registers')).split('\n')) {
      const m = /^(\w+)\s+(0x[0-9a-f]+)/.exec(line);
      if (m) regs.set(m[1]!, BigInt(m[2]!));
    }
    return regs;
  }

  /** Memory through `x/Nxb`; throws when gdb cannot read it. */
  readonly read = async (addr: bigint, len: number): Promise<Uint8Array> => {
    const text = await this.cmd(`x/${len}xb 0x${addr.toString(16)}`);
    const bytes: number[] = [];
    for (const line of text.split('\n')) {
      const colon = line.indexOf(':');
      if (!line.startsWith('0x') || colon < 0) continue;
      for (const tok of line.slice(colon + 1).trim().split(/\s+/)) if (tok) bytes.push(parseInt(tok, 16));
    }
    if (bytes.length < len) throw new Error(`cannot read ${len} bytes at 0x${addr.toString(16)}`);
    return Uint8Array.from(bytes.slice(0, len));
  };

  close(): void {
    this.proc.stdin.end('kill\nquit\n');
    setTimeout(() => this.proc.kill('SIGKILL'), 2000).unref();
  }
}
