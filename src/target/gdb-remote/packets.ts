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
  let sum = 0;
  for (const b of data) sum = (sum + b) & 0xff;
  return sum;
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
 * count-29 times), in one pass as gdb's read_frame does. `limit` bounds the decoded size.
 */
export function decodePayload(raw: Uint8Array, limit: number): Buffer {
  let out = Buffer.allocUnsafe(Math.min(Math.max(raw.length * 2, 64), limit));
  let n = 0;
  const put = (b: number): void => {
    if (n >= out.length) {
      if (n >= limit) throw new PacketError(`Remote packet too long: its run-length encoding expands beyond ${limit} bytes`);
      const bigger = Buffer.allocUnsafe(Math.min(out.length * 2, limit));
      out.copy(bigger, 0, 0, n);
      out = bigger;
    }
    out[n++] = b;
  };
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === ESCAPE) {
      if (i + 1 >= raw.length) throw new PacketError('Remote packet ends inside an escape');
      put(raw[++i]! ^ 0x20);
    } else if (b === STAR) {
      if (n === 0 || i + 1 >= raw.length) throw new PacketError('Malformed run-length encoding in remote packet');
      const count = raw[++i]! - 29;
      if (count < 0) throw new PacketError('Malformed run-length encoding in remote packet');
      const prev = out[n - 1]!;
      for (let k = 0; k < count; k++) put(prev);
    } else put(b);
  }
  return out.subarray(0, n);
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
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
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
  private sumText = '';

  constructor(private readonly maxPacket: number) {}

  feed(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let garbage = 0;
    let i = 0;
    while (i < chunk.length) {
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
        this.sumText += String.fromCharCode(b);
        if (this.state === 'sum1') {
          this.state = 'sum2';
          continue;
        }
        const raw = Buffer.concat(this.parts, this.size);
        this.parts = [];
        this.size = 0;
        this.state = 'idle';
        const ok = /^[0-9a-fA-F]{2}$/.test(this.sumText) && parseInt(this.sumText, 16) === checksum(raw);
        this.sumText = '';
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
