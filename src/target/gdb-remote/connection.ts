// One TCP connection to a GDB remote stub: ack/no-ack mode, retransmission, reply timeouts, interrupt byte.
import { connect as netConnect, type Socket } from 'node:net';
import { TargetGoneError } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { PacketError, RemoteError, RemoteProtocolError, connectionLost } from './errors.js';
import { PacketReader, decodePayload, framePacket, preview } from './packets.js';

/** DUSTER_TRACE_PACKETS=1 prints every packet sent (debugging the protocol and counting round trips). */
const TRACE = !!process.env.DUSTER_TRACE_PACKETS;

export { RemoteError, RemoteProtocolError };

export interface ConnectionOptions {
  /** Reply timeout for requests, ms. */
  timeoutMs: number;
  /** Largest packet accepted from the stub, bytes (raw and decoded). */
  maxPacketBytes: number;
  /** Retransmissions allowed per packet in ack mode (either direction). */
  maxRetries: number;
}

/** nextPacket's timeout for a resumed target's stop reply: none. */
export const WAIT_FOREVER = null;

/** Unsolicited packets kept while nobody waits; older ones are dropped. */
const MAX_QUEUED = 64;

/**
 * A packet stream. Requests are sequential: callers send one packet and take its reply with
 * nextPacket() before sending the next (sendInterrupt() excepted). After a fatal error every pending
 * and later call rejects with that error.
 */
export class RemoteConnection {
  /** True once QStartNoAckMode was accepted: no '+'/'-' in either direction. */
  noAck = false;
  private readonly reader: PacketReader;
  private queue: Buffer[] = [];
  /** The one pending nextPacket; `deadline` (performance.now() ms) is checked by the watchdog, `expire` fails it. */
  private waiter: { resolve: (p: Buffer) => void; reject: (e: Error) => void; deadline?: number; expire?: () => void } | undefined;
  /**
   * One timer for every reply deadline, re-armed only when it fires early: a timer set and cleared per
   * request costs more than the request's own work on a fast stub (a continue is seven of them).
   */
  private watchdog: NodeJS.Timeout | undefined;
  private lastSent: Buffer | undefined;
  private sendRetries = 0;
  private recvRetries = 0;
  private failure: Error | undefined;
  /** Bytes outside any packet (line noise, a console banner): counted, never kept. */
  garbageBytes = 0;

  private constructor(private readonly socket: Socket, readonly address: string, private readonly opts: ConnectionOptions) {
    this.reader = new PacketReader(opts.maxPacketBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(connectionLost(e)));
    socket.on('close', () => this.fail(new TargetGoneError('Remote connection closed')));
  }

  /** Opens a TCP connection; refusals and timeouts become one-line UserErrors. */
  static open(host: string, port: number, opts: ConnectionOptions): Promise<RemoteConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new UserError(`Connection timed out: ${address}`));
      }, opts.timeoutMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        if (e.code === 'ECONNREFUSED') reject(new UserError(`Connection refused: ${address}`));
        else reject(new UserError(`Cannot connect to ${address}: ${e.code ?? e.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new RemoteConnection(socket, address, opts));
      });
    });
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one packet (payload already escaped where binary). Drops stale unsolicited packets. */
  send(payload: string | Uint8Array): void {
    if (this.failure) throw this.failure;
    this.queue = [];
    const frame = framePacket(payload);
    if (TRACE) process.stderr.write(`gdb-remote> ${Buffer.from(frame).toString('latin1').slice(0, 80)}\n`);
    this.lastSent = this.noAck ? undefined : frame;
    this.sendRetries = 0;
    this.socket.write(frame);
  }

  /** Sends the interrupt byte (Ctrl-C, 0x03) outside any packet. */
  sendInterrupt(): void {
    if (this.failure) throw this.failure;
    this.socket.write(Buffer.of(0x03));
  }

  /**
   * The next packet from the stub, decoded. `timeoutMs` is the reply timeout (default: the
   * connection's); `WAIT_FOREVER` (null) waits without one — a resumed target may run for hours.
   * "No timeout" is null, never undefined: an omitted or undefined argument means the default.
   * On timeout the connection is closed unless `fatalTimeout` is false (then only this call fails).
   */
  nextPacket(what: string, timeoutMs: number | typeof WAIT_FOREVER = this.opts.timeoutMs, fatalTimeout = true): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.waiter) return Promise.reject(new Error(`RemoteConnection: concurrent nextPacket() (${what} while waiting for ${this.waitingFor})`));
    this.waitingFor = what;
    return new Promise((resolve, reject) => {
      const w: NonNullable<RemoteConnection['waiter']> = { resolve, reject };
      // Infinity too means no deadline.
      if (timeoutMs !== WAIT_FOREVER && Number.isFinite(timeoutMs)) {
        w.deadline = performance.now() + timeoutMs;
        w.expire = () => {
          this.waiter = undefined;
          const msg = `Remote stub did not reply to '${preview(what)}' within ${timeoutMs} ms`;
          if (fatalTimeout) this.fail(new RemoteProtocolError(`${msg}; connection closed`));
          reject(fatalTimeout && this.failure ? this.failure : new RemoteError(msg));
        };
      }
      this.waiter = w;
      this.armWatchdog();
    });
  }

  private armWatchdog(): void {
    const deadline = this.waiter?.deadline;
    if (this.watchdog || deadline === undefined) return;
    // Unreferenced: while a reply is awaited the socket keeps the process alive; a finished batch run exits at once.
    this.watchdog = setTimeout(() => this.checkDeadline(), Math.max(0, deadline - performance.now())).unref();
  }

  private checkDeadline(): void {
    this.watchdog = undefined;
    const w = this.waiter;
    if (w?.deadline === undefined) return;
    if (performance.now() < w.deadline) this.armWatchdog();
    else w.expire?.();
  }

  /** Sends a request and returns its reply as latin1 text. */
  async request(payload: string | Uint8Array, timeoutMs?: number): Promise<string> {
    // One request on the wire at a time: callers that overlap (a stop report still reading memory
    // while a signal handler detaches) are queued instead of interleaving their replies.
    const release = await this.acquire();
    try {
      this.send(payload);
      const what = typeof payload === 'string' ? payload : Buffer.from(payload.subarray(0, 40)).toString('latin1');
      return (await this.nextPacket(what, timeoutMs ?? this.opts.timeoutMs)).toString('latin1');
    } finally {
      release();
    }
  }
  private inFlight: Promise<void> = Promise.resolve();

  /**
   * Takes the wire for one exchange: a request and its reply, or a resume until its stop reply.
   * Resolves with the release function once every earlier holder has released.
   */
  async acquire(): Promise<() => void> {
    const previous = this.inFlight;
    let release!: () => void;
    this.inFlight = new Promise<void>((r) => (release = r));
    await previous;
    return release;
  }
  private waitingFor = '';

  /** Closes the socket; pending and later calls reject with `reason`. Idempotent. */
  close(reason: Error = new TargetGoneError('Remote connection closed')): void {
    this.fail(reason);
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    let events;
    try {
      events = this.reader.feed(chunk);
    } catch (e) {
      this.fail(new RemoteProtocolError(`${e instanceof Error ? e.message : String(e)}; connection closed`));
      return;
    }
    for (const ev of events) {
      if (this.failure) return;
      switch (ev.kind) {
        case 'ack':
          this.lastSent = undefined;
          break;
        case 'nak':
          this.onNak();
          break;
        case 'garbage':
          this.garbageBytes += ev.count;
          break;
        case 'notification':
          break; // non-stop notifications: we never enable non-stop mode
        case 'packet':
          this.onPacket(ev.raw, ev.checksumOk);
          break;
      }
    }
  }

  private onNak(): void {
    if (this.noAck || !this.lastSent) return;
    if (++this.sendRetries > this.opts.maxRetries) {
      this.fail(new RemoteProtocolError(`Remote stub rejected a packet ${this.sendRetries} times; connection closed`));
      return;
    }
    this.socket.write(this.lastSent);
  }

  private onPacket(raw: Buffer, checksumOk: boolean): void {
    if (!checksumOk) {
      if (this.noAck) {
        this.fail(new RemoteProtocolError('Bad checksum in a remote packet (no-ack mode); connection closed'));
        return;
      }
      if (++this.recvRetries > this.opts.maxRetries) {
        this.fail(new RemoteProtocolError(`Bad checksum in a remote packet ${this.recvRetries} times; connection closed`));
        return;
      }
      this.socket.write('-');
      return;
    }
    this.recvRetries = 0;
    if (!this.noAck) this.socket.write('+');
    let packet: Buffer;
    try {
      packet = decodePayload(raw, this.opts.maxPacketBytes);
    } catch (e) {
      const msg = e instanceof PacketError ? e.message : String(e);
      this.fail(new RemoteProtocolError(`${msg}; connection closed`));
      return;
    }
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(packet);
    } else {
      if (this.queue.length >= MAX_QUEUED) this.queue.shift();
      this.queue.push(packet);
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.queue = [];
    this.socket.destroy();
    const w = this.waiter;
    this.waiter = undefined;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    w?.reject(error);
  }
}
