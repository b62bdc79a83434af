// x86-64 instruction decoding (capstone-wasm, lazily loaded): gdb-style AT&T text and control-flow facts.
import { type Operand, formatAtt } from './att.js';
import { MAX_WINDOW, decoderLoaded, loadDecoder, rawDisasm } from './capstone.js';

export type { Operand } from './att.js';
export { loadDecoder } from './capstone.js';

export type InsnKind = 'jump' | 'cond-jump' | 'call' | 'ret' | 'iret' | 'syscall' | 'int' | 'hlt' | 'invalid' | 'other';

export interface Instruction {
  address: bigint;
  size: number;
  bytes: Uint8Array;
  /** As gdb prints it, with prefixes: "mov", "rep stos", "notrack jmp". "(bad)" when undecodable. */
  mnemonic: string;
  /** Operand text as gdb prints it (AT&T), without symbol annotations. */
  operands: string;
  kind: InsnKind;
  /** Structured operands in AT&T order (source first); empty for "(bad)". */
  ops: Operand[];
  /** Direct branch/call target (jmp/jcc/loop/jrcxz/call rel). */
  target?: bigint;
  /** The operand an indirect jmp/call goes through (register or memory). */
  indirect?: Operand;
  /** Address of the next instruction. */
  fallThrough: bigint;
  /** rep/repz/repnz string instruction: a hardware single-step may stop on it again. */
  repeats: boolean;
  /** Effective address of a rip-relative memory operand (gdb's "# 0x2018" comment). */
  ripTarget?: bigint;
}

const MAX_INSN = 15;

function classify(mn: string): InsnKind {
  const m = mn.split(' ').at(-1)!;
  if (m === '(bad)') return 'invalid';
  if (m === 'jmp' || /^ljmp[lqw]?$/.test(m)) return 'jump';
  if (/^j[a-z]+$/.test(m) || /^loop(n?e|n?z)?$/.test(m) || m === 'xbegin') return 'cond-jump';
  if (m === 'call' || /^lcall[lqw]?$/.test(m)) return 'call';
  if (m === 'ret' || /^lret[lqw]?$/.test(m) || m === 'retf') return 'ret';
  if (/^iret[lqw]?$/.test(m)) return 'iret';
  if (/^(syscall|sysenter|sysret[lq]?|sysexit[lq]?|vmcall|vmmcall|vmlaunch|vmresume|vmrun|rsm|enclu|enclv)$/.test(m)) return 'syscall';
  if (/^(int|int1|int3|into|ud[012][bwlq]?|icebp)$/.test(m)) return 'int';
  if (m === 'hlt') return 'hlt';
  return 'other';
}

function invalid(bytes: Uint8Array, address: bigint): Instruction {
  const b = bytes.subarray(0, 1);
  return {
    address, size: 1, bytes: b, mnemonic: '(bad)', operands: '', kind: 'invalid', ops: [],
    fallThrough: BigInt.asUintN(64, address + 1n), repeats: false,
  };
}

function build(bytes: Uint8Array, address: bigint, mnemonic: string, opStr: string): Instruction {
  const f = formatAtt(mnemonic, opStr, bytes);
  const kind = classify(f.mnemonic);
  const fallThrough = BigInt.asUintN(64, address + BigInt(bytes.length));
  const insn: Instruction = {
    address, size: bytes.length, bytes, mnemonic: f.mnemonic, operands: f.operands, kind, ops: f.ops,
    fallThrough, repeats: /^rep/.test(f.mnemonic) && /^(movs|cmps|stos|lods|scas|ins|outs)/.test(f.mnemonic.split(' ').at(-1)!),
  };
  if (kind === 'jump' || kind === 'cond-jump' || kind === 'call') {
    const last = f.ops.at(-1);
    if (f.indirect && last) insn.indirect = last;
    else if (last?.type === 'addr') insn.target = BigInt.asUintN(64, last.value);
  }
  const rip = f.ops.find((o) => o.type === 'mem' && o.base === 'rip');
  if (rip && rip.type === 'mem') insn.ripTarget = BigInt.asUintN(64, fallThrough + rip.disp);
  return insn;
}

/** Decode the instruction at the start of `bytes` (only the first 15 bytes are looked at). Needs
 *  loadDecoder() done; never throws: undecodable bytes give a one-byte "(bad)" instruction. */
export function decodeOneSync(bytes: Uint8Array, address: bigint): Instruction {
  const window = bytes.subarray(0, MAX_INSN);
  if (window.length === 0) throw new RangeError('decodeOne: no bytes');
  if (!decoderLoaded()) throw new Error('x86 decoder used before loadDecoder()');
  // Stepping decodes the same instructions again and again (a loop, the pc of every stop): remember them by
  // address and bytes (bytes included, so changed code is decoded afresh).
  const key = `${address.toString(16)}:${Buffer.from(window.buffer, window.byteOffset, window.length).toString('hex')}`;
  const known = decoded.get(key);
  if (known) return known;
  const raw = rawDisasm(window, address, 1)[0];
  const insn = raw ? build(window.slice(0, raw.size), address, raw.mnemonic, raw.opStr) : invalid(window, address);
  if (decoded.size >= MAX_DECODED) decoded.clear();
  decoded.set(key, insn);
  return insn;
}

/** Instructions decoded by decodeOneSync, bounded (cleared when full). */
const decoded = new Map<string, Instruction>();
const MAX_DECODED = 4096;

/** Decode the instruction at `address` from its bytes (pass at least 15 when available). */
export async function decodeOne(bytes: Uint8Array, address: bigint): Promise<Instruction> {
  await loadDecoder();
  return decodeOneSync(bytes, address);
}

export interface DisassembleOptions {
  /** Stop after this many instructions. */
  count?: number;
  /** Stop before the first instruction starting at or after this address. */
  end?: bigint;
}

/** Disassemble a buffer (any size: fed to capstone in <= 4 KB windows). Undecodable bytes become
 *  one-byte "(bad)" entries; an instruction cut by the buffer's end is reported as "(bad)" too. */
export async function disassemble(bytes: Uint8Array, address: bigint, opts: DisassembleOptions = {}): Promise<Instruction[]> {
  await loadDecoder();
  const out: Instruction[] = [];
  const limit = opts.count ?? Infinity;
  let off = 0;
  while (off < bytes.length && out.length < limit) {
    const at = BigInt.asUintN(64, address + BigInt(off));
    if (opts.end !== undefined && at >= opts.end) break;
    const window = bytes.subarray(off, off + MAX_WINDOW);
    const want = Number.isFinite(limit) ? Math.min(limit - out.length, MAX_WINDOW) : 0;
    const raws = rawDisasm(window, at, want);
    if (raws.length === 0) {
      out.push(invalid(window, at));
      off += 1;
      continue;
    }
    for (const r of raws) {
      const a = BigInt.asUintN(64, at + BigInt(r.offset));
      if ((opts.end !== undefined && a >= opts.end) || out.length >= limit) break;
      out.push(build(window.slice(r.offset, r.offset + r.size), a, r.mnemonic, r.opStr));
    }
    const used = raws.at(-1)!.offset + raws.at(-1)!.size;
    off += used;
  }
  return out;
}

/** Name an address for display, like gdb's "<demo+88>"; undefined when unknown. */
export type Symbolizer = (address: bigint) => string | undefined;

/** One instruction as gdb prints it after the "<+off>:\t" column: "mov    %rsp,%rbp",
 *  "call   0x1040 <printf@plt>", "lea    0xdee(%rip),%rax        # 0x2018". */
export function formatInstruction(insn: Instruction, symbolize?: Symbolizer): string {
  let ops = insn.operands;
  if (insn.target !== undefined && ops === `0x${insn.target.toString(16)}`) {
    const sym = symbolize?.(insn.target);
    if (sym) ops += ` <${sym}>`;
  }
  let text = ops ? `${insn.mnemonic.padEnd(6)} ${ops}` : insn.mnemonic;
  if (insn.ripTarget !== undefined) {
    const sym = symbolize?.(insn.ripTarget);
    text += `        # 0x${insn.ripTarget.toString(16)}${sym ? ` <${sym}>` : ''}`;
  }
  return text;
}

/** One line of gdb's `disassemble` and `x/i` listings: "=> " at pc, the address column, a tab, the instruction. */
export function disassemblyLine(insn: Instruction, addressColumn: string, isPc: boolean, symbolize?: Symbolizer): string {
  return `${isPc ? '=> ' : '   '}${addressColumn}\t${formatInstruction(insn, symbolize)}`;
}
