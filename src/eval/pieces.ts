// Values from evaluated DWARF locations (dwarf/expr.ts pieces): memory, registers, stack values, composites.
import type { Piece } from '../dwarf/expr.js';
import { dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import { type Type } from '../symbols/types.js';
import { Value, valueSize, bigIntToBytes, BYTE_OPTIMIZED_OUT, BYTE_SYNTHETIC, type ReadMemory } from './value.js';

export interface PieceIO {
  readMemory: ReadMemory;
  /** Raw little-endian bytes of DWARF register `reg` in the frame (8 for general registers, 16 for xmm). */
  readRegister(reg: number): Promise<Uint8Array>;
}

/**
 * A value of `type` located by `pieces`. A single memory piece gives a lazy lvalue (gdb reads it on use);
 * registers, stack values, implicit bytes and composites are read now. Missing pieces are <optimized out>,
 * implicit pointers <synthetic pointer>.
 */
export async function valueFromPieces(type: Type, pieces: readonly Piece[], io: PieceIO): Promise<Value> {
  const size = valueSize(type);
  if (pieces.length === 0) return Value.optimizedOut(type);
  if (pieces.length === 1 && pieces[0]!.sizeBits === undefined) {
    const p = pieces[0]!;
    switch (p.kind) {
      case 'memory': return Value.at(type, p.address);
      case 'register': {
        const raw = await io.readRegister(p.reg);
        return new Value(type, { kind: 'register', name: dwarfRegName(p.reg) }, fit(raw, size));
      }
      case 'value': return Value.fromBytes(type, bigIntToBytes(p.value, size));
      case 'implicit': return Value.fromBytes(type, fit(p.bytes, size));
      case 'implicit-pointer': return new Value(type, { kind: 'implicit-pointer', dieOffset: p.dieOffset, offset: p.offset }, new Uint8Array(size), new Uint8Array(size).fill(BYTE_SYNTHETIC));
      case 'optimized-out': return Value.optimizedOut(type);
    }
  }
  // A composite: assemble the bits piece by piece.
  const bytes = new Uint8Array(size);
  const state = new Uint8Array(size).fill(BYTE_OPTIMIZED_OUT);
  let bit = 0;
  for (const p of pieces) {
    const n = p.sizeBits ?? size * 8 - bit;
    if (n <= 0) break;
    const src = await pieceBytes(p, Math.ceil(((p.bitOffset ?? 0) + n) / 8), io);
    if (src) {
      let v = 0n;
      for (let i = src.bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(src.bytes[i]!);
      v = (v >> BigInt(p.bitOffset ?? 0)) & ((1n << BigInt(n)) - 1n);
      for (let k = 0; k < n && bit + k < size * 8; k++) {
        const at = bit + k;
        const byte = at >> 3;
        if ((v >> BigInt(k)) & 1n) bytes[byte]! |= 1 << (at & 7);
        state[byte] = src.state;
      }
    }
    bit += n;
  }
  return new Value(type, { kind: 'none' }, bytes, state.every((s) => s === 0) ? undefined : state);
}

async function pieceBytes(p: Piece, len: number, io: PieceIO): Promise<{ bytes: Uint8Array; state: number } | undefined> {
  switch (p.kind) {
    case 'memory': return { bytes: await io.readMemory(p.address, len), state: 0 };
    case 'register': return { bytes: fit(await io.readRegister(p.reg), len), state: 0 };
    case 'value': return { bytes: bigIntToBytes(p.value, len), state: 0 };
    case 'implicit': return { bytes: fit(p.bytes, len), state: 0 };
    case 'implicit-pointer': return { bytes: new Uint8Array(len), state: BYTE_SYNTHETIC };
    case 'optimized-out': return undefined;
  }
}

function fit(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(b.subarray(0, n));
  return out;
}
