// The x86-64 4-level page-table walk (4 KiB, 2 MiB and 1 GiB pages) over a caller's "read this frame" callback.

/** 4096 bytes of a page-table frame, or undefined when the frame is not available (not in the dump, not mapped). */
export type ReadFrame = (frame: bigint) => Uint8Array | undefined;

export type Walk =
  /** `address`: in the frame space of the tables (machine addresses for a PV guest, guest-physical otherwise). */
  | { ok: true; address: bigint; pageSize: bigint }
  | { ok: false; why: string };

const PRESENT = 1n;
const LARGE = 0x80n;
const ADDR_MASK = 0x000f_ffff_ffff_f000n;
const LEVELS = [
  { shift: 39n, name: 'PML4', large: false },
  { shift: 30n, name: 'PDPT', large: true },
  { shift: 21n, name: 'PD', large: true },
  { shift: 12n, name: 'PT', large: false },
];

/** True for 48-bit canonical addresses (bits 63..47 all equal). */
export function isCanonical(va: bigint): boolean {
  const top = va >> 47n;
  return top === 0n || top === 0x1ffffn;
}

/** Translates virtual address `va` through the tables rooted at frame `rootFrame` (CR3 >> 12). */
export function walk(rootFrame: bigint, va: bigint, readFrame: ReadFrame): Walk {
  if (!isCanonical(va)) return { ok: false, why: 'non-canonical address' };
  let frame = rootFrame;
  for (const level of LEVELS) {
    const table = readFrame(frame);
    if (!table || table.length < 4096) return { ok: false, why: `${level.name} frame 0x${frame.toString(16)} is not in the dump` };
    const index = Number((va >> level.shift) & 0x1ffn);
    const pte = new DataView(table.buffer, table.byteOffset, table.byteLength).getBigUint64(index * 8, true);
    if (!(pte & PRESENT)) return { ok: false, why: `${level.name} entry ${index} is not present` };
    const size = 1n << level.shift;
    if (level.shift === 12n || (level.large && pte & LARGE)) {
      const base = pte & ADDR_MASK & ~(size - 1n);
      return { ok: true, address: base | (va & (size - 1n)), pageSize: size };
    }
    frame = (pte & ADDR_MASK) >> 12n;
  }
  return { ok: false, why: 'unreachable' };
}
