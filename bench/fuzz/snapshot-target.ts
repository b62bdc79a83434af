// A stopped target made of a captured snapshot: registers plus memory regions; everything else is refused.
import { readFileSync } from 'node:fs';
import { MemoryError, type RegisterSet, type StopEvent, type Target, type VcpuInfo } from '../../src/target/contract.js';
import { UserError } from '../../src/util/errors.js';
import type { Snapshot } from './corpus.js';

export interface Image {
  regs: RegisterSet;
  regions: { start: bigint; bytes: Uint8Array }[];
}

export function loadImage(path: string): Image {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const regs: RegisterSet = new Map(Object.entries(s.regs).map(([k, v]) => [k, BigInt(v)]));
  if (!regs.has('eflags')) regs.set('eflags', 0x246n);
  return { regs, regions: s.regions.map((r) => ({ start: BigInt(r.start), bytes: new Uint8Array(Buffer.from(r.data, 'base64')) })) };
}

/** A fresh target over a copy-on-write view of `image` (writes go to a private copy of the touched region). */
export function snapshotTarget(image: Image): Target {
  const regions = image.regions.map((r) => ({ ...r, copied: false }));
  const regs = new Map(image.regs);
  const find = (addr: bigint, len: number): { r: (typeof regions)[number]; off: number } => {
    for (const r of regions) {
      const off = addr - r.start;
      if (off >= 0n && off + BigInt(len) <= BigInt(r.bytes.length)) return { r, off: Number(off) };
    }
    throw new MemoryError(addr);
  };
  const refuse = (): never => {
    throw new UserError('The fuzz target cannot run.');
  };
  return {
    description: 'snapshot',
    capabilities: { canExecute: false, trapPc: 'after-int3', breakpoints: 'memory', hardwareStep: false, rangeStep: false, spinPoll: 'interrupt-and-read' },
    listVcpus: async (): Promise<VcpuInfo[]> => [{ id: 1, name: 'Thread 1', online: true }],
    readRegisters: async () => regs,
    readRegister: async (_v, name) => regs.get(name),
    writeRegisters: async (_v, r) => {
      for (const [k, v] of r) regs.set(k, v);
    },
    readMemory: async (addr, len) => {
      if (len < 0 || !Number.isSafeInteger(len)) throw new MemoryError(addr);
      if (len === 0) return new Uint8Array(0);
      const { r, off } = find(addr, len);
      return r.bytes.slice(off, off + len);
    },
    writeMemory: async (addr, data) => {
      const { r, off } = find(addr, data.length);
      if (!r.copied) {
        r.bytes = new Uint8Array(r.bytes);
        r.copied = true;
      }
      r.bytes.set(data, off);
    },
    resume: async () => refuse(),
    waitForStop: async (): Promise<StopEvent> => refuse(),
    interrupt: async () => undefined,
    detach: async () => undefined,
    kill: async () => undefined,
    close: () => undefined,
  };
}
