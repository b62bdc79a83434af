// Test helper: a scriptable fake GDB remote stub on a loopback port, for protocol corner cases and misbehaving stubs.
import { createServer, type Server, type Socket } from 'node:net';

/** What the stub does with one request: a reply payload, raw bytes, several of those, or nothing. */
export type StubAction =
  | string
  | { raw: Buffer | string }
  | { badChecksum: string }
  | { stream: StubStream }
  | StubAction[]
  | null;

/**
 * Bytes written as the socket drains (backpressure respected), so that a flood of hundreds of MB
 * costs the stub no memory: each item is a payload to frame (string) or raw bytes (Buffer). Ends
 * when the iterable ends or the client is gone; later requests are handled meanwhile.
 */
export type StubStream = Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

export interface FakeStubOptions {
  /** Answers a request (payload as latin1 text, already unescaped of nothing: raw bytes). */
  handle(packet: string, conn: FakeStubConnection): StubAction | Promise<StubAction>;
  /** Called when the client connects, before any request. */
  onConnect?(conn: FakeStubConnection): void;
  /** Acknowledge requests with '+' (default true until the client asks for QStartNoAckMode and we said OK). */
  ack?: boolean;
  /** The client sent '-' (bad checksum): default resends the last packet. */
  onNak?(conn: FakeStubConnection): void;
  /** The client sent the interrupt byte 0x03. */
  onInterrupt?(conn: FakeStubConnection): void;
}

function checksum(s: Buffer): string {
  let sum = 0;
  for (const b of s) sum = (sum + b) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** Frames a payload with a correct checksum (the payload is sent as latin1, unescaped). */
export function frame(payload: string): Buffer {
  const body = Buffer.from(payload, 'latin1');
  return Buffer.concat([Buffer.from('$'), body, Buffer.from(`#${checksum(body)}`)]);
}

export class FakeStubConnection {
  noAck = false;
  /** Every request received, in order (payloads as latin1 text). */
  readonly requests: string[];
  /** Count of interrupt bytes (0x03) received. */
  interrupts = 0;
  /** Count of '-' (retransmit requests) the client sent. */
  naks = 0;
  /** Bytes written by stream actions so far. */
  streamed = 0;

  constructor(readonly socket: Socket, requests: string[]) {
    this.requests = requests;
  }

  /** The last packet sent, resent when the client answers '-'. */
  lastFrame: Buffer | undefined;

  send(action: StubAction): void {
    if (action === null || this.socket.destroyed) return;
    if (Array.isArray(action)) {
      for (const a of action) this.send(a);
    } else if (typeof action === 'string') {
      this.lastFrame = frame(action);
      this.socket.write(this.lastFrame);
    }
    else if ('raw' in action) this.socket.write(action.raw);
    else if ('stream' in action) void this.pump(action.stream);
    else this.socket.write(Buffer.concat([Buffer.from(`$${action.badChecksum}#`, 'latin1'), Buffer.from('00')]));
  }

  private async pump(stream: StubStream): Promise<void> {
    const socket = this.socket;
    for await (const item of stream) {
      if (socket.destroyed) return;
      const bytes = typeof item === 'string' ? frame(item) : item;
      this.streamed += bytes.length;
      if (!socket.write(bytes)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.on('drain', done);
          socket.on('close', done);
        });
      }
    }
  }
}

export class FakeStub {
  connection: FakeStubConnection | undefined;
  /** Every request received on any connection, in order. */
  private constructor(private readonly server: Server, readonly port: number, readonly requests: string[]) {}

  static start(opts: FakeStubOptions): Promise<FakeStub> {
    const requests: string[] = [];
    let stub: FakeStub | undefined;
    const server = createServer((socket) => {
      const conn = new FakeStubConnection(socket, requests);
      if (stub) stub.connection = conn;
      socket.on('error', () => undefined);
      socket.setNoDelay(true); // a reply right after its '+' must not wait for Nagle (40 ms a request)
      let buf = Buffer.alloc(0);
      opts.onConnect?.(conn);
      let chain = Promise.resolve();
      const drain = async (): Promise<void> => {
        for (;;) {
          // Skip acks and count interrupts and naks.
          while (buf.length > 0 && buf[0] !== 0x24) {
            if (buf[0] === 0x03) {
              conn.interrupts++;
              opts.onInterrupt?.(conn);
            }
            if (buf[0] === 0x2d) {
              conn.naks++;
              if (opts.onNak) opts.onNak(conn);
              else if (conn.lastFrame) socket.write(conn.lastFrame);
            }
            buf = buf.subarray(1);
          }
          const end = buf.indexOf(0x23);
          if (buf.length === 0 || end < 0 || buf.length < end + 3) break;
          const payload = buf.subarray(1, end).toString('latin1');
          buf = buf.subarray(end + 3);
          if (opts.ack !== false && !conn.noAck) socket.write('+');
          requests.push(payload);
          const action = await opts.handle(payload, conn);
          if (payload === 'QStartNoAckMode' && action === 'OK') conn.noAck = true;
          conn.send(action);
        }
      };
      // Requests are handled one at a time, in order, even when handlers are async.
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        chain = chain.then(drain);
      });
    });
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        stub = new FakeStub(server, typeof addr === 'object' && addr ? addr.port : 0, requests);
        resolve(stub);
      });
    });
  }

  /** Stops listening and drops the client. */
  close(): Promise<void> {
    this.connection?.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Hex of a little-endian 64-bit value. */
export function le64(v: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b.toString('hex');
}

/** Hex of a little-endian 32-bit value. */
export function le32(v: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b.toString('hex');
}
