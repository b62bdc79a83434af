// Helpers of the DWARF expression evaluator (expr.ts): IEEE bits of typed values, memory answers, entry-value operands.
import { ByteReader } from '../util/byte-reader.js';
import { FormatError } from '../util/errors.js';
import { DW_OP } from './expr-ops.js';

/**
 * What an entry value's block names, in the two forms gdb accepts: one DW_OP_regN / DW_OP_regx /
 * DW_OP_regval_type (the register's value at entry; gcc -Og writes a double's as regval_type of xmm0), or
 * DW_OP_bregN 0 followed by DW_OP_deref / DW_OP_deref_size (what it pointed to).
 */
export function entryValueRegister(block: Uint8Array): { reg: number; derefSize?: number } | undefined {
  const r = new ByteReader(block, 'DW_OP_entry_value');
  try {
    const op = r.u8();
    let reg: number | undefined;
    if (op >= DW_OP.reg0 && op <= DW_OP.reg31) reg = op - DW_OP.reg0;
    else if (op === DW_OP.regx) reg = Number(r.uleb());
    else if (op === DW_OP.regval_type || op === DW_OP.GNU_regval_type) {
      reg = Number(r.uleb());
      r.uleb(); // the type: the caller's value keeps its own
    }
    if (reg !== undefined) return r.atEnd() ? { reg } : undefined;
    if (op >= DW_OP.breg0 && op <= DW_OP.breg31) reg = op - DW_OP.breg0;
    else if (op === DW_OP.bregx) reg = Number(r.uleb());
    if (reg === undefined || r.sleb() !== 0) return undefined;
    const deref = r.u8();
    const derefSize = deref === DW_OP.deref ? 8 : deref === DW_OP.deref_size ? r.u8() : undefined;
    return derefSize !== undefined && r.atEnd() ? { reg, derefSize } : undefined;
  } catch {
    return undefined;
  }
}

/** The IEEE number in the low `size` bytes of `bits`. */
export function floatValue(bits: bigint, size: 4 | 8): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return size === 8 ? dv.getFloat64(0, true) : dv.getFloat32(0, true);
}

/** The bits of `x` as an IEEE number of `size` bytes. */
export function floatBits(x: number, size: 4 | 8): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  if (size === 8) dv.setFloat64(0, x, true);
  else dv.setFloat32(0, x, true);
  return dv.getBigUint64(0, true);
}

export function memValue(v: bigint | Uint8Array, size: number): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(size * 8, v);
  if (v.length < size) throw new FormatError(`memory read returned ${v.length} bytes, need ${size}`);
  let out = 0n;
  for (let i = size - 1; i >= 0; i--) out = (out << 8n) | BigInt(v[i]!);
  return out;
}
