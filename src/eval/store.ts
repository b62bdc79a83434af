// Stores into where a value lives (gdb's value_assign): memory, registers and their parts, DWARF piece composites.
import { UserError } from '../util/errors.js';
import { MemoryError } from '../target/contract.js';
import { dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import type { Piece } from '../dwarf/expr.js';
import { bigIntToBytes, bytesToBigInt, type Value } from './value.js';
import { registerInfo } from './registers.js';
import type { EvalScope, RegisterInfo } from './scope.js';

/** A register's bits, assembled from its parts (ymm from xmm and the upper half); undefined without registers. */
export async function readRegisterBits(scope: EvalScope, reg: RegisterInfo): Promise<bigint | undefined> {
  if (!reg.parts) return scope.readRegister?.(reg.base);
  let value = 0n;
  let shift = 0n;
  for (const p of reg.parts) {
    const v = await scope.readRegister?.(p.name);
    if (v === undefined) return undefined;
    value |= (v & ((1n << BigInt(p.bits)) - 1n)) << shift;
    shift += BigInt(p.bits);
  }
  return value;
}

/** Writes `bytes` where `left` lives; for a composite, returns the mask of bits that had nowhere to go. */
export async function storeValue(scope: EvalScope, left: Value, bytes: Uint8Array): Promise<bigint | undefined> {
  const lv = left.lval;
  if (lv.kind === 'memory') {
    if (left.bitfield) await writeMemoryBits(scope, lv.address, left.bitfield.bitPos, left.bitfield.bitSize, bytesToBigInt(bytes, false));
    else if (!scope.writeMemory) throw new MemoryError(lv.address);
    else await scope.writeMemory(lv.address, bytes);
    return undefined;
  }
  if (lv.kind === 'register') {
    const reg = registerInfo(lv.name)!;
    // A member of a vector register ($xmm0.v4_float[1]) replaces its bytes only.
    const width = left.bitfield ? bytes.length * 8 : Math.min(bytes.length * 8, reg.bits);
    await writeRegisterBits(scope, reg, reg.shift + (lv.offset ?? 0) * 8, width, bytesToBigInt(bytes, false));
    return undefined;
  }
  if (lv.kind === 'composite') {
    const start = lv.bitOffset + (left.bitfield?.bitPos ?? 0);
    const width = left.bitfield?.bitSize ?? bytes.length * 8;
    return writePieces(scope, lv.pieces, start, width, bytesToBigInt(bytes, false));
  }
  throw new UserError('Left operand of assignment is not an lvalue.');
}

/** `width` bits of `value` into register `reg` at bit `at`; the other bits keep their contents. */
async function writeRegisterBits(scope: EvalScope, reg: RegisterInfo, at: number, width: number, value: bigint): Promise<void> {
  if (!scope.writeRegister) throw new UserError('No registers.');
  const old = (await readRegisterBits(scope, reg)) ?? 0n;
  const mask = ((1n << BigInt(width)) - 1n) << BigInt(at);
  const nv = (old & ~mask) | ((value << BigInt(at)) & mask);
  if (!reg.parts) {
    await scope.writeRegister(reg.base, nv);
    return;
  }
  let shift = 0n;
  for (const p of reg.parts) {
    const m = (1n << BigInt(p.bits)) - 1n;
    // Only the parts the assignment touched are written (one P packet for a lane of $ymm0).
    if (((mask >> shift) & m) !== 0n) await scope.writeRegister(p.name, (nv >> shift) & m);
    shift += BigInt(p.bits);
  }
}

/**
 * gdb's rw_pieced_value writing: bits [start, start + width) of a composite go to the memory and register
 * pieces they fall in; bits of stack values, implicit values and empty pieces have nowhere to go and are dropped.
 */
async function writePieces(scope: EvalScope, pieces: readonly Piece[], start: number, width: number, value: bigint): Promise<bigint> {
  let dropped = 0n;
  let pos = 0;
  for (const p of pieces) {
    const len = p.sizeBits ?? Number.MAX_SAFE_INTEGER;
    const from = Math.max(start, pos);
    const to = Math.min(start + width, pos + len);
    if (from < to) {
      const n = to - from;
      const bits = (value >> BigInt(from - start)) & ((1n << BigInt(n)) - 1n);
      const at = (p.bitOffset ?? 0) + (from - pos);
      if (p.kind === 'memory') await writeMemoryBits(scope, p.address, at, n, bits);
      else if (p.kind === 'register') {
        const reg = registerInfo(dwarfRegName(p.reg));
        if (!reg) throw new UserError(`Unable to access DWARF register number ${p.reg}`);
        await writeRegisterBits(scope, reg, reg.shift + at, n, bits);
      } else dropped |= ((1n << BigInt(n)) - 1n) << BigInt(from - start);
    }
    pos += len;
    if (pos >= start + width) break;
  }
  return dropped;
}

/** `n` bits at bit `at` from `address`, read-modify-write of the bytes they touch. */
async function writeMemoryBits(scope: EvalScope, address: bigint, at: number, n: number, bits: bigint): Promise<void> {
  const addr = address + BigInt(Math.floor(at / 8));
  const shift = at % 8;
  const len = Math.ceil((shift + n) / 8);
  if (!scope.writeMemory) throw new MemoryError(addr);
  const cur = bytesToBigInt(await scope.readMemory(addr, len), false);
  const mask = ((1n << BigInt(n)) - 1n) << BigInt(shift);
  await scope.writeMemory(addr, bigIntToBytes((cur & ~mask) | ((bits << BigInt(shift)) & mask), len));
}
