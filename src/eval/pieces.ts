// Values from evaluated DWARF locations (dwarf/expr.ts pieces): memory, registers, stack values, composites.
import type { Piece } from '../dwarf/expr.js';
import { dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import { type Type } from '../symbols/types.js';
import { Value, valueSize, bigIntToBytes, bytesToBigInt, statesFromBits, BYTE_OPTIMIZED_OUT, BYTE_SYNTHETIC, type ReadMemory } from './value.js';

export interface PieceIO {
  readMemory: ReadMemory;
  /** Raw little-endian bytes of DWARF register `reg` in the frame (8 for general registers, 16 for xmm). */
  readRegister(reg: number): Promise<Uint8Array>;
}

/**
 * A value of `type` located by `pieces`. A single memory piece gives a lazy lvalue (gdb reads it on use);
 * registers, stack values, implicit bytes and composites are read now. Empty pieces are <optimized out>,
 * implicit pointers <synthetic pointer>; bits that no piece describes read as zeros.
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
  // A composite, assembled piece by piece as gdb's rw_pieced_value does. Bits that no piece describes stay zero
  // and valid (gdb allocates the value zeroed and marks nothing); pieces past the object's end are not read.
  const bytes = new Uint8Array(size);
  let bitState: Uint8Array | undefined;
  let bit = 0;
  for (const p of pieces) {
    if (bit >= size * 8) break;
    const n = Math.min(p.sizeBits ?? size * 8 - bit, size * 8 - bit);
    if (n <= 0) continue;
    const src = await pieceBits(p, n, io);
    if (typeof src === 'bigint') {
      // Each bit is written once into zeroed bytes, so OR-ing the shifted bytes in places the piece.
      const shifted = bigIntToBytes(src << BigInt(bit % 8), Math.ceil(((bit % 8) + n) / 8));
      shifted.forEach((b, i) => (bytes[(bit >> 3) + i]! |= b));
    } else {
      bitState ??= new Uint8Array(size * 8);
      bitState.fill(src, bit, bit + n);
    }
    bit += n;
  }
  const lval = { kind: 'composite', pieces, bitOffset: 0 } as const;
  if (!bitState) return new Value(type, lval, bytes);
  const states = statesFromBits(bitState, size);
  return new Value(type, lval, bytes, states.byteState, undefined, states.bitState);
}

/** The `n` bits a piece contributes (little-endian, as a number), or the byte state when it has none. */
async function pieceBits(p: Piece, n: number, io: PieceIO): Promise<bigint | number> {
  const offset = p.bitOffset ?? 0;
  const take = (b: Uint8Array, skip: number): bigint => (bytesToBigInt(b, false) >> BigInt(skip)) & ((1n << BigInt(n)) - 1n);
  switch (p.kind) {
    case 'memory': {
      const skip = offset % 8;
      return take(await io.readMemory(p.address + BigInt(Math.floor(offset / 8)), Math.ceil((skip + n) / 8)), skip);
    }
    case 'register': return take(await io.readRegister(p.reg), offset);
    case 'value': {
      // gdb reads a piece that reaches past the stack value's type (the address-sized generic type unless
      // typed) as zeros, not as the value's remaining bits.
      const valueBits = (p.size ?? 8) * 8;
      return offset + (p.sizeBits ?? n) > valueBits ? 0n : take(bigIntToBytes(p.value, p.size ?? 8), offset);
    }
    // Bits past the end of the implicit value are zeros.
    case 'implicit': return take(p.bytes, offset);
    case 'implicit-pointer': return BYTE_SYNTHETIC;
    case 'optimized-out': return BYTE_OPTIMIZED_OUT;
  }
}

function fit(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(b.subarray(0, n));
  return out;
}
