// Follows a Xen guest's console while it runs: new text of xenconsoled's log, else of the PV console ring (read by frame, never pausing the guest).
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { XenViews } from '../target/extensions.js';
import { consoleLogPath } from './xen-commands.js';

/** The most text one poll returns (a guest that floods its console cannot grow our memory without bound). */
const MAX_CHUNK = 64 * 1024;
/** PV console ring (struct xencons_interface): out[2048] at 1024, out_prod at 3084. */
const RING_OUT = 1024;
const RING_SIZE = 2048;
const RING_PROD = 3084;

export class ConsoleFollower {
  /** Bytes of the log already returned (starts at the end: the Output pane shows what is new). */
  private offset: number | undefined;
  /** The ring's out_prod already returned. */
  private prod: number | undefined;
  /** The console ring's frame, once start_info is known (the log is preferred while it exists). */
  consoleMfn: bigint | undefined;

  constructor(private readonly xen: Pick<XenViews, 'name' | 'readFrame'>, private readonly backlog = 4096) {}

  /** Where the text comes from (for the pane's title). */
  source(): string {
    const log = this.logPath();
    return log && existsSync(log) ? log : this.consoleMfn !== undefined ? 'console ring' : 'no console found';
  }

  private logPath(): string | undefined {
    return this.xen.name ? consoleLogPath(this.xen.name) : undefined;
  }

  /** The text written since the last call ('' when none); the first call returns the last `backlog` bytes. */
  poll(): string {
    const log = this.logPath();
    if (log && existsSync(log)) return this.fromLog(log);
    if (this.consoleMfn !== undefined) return this.fromRing(this.consoleMfn);
    return '';
  }

  private fromLog(path: string): string {
    const size = statSync(path).size;
    if (this.offset === undefined || size < this.offset) this.offset = Math.max(0, size - this.backlog); // first look, or the log was rotated
    const n = Math.min(size - this.offset, MAX_CHUNK);
    if (n <= 0) return '';
    const buf = Buffer.alloc(n);
    const fd = openSync(path, 'r');
    try {
      const got = readSync(fd, buf, 0, n, size - n); // a flood: keep the newest MAX_CHUNK bytes
      this.offset = size;
      return buf.subarray(0, got).toString('utf8').replace(/\r\n/g, '\n');
    } finally {
      closeSync(fd);
    }
  }

  private fromRing(mfn: bigint): string {
    const page = Buffer.from(this.xen.readFrame(mfn));
    if (page.length < RING_PROD + 4) return '';
    const prod = page.readUInt32LE(RING_PROD);
    // What the ring still holds: at most its size; the first look shows the backlog that fits.
    const from = this.prod === undefined ? prod - Math.min(prod, RING_SIZE, this.backlog) : Math.max(this.prod, prod - RING_SIZE);
    this.prod = prod;
    const n = (prod - from) >>> 0;
    if (!n || n > RING_SIZE) return '';
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = page[RING_OUT + ((from + i) & (RING_SIZE - 1))]!;
    return out.toString('utf8').replace(/\r\n/g, '\n');
  }
}
