// Memory access over the remote protocol: m reads and X (binary) / M writes, split to the stub's packet size.
import { MemoryError } from '../contract.js';
import { RemoteError } from './connection.js';
import { escapeBinary, fromHex, preview, toHex } from './packets.js';

/** Sends one request and returns the reply text. */
export type Requester = (packet: string | Uint8Array) => Promise<string>;

const MASK64 = (1n << 64n) - 1n;

export class RemoteMemory {
  /** undefined until the first X write tells whether the stub accepts binary writes. */
  binaryWrites: boolean | undefined;

  /** `packetSize`: the largest packet the stub accepts (qSupported PacketSize, or gdb's default). */
  constructor(private readonly request: Requester, private readonly packetSize: number, useBinary: boolean) {
    this.binaryWrites = useBinary ? undefined : false;
  }

  /** Bytes per m request: the hex reply (2 chars a byte) plus framing must fit the packet size. */
  get readChunk(): number {
    return Math.max(1, Math.floor((this.packetSize - 8) / 2));
  }

  /** Reads exactly `len` bytes or throws MemoryError naming the first address that could not be read. */
  async read(addr: bigint, len: number): Promise<Uint8Array> {
    if (!Number.isInteger(len) || len < 0) throw new RangeError(`Bad memory read length ${len}`);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const at = (addr + BigInt(done)) & MASK64;
      const n = Math.min(len - done, this.readChunk);
      const reply = await this.request(`m${at.toString(16)},${n.toString(16)}`);
      if (reply === '' || /^E/.test(reply)) throw new MemoryError(at);
      let data: Buffer;
      try {
        data = fromHex(reply);
      } catch {
        throw new RemoteError(`Malformed reply to a memory read at 0x${at.toString(16)}: ${preview(reply)}`);
      }
      if (data.length === 0) throw new MemoryError(at);
      if (data.length > n) throw new RemoteError(`Remote stub returned ${data.length} bytes for a ${n}-byte read`);
      out.set(data, done); // a short read is allowed: the rest is requested from where it stopped
      done += data.length;
    }
    return out;
  }

  /** Writes all of `data` (X when the stub accepts it, else M); throws MemoryError on E NN. */
  async write(addr: bigint, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const at = (addr + BigInt(done)) & MASK64;
      if (this.binaryWrites !== false) {
        const n = this.binaryChunk(at, data, done);
        const head = Buffer.from(`X${at.toString(16)},${n.toString(16)}:`, 'latin1');
        const reply = await this.request(Buffer.concat([head, escapeBinary(data.subarray(done, done + n))]));
        if (reply === '') {
          this.binaryWrites = false; // not understood: the same bytes go out as M below
          continue;
        }
        this.binaryWrites = true;
        if (reply !== 'OK') throw this.writeError(at, reply);
        done += n;
        continue;
      }
      const n = Math.min(data.length - done, Math.max(1, Math.floor((this.packetSize - 40) / 2)));
      const reply = await this.request(`M${at.toString(16)},${n.toString(16)}:${toHex(data.subarray(done, done + n))}`);
      if (reply !== 'OK') throw this.writeError(at, reply);
      done += n;
    }
  }

  /** How many bytes from `from` fit one X packet once escaped. */
  private binaryChunk(at: bigint, data: Uint8Array, from: number): number {
    // Room: packet size minus "$...#cc", the header "Xaddr,len:" (len at most 8 hex digits), and slack.
    const room = this.packetSize - 4 - (1 + at.toString(16).length + 1 + 8 + 1) - 4;
    let used = 0;
    let n = 0;
    while (from + n < data.length) {
      const b = data[from + n]!;
      const cost = b === 0x23 || b === 0x24 || b === 0x7d || b === 0x2a ? 2 : 1;
      if (used + cost > room) break;
      used += cost;
      n++;
    }
    return Math.max(n, 1);
  }

  private writeError(at: bigint, reply: string): Error {
    if (/^E/.test(reply)) return new MemoryError(at);
    return new RemoteError(`Unexpected reply to a memory write at 0x${at.toString(16)}: ${preview(reply)}`);
  }
}

