// Parses GDB remote stop replies (T, S, W, X, O, N), thread ids, and names GDB's signal numbers.
import { gdbSignal } from '../signal-numbers.js';
import { PacketError, fromHex, preview } from './packets.js';

/** A thread id as the stub wrote it: `tid`, or `pPID.TID` in multiprocess form. -1 = all, 0 = any. */
export interface ThreadId {
  pid?: number;
  tid: number;
  /** The exact text, sent back unchanged in H and vCont packets. */
  text: string;
}

/** Parses "1a", "-1", "p1a.2b", "p1a" (all threads of a process). */
export function parseThreadId(text: string): ThreadId {
  const hexOrAll = (s: string): number => {
    if (s === '-1') return -1;
    if (!/^[0-9a-fA-F]{1,13}$/.test(s)) throw new PacketError(`Malformed thread id from remote: ${preview(text)}`);
    return parseInt(s, 16);
  };
  if (text.startsWith('p')) {
    const dot = text.indexOf('.');
    if (dot < 0) return { pid: hexOrAll(text.slice(1)), tid: -1, text };
    return { pid: hexOrAll(text.slice(1, dot)), tid: hexOrAll(text.slice(dot + 1)), text };
  }
  return { tid: hexOrAll(text), text };
}

export type StopReply =
  | {
      kind: 'signal';
      signal: number;
      thread?: ThreadId;
      core?: number;
      /** Why, when the stub says: swbreak, hwbreak, watch, rwatch, awatch, library, fork, exec... */
      reason?: string;
      /** The data address of a watchpoint hit. */
      watchAddress?: bigint;
      /** The new process of a fork or vfork event (fork:pPID.TID), stopped and still attached. */
      forkChild?: ThreadId;
      /** Expedited registers: register number -> raw bytes in target order. */
      registers: Map<number, Buffer>;
      /** Registers expedited by name rather than number (rare). */
      namedRegisters: Map<string, Buffer>;
    }
  | { kind: 'exited'; code: number; pid?: number }
  | { kind: 'terminated'; signal: number; pid?: number }
  | { kind: 'output'; bytes: Buffer }
  | { kind: 'no-resumed' };

const STOP_REASONS = new Set([
  'watch', 'rwatch', 'awatch', 'swbreak', 'hwbreak', 'library', 'replaylog', 'fork', 'vfork', 'vforkdone', 'exec', 'create',
  'clone',
]);
const WATCH_REASONS = new Set(['watch', 'rwatch', 'awatch']);

function hexByte(text: string, at: number, packet: string): number {
  const s = text.slice(at, at + 2);
  if (!/^[0-9a-fA-F]{2}$/.test(s)) throw new PacketError(`Malformed stop reply from remote: ${preview(packet)}`);
  return parseInt(s, 16);
}

/** Whether a packet is a stop reply (or O output) rather than an ordinary reply. */
export function isStopReply(packet: string): boolean {
  const c = packet[0];
  if (c === 'O') return packet !== 'OK' && /^O([0-9a-fA-F]{2})*$/.test(packet);
  return c === 'T' || c === 'S' || c === 'W' || c === 'X' || packet === 'N';
}

/** Parses a stop reply. Throws PacketError on malformed input. */
export function parseStopReply(packet: string): StopReply {
  const c = packet[0];
  switch (c) {
    case 'O':
      return { kind: 'output', bytes: fromHex(packet.slice(1)) };
    case 'N':
      return { kind: 'no-resumed' };
    case 'W':
    case 'X': {
      // gdbserver writes the status with %x (one digit: "W0;process:2afe") when multiprocess is on.
      const status = /^[WX]([0-9a-fA-F]{1,2})(;|$)/.exec(packet);
      if (!status) throw new PacketError(`Malformed stop reply from remote: ${preview(packet)}`);
      const code = parseInt(status[1]!, 16);
      let pid: number | undefined;
      const m = /;process:([0-9a-fA-F]+)$/.exec(packet);
      if (m) pid = parseInt(m[1]!, 16);
      return c === 'W' ? { kind: 'exited', code, pid } : { kind: 'terminated', signal: code, pid };
    }
    case 'S':
      return { kind: 'signal', signal: hexByte(packet, 1, packet), registers: new Map(), namedRegisters: new Map() };
    case 'T':
      return parseT(packet);
    default:
      throw new PacketError(`Unexpected stop reply from remote: ${preview(packet)}`);
  }
}

function parseT(packet: string): StopReply {
  const reply: Extract<StopReply, { kind: 'signal' }> = {
    kind: 'signal',
    signal: hexByte(packet, 1, packet),
    registers: new Map(),
    namedRegisters: new Map(),
  };
  for (const field of packet.slice(3).split(';')) {
    if (field === '') continue;
    const colon = field.indexOf(':');
    if (colon < 0) throw new PacketError(`Malformed stop reply from remote: ${preview(packet)}`);
    const key = field.slice(0, colon);
    const value = field.slice(colon + 1);
    if (key === 'thread') reply.thread = parseThreadId(value);
    else if (key === 'core') reply.core = parseInt(value, 16);
    else if (STOP_REASONS.has(key)) {
      reply.reason = key;
      if (WATCH_REASONS.has(key) && /^[0-9a-fA-F]+$/.test(value)) reply.watchAddress = BigInt(`0x${value}`);
      if ((key === 'fork' || key === 'vfork') && /^p?[0-9a-fA-F]+(\.[0-9a-fA-F]+)?$/.test(value)) reply.forkChild = parseThreadId(value);
    } else if (/^[0-9a-fA-F]+$/.test(key)) {
      reply.registers.set(parseInt(key, 16), fromHex(value));
    } else if (/^[A-Za-z_][\w.]*$/.test(key) && /^([0-9a-fA-F]{2})+$/.test(value)) {
      reply.namedRegisters.set(key, fromHex(value));
    }
    // Other keys are extensions we do not know: the protocol says to ignore them.
  }
  return reply;
}

export const SIGINT = 2;
export const SIGTRAP = 5;
export const SIGSTOP = 17;

/** "SIGSEGV" for 11 (gdb's numbering, signal-numbers.ts); "SIG<n>" for numbers gdb does not name. */
export function signalName(n: number): string {
  return gdbSignal(n)?.name ?? `SIG${n}`;
}

