// Register layouts of a remote stub: parsed from target.xml (with xi:include) or gdb's built-in amd64 g-packet order.
import { AMD64_GDB_REGISTERS, ARCHITECTURE_NAME } from '../../arch/x86-64/registers.js';
import { PacketError, bigIntToLeBytes, fromHex, leBytesToBigInt, preview } from './packets.js';
import { stripXmlComments, xmlAttributes } from './util.js';

export interface RegisterDef {
  name: string;
  /** The stub's register number (p/P packets, expedited T-packet registers). */
  regnum: number;
  bitsize: number;
  /** Byte offset in the g packet (registers are laid out in regnum order). */
  offset: number;
  type?: string;
  group?: string;
}

/** Registers of one target description, in regnum order. */
export class RegisterLayout {
  readonly byName = new Map<string, RegisterDef>();
  readonly byNumber = new Map<number, RegisterDef>();
  /** Size of a g packet holding every register, in bytes. */
  readonly fullSize: number;

  constructor(readonly registers: readonly RegisterDef[], readonly source: string, readonly architecture?: string) {
    for (const r of registers) {
      this.byName.set(r.name, r);
      this.byNumber.set(r.regnum, r);
    }
    const last = registers[registers.length - 1];
    this.fullSize = last ? last.offset + last.bitsize / 8 : 0;
  }

  /** Builds a layout from (name, bits, regnum?) entries; regnums default to previous + 1, offsets follow regnum order. */
  static fromList(entries: readonly Omit<RegisterDef, 'offset'>[], source: string, architecture?: string): RegisterLayout {
    const sorted = [...entries].sort((a, b) => a.regnum - b.regnum);
    let offset = 0;
    const regs: RegisterDef[] = [];
    for (const e of sorted) {
      if (e.bitsize <= 0 || e.bitsize % 8 !== 0) continue; // sub-byte registers cannot be in a g packet
      regs.push({ ...e, offset });
      offset += e.bitsize / 8;
    }
    return new RegisterLayout(regs, source, architecture);
  }

  /**
   * Decodes a g reply, checked as gdb's process_g_packet does. Registers beyond the reply's end
   * (short g packets are allowed) and those marked unavailable ("xx") are left out; a register cut
   * in the middle, an odd length, a reply longer than the stub's described layout or a non-hex
   * digit is an error.
   */
  decodeG(hex: string): Map<string, bigint> {
    if (hex.length % 2 !== 0) throw new PacketError(`Remote 'g' packet reply is of odd length: ${preview(hex)}`);
    // Only a stub's own description makes a longer reply wrong: against gdb's built-in layout (no
    // target.xml read) gdbserver still sends its full set (AVX, AVX-512...), which we leave out.
    if (this.source !== BUILTIN_SOURCE && hex.length > this.fullSize * 2) {
      throw new PacketError(`Remote 'g' packet reply is too long (expected ${this.fullSize} bytes, got ${hex.length / 2} bytes): ${preview(hex)}`);
    }
    const bad = /[^0-9a-fA-Fx]/.exec(hex);
    if (bad) throw new PacketError(`Reply contains invalid hex digit ${bad[0].charCodeAt(0)}`);
    const values = new Map<string, bigint>();
    // One decode of the whole reply when no register is unavailable ('xx'), the case at every stop.
    const bytes = hex.includes('x') ? undefined : Buffer.from(hex, 'hex');
    for (const r of this.registers) {
      const start = r.offset * 2;
      const end = start + r.bitsize / 4;
      if (start >= hex.length) break;
      if (end > hex.length) throw new PacketError(`Truncated register ${r.regnum} in remote 'g' packet`);
      if (bytes) {
        values.set(r.name, r.bitsize === 64 ? bytes.readBigUInt64LE(r.offset) : leBytesToBigInt(bytes.subarray(r.offset, r.offset + r.bitsize / 8)));
        continue;
      }
      const text = hex.slice(start, end);
      if (text.includes('x')) continue;
      values.set(r.name, leBytesToBigInt(fromHex(text)));
    }
    return values;
  }

  /** Patches `values` into a g reply (hex), for a G packet. Unknown names or registers outside the reply throw. */
  patchG(hex: string, values: ReadonlyMap<string, bigint>): string {
    let out = hex;
    for (const [name, value] of values) {
      const r = this.byName.get(name);
      if (!r) throw new Error(`Unknown register ${name}`);
      const start = r.offset * 2;
      const end = start + r.bitsize / 4;
      if (end > out.length) throw new Error(`Register ${name} is not in the stub's g packet`);
      out = out.slice(0, start) + encodeRegister(r, value) + out.slice(end);
    }
    return out;
  }

  /** Decodes one register's raw bytes (p reply, expedited T-packet value). */
  decodeValue(raw: Uint8Array): bigint {
    return leBytesToBigInt(raw);
  }
}

/** Hex of a register value in target (little-endian) order, sized to the register. */
export function encodeRegister(r: RegisterDef, value: bigint): string {
  return bigIntToLeBytes(value, r.bitsize / 8).toString('hex');
}

const BUILTIN_SOURCE = 'built-in amd64';

/** gdb's amd64 layout without a target description (the architecture's table); short g packets are fine. */
export function builtinAmd64Layout(): RegisterLayout {
  const list = AMD64_GDB_REGISTERS.map((r, regnum) => ({ ...r, regnum }));
  return RegisterLayout.fromList(list, BUILTIN_SOURCE, ARCHITECTURE_NAME);
}

/** Fetches an XML document of the target description by name ("target.xml", "64bit-core.xml"). */
export type XmlFetcher = (annex: string) => Promise<string>;

const MAX_INCLUDE_DEPTH = 8;
const MAX_XML_FILES = 64;
/** All the documents of one description together (x86-64 with AVX-512 is ~30 KiB). */
const MAX_XML_BYTES = 4 << 20;
/** amd64 with AVX-512 and PKU has under 200; a stub declaring thousands is broken or hostile. */
const MAX_REGISTERS = 2048;
/** The widest register gdb knows is 512 bits (zmm); 4096 leaves room without unbounded sizes. */
const MAX_REGISTER_BITS = 4096;

/** Parses target.xml and everything it includes into a layout. */
export async function parseTargetDescription(fetch: XmlFetcher, annex = 'target.xml'): Promise<RegisterLayout> {
  const entries: Omit<RegisterDef, 'offset'>[] = [];
  const state: WalkState = { next: 0, files: 0, bytes: 0, architecture: undefined };
  await walk(fetch, annex, 0, entries, state);
  if (entries.length === 0) throw new PacketError(`Target description ${annex} defines no registers`);
  return RegisterLayout.fromList(entries, annex, state.architecture);
}

async function walk(
  fetch: XmlFetcher,
  annex: string,
  depth: number,
  out: Omit<RegisterDef, 'offset'>[],
  state: WalkState,
): Promise<void> {
  if (depth > MAX_INCLUDE_DEPTH) throw new PacketError(`Target description includes nest too deeply (${annex})`);
  if (++state.files > MAX_XML_FILES) throw new PacketError('Target description includes too many files');
  const text = await fetch(annex);
  state.bytes += text.length;
  if (state.bytes > MAX_XML_BYTES) throw new PacketError(`Target description is larger than ${MAX_XML_BYTES} bytes`);
  const xml = stripXmlComments(text);
  // [^<>]: a tag's attributes never hold '<', so no match attempt scans past the next tag (linear on hostile text).
  const token = /<(xi:include|reg|architecture)\b([^<>]*?)\/?>(?:([^<]*)<\/architecture>)?/g;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    const attrs = xmlAttributes(m[2] ?? '');
    if (m[1] === 'architecture') {
      state.architecture ??= (m[3] ?? '').trim() || undefined;
    } else if (m[1] === 'xi:include') {
      const href = attrs.get('href');
      if (href) await walk(fetch, href, depth + 1, out, state);
    } else {
      const name = attrs.get('name');
      const bits = Number(attrs.get('bitsize'));
      if (!name || !Number.isInteger(bits) || bits <= 0 || bits > MAX_REGISTER_BITS) {
        throw new PacketError(`Malformed <reg> in target description ${annex}`);
      }
      const regnumText = attrs.get('regnum');
      const regnum = regnumText === undefined ? state.next : Number(regnumText);
      if (!Number.isInteger(regnum) || regnum < 0 || regnum > 100_000) {
        throw new PacketError(`Malformed regnum for ${name} in ${annex}`);
      }
      state.next = regnum + 1;
      if (out.length >= MAX_REGISTERS) throw new PacketError(`Target description declares more than ${MAX_REGISTERS} registers`);
      out.push({ name, bitsize: bits, regnum, type: attrs.get('type'), group: attrs.get('group') });
    }
  }
}

interface WalkState {
  /** The regnum of the next <reg> without one. */
  next: number;
  files: number;
  bytes: number;
  architecture: string | undefined;
}
