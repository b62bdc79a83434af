// Test helper: gdb as the oracle on a core file: registers per thread, memory bytes, the signal.
import { gdbBatch } from '../../helpers/build.js';

/** gdb's view of the core, from one batch run. */
export interface GdbCoreView {
  /** tid -> register name -> value, from `thread apply all info registers`. */
  registers: Map<number, Map<string, bigint>>;
  /** gdb's thread 1 (the thread that took the signal). */
  firstTid: number;
  /** "Program terminated with signal SIGSEGV" -> SIGSEGV. */
  signalName: string;
  /** address -> bytes from `x/Nxb`. */
  memory: Map<bigint, number[]>;
  raw: string;
}

export function gdbCoreView(exe: string, core: string, reads: { addr: bigint; len: number }[]): GdbCoreView {
  const cmds = [`core-file ${core}`, 'info threads', 'thread apply all -ascending info registers'];
  for (const r of reads) cmds.push(`echo @@x 0x${r.addr.toString(16)}\\n`, `x/${r.len}xb 0x${r.addr.toString(16)}`);
  const raw = gdbBatch(exe, cmds);
  const registers = new Map<number, Map<string, bigint>>();
  let current: Map<string, bigint> | undefined;
  const memory = new Map<bigint, number[]>();
  let reading: number[] | undefined;
  for (const line of raw.split('\n')) {
    const t = /^Thread \d+ \((?:Thread 0x[0-9a-f]+ )?\(?LWP (\d+)\)?/.exec(line);
    if (t) {
      registers.set(Number(t[1]), (current = new Map()));
      continue;
    }
    const x = /^@@x (0x[0-9a-f]+)/.exec(line);
    if (x) {
      memory.set(BigInt(x[1]!), (reading = []));
      current = undefined;
      continue;
    }
    const r = /^([a-z][a-z0-9_]*)\s+(0x[0-9a-f]+)\s/.exec(line);
    if (r && current) current.set(r[1]!, BigInt(r[2]!));
    const m = /^0x[0-9a-f]+(?: <[^>]*>)?:\s+(.*)$/.exec(line);
    if (m && reading) for (const b of m[1]!.split(/\s+/)) if (/^0x[0-9a-f]{2}$/.test(b)) reading.push(parseInt(b, 16));
  }
  const first = /^\* 1\s+(?:Thread 0x[0-9a-f]+ \()?LWP (\d+)/m.exec(raw);
  const sig = /Program terminated with signal (SIG[A-Z]+)/.exec(raw);
  return { registers, firstTid: first ? Number(first[1]) : -1, signalName: sig?.[1] ?? '', memory, raw };
}
