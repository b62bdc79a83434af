// GDB remote serial protocol framing: checksums, escaping, run-length decoding, hex, and a bounded incremental reader.
import { PacketError } from './errors.js';

export { PacketError };

const DOLLAR = 0x24; // '$'
const HASH = 0x23; // '#'
const PERCENT = 0x25; // '%'
const ESCAPE = 0x7d; // '}'
const STAR = 0x2a; // '*'
const PLUS = 0x2b; // '+'
const MINUS = 0x2d; // '-'

/** Modulo-256 sum of the bytes, as sent after '#'. */
export function checksum(data: Uint8Array): number {
  // Indexed, not for..of: a stop's g reply is kilobytes, summed while the code is still interpreted.
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i]!;
  return sum & 0xff;
}

/** Frames an already-escaped payload as `$payload#cc`. */
export function framePacket(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload);
  const out = Buffer.allocUnsafe(body.length + 4);
  out[0] = DOLLAR;
  body.copy(out, 1);
  out[body.length + 1] = HASH;
  out.write(checksum(body).toString(16).padStart(2, '0'), body.length + 2, 'latin1');
  return out;
}

/** Whether a byte must be escaped in binary data sent to a stub: # $ } and * (gdb escapes all four). */
function mustEscape(b: number): boolean {
  return b === HASH || b === DOLLAR || b === ESCAPE || b === STAR;
}

/** Escaped length of `data` (for sizing X packets). */
export function escapedLength(data: Uint8Array): number {
  let n = data.length;
  for (const b of data) if (mustEscape(b)) n++;
  return n;
}

/** Escapes binary data for an X packet: '}' followed by the byte XOR 0x20. */
export function escapeBinary(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(escapedLength(data));
  let j = 0;
  for (const b of data) {
    if (mustEscape(b)) {
      out[j++] = ESCAPE;
      out[j++] = b ^ 0x20;
    } else out[j++] = b;
  }
  return out;
}

/**
 * Decodes a received payload: '}' escapes and '*' run-length encoding (the previous byte repeated
 * count-29 times), in one pass as gdb's read_frame does. `limit` bounds the decoded size. The plain
 * stretches between two special bytes are copied whole: a stop's g reply is kilobytes of hex.
 */
export function decodePayload(raw: Uint8Array, limit: number): Buffer {
  const src = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  let special = nextSpecial(src, 0);
  if (special < 0) {
    if (src.length > limit) throw new PacketError(`Remote packet too long: its run-length encoding expands beyond ${limit} bytes`);
    return src;
  }
  let out = Buffer.allocUnsafe(Math.min(Math.max(src.length * 2, 64), limit));
  let n = 0;
  const room = (more: number): void => {
    if (n + more <= out.length) return;
    if (n + more > limit) throw new PacketError(`Remote packet too long: its run-length encoding expands beyond ${limit} bytes`);
    const bigger = Buffer.allocUnsafe(Math.min(Math.max(out.length * 2, n + more), limit));
    out.copy(bigger, 0, 0, n);
    out = bigger;
  };
  let i = 0;
  while (i < src.length) {
    const stop = special < 0 ? src.length : special;
    if (stop > i) {
      room(stop - i);
      src.copy(out, n, i, stop);
      n += stop - i;
      i = stop;
    }
    if (special < 0) break;
    if (src[i] === ESCAPE) {
      if (i + 1 >= src.length) throw new PacketError('Remote packet ends inside an escape');
      room(1);
      out[n++] = src[i + 1]! ^ 0x20;
    } else {
      if (n === 0 || i + 1 >= src.length) throw new PacketError('Malformed run-length encoding in remote packet');
      const count = src[i + 1]! - 29;
      if (count < 0) throw new PacketError('Malformed run-length encoding in remote packet');
      room(count);
      out.fill(out[n - 1]!, n, n + count);
      n += count;
    }
    i += 2;
    special = nextSpecial(src, i);
  }
  return out.subarray(0, n);
}

/** Index of the next '}' or '*' at or after `from`, or -1. */
function nextSpecial(b: Buffer, from: number): number {
  const e = b.indexOf(ESCAPE, from);
  const s = b.indexOf(STAR, from);
  return e < 0 ? s : s < 0 ? e : Math.min(e, s);
}

export function toHex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

/** Strict hex decoding: throws PacketError on odd length or non-hex characters. */
export function fromHex(text: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new PacketError(`Malformed hex data from remote: ${preview(text)}`);
  }
  return Buffer.from(text, 'hex');
}

/** Little-endian bytes -> unsigned bigint. */
export function leBytesToBigInt(bytes: Uint8Array): bigint {
  // Eight bytes at a time: a g reply holds kilobytes of vector registers, decoded at every stop.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let i = bytes.length;
  let v = 0n;
  for (; i % 8 !== 0; i--) v = (v << 8n) | BigInt(bytes[i - 1]!); // the most significant bytes first
  for (; i > 0; i -= 8) v = (v << 64n) | view.getBigUint64(i - 8, true);
  return v;
}

/** Unsigned bigint -> `size` little-endian bytes (truncated to size). */
export function bigIntToLeBytes(value: bigint, size: number): Buffer {
  const out = Buffer.alloc(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Whether the two checksum digits after '#' (bytes, hex) give `raw`'s checksum. */
function checksumMatches(high: number, low: number, raw: Uint8Array): boolean {
  return hexValue(high) * 16 + hexValue(low) === checksum(raw);
}

/** Value of an ASCII hex digit, or a negative number for any other byte (a checksum that can never match). */
function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1024;
}

/** A short printable excerpt of a packet, for error messages. */
export function preview(text: string, max = 40): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '.');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** What the reader found in the byte stream. */
export type ReaderEvent =
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'packet'; raw: Buffer; checksumOk: boolean }
  | { kind: 'notification'; raw: Buffer }
  | { kind: 'garbage'; count: number };

/**
 * Incremental packet reader. Feed it socket chunks; it returns the events found. It never holds more
 * than `maxPacket` bytes of one packet: a longer one throws PacketError (the stream is then unusable).
 */
export class PacketReader {
  private state: 'idle' | 'body' | 'sum1' | 'sum2' = 'idle';
  private notification = false;
  private parts: Buffer[] = [];
  private size = 0;
  /** The first checksum digit, while the second is awaited. */
  private sumHigh = 0;

  constructor(private readonly maxPacket: number) {}

  feed(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let garbage = 0;
    let i = 0;
    while (i < chunk.length) {
      // The usual case, a whole packet in the chunk: taken as a view of it, checked and summed in one pass.
      if (this.state === 'idle' && (chunk[i] === DOLLAR || chunk[i] === PERCENT)) {
        const hash = chunk.indexOf(HASH, i + 1);
        if (hash >= 0 && hash + 2 < chunk.length && hash - i - 1 <= this.maxPacket) {
          const dollar = chunk.indexOf(DOLLAR, i + 1);
          if (dollar < 0 || dollar > hash) {
            const raw = chunk.subarray(i + 1, hash);
            if (garbage) events.push({ kind: 'garbage', count: garbage });
            garbage = 0;
            events.push(chunk[i] === PERCENT ? { kind: 'notification', raw } : { kind: 'packet', raw, checksumOk: checksumMatches(chunk[hash + 1]!, chunk[hash + 2]!, raw) });
            i = hash + 3;
            continue;
          }
        }
      }
      if (this.state === 'body') {
        // A '$' cannot occur inside a body (it is escaped): one means the old packet was cut off.
        const hash = chunk.indexOf(HASH, i);
        const dollar = chunk.indexOf(DOLLAR, i);
        if (dollar >= 0 && (hash < 0 || dollar < hash)) {
          this.parts = [];
          this.size = 0;
          this.notification = false;
          i = dollar + 1;
          continue;
        }
        const end = hash;
        const stop = end < 0 ? chunk.length : end;
        this.size += stop - i;
        if (this.size > this.maxPacket) {
          this.parts = [];
          throw new PacketError(`Remote packet too long: larger than ${this.maxPacket} bytes`);
        }
        if (stop > i) this.parts.push(Buffer.from(chunk.subarray(i, stop)));
        i = stop;
        if (end >= 0) {
          this.state = 'sum1';
          i++;
        }
        continue;
      }
      const b = chunk[i++]!;
      if (this.state === 'sum1' || this.state === 'sum2') {
        if (this.state === 'sum1') {
          this.sumHigh = b;
          this.state = 'sum2';
          continue;
        }
        const raw = Buffer.concat(this.parts, this.size);
        this.parts = [];
        this.size = 0;
        this.state = 'idle';
        const ok = checksumMatches(this.sumHigh, b, raw);
        if (garbage) events.push({ kind: 'garbage', count: garbage });
        garbage = 0;
        events.push(this.notification ? { kind: 'notification', raw } : { kind: 'packet', raw, checksumOk: ok });
        continue;
      }
      // idle
      if (b === DOLLAR || b === PERCENT) {
        this.state = 'body';
        this.notification = b === PERCENT;
      } else if (b === PLUS || b === MINUS) {
        if (garbage) events.push({ kind: 'garbage', count: garbage });
        garbage = 0;
        events.push({ kind: b === PLUS ? 'ack' : 'nak' });
      } else garbage++;
    }
    if (garbage) events.push({ kind: 'garbage', count: garbage });
    return events;
  }
}
