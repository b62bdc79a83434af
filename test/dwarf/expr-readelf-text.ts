// Test helper: prints decoded DWARF expressions exactly as binutils readelf does, to compare with its dumps.
import { DW_OP, decodeExpression, type DecodedOp, type OpEncoding } from '../../src/dwarf/expr.js';
import { dwarfRegName } from '../../src/arch/x86-64/dwarf-regs.js';

const hex = (v: bigint): string => v.toString(16);

function block(b: Uint8Array): string {
  return `${b.length} byte block: ${Array.from(b, (x) => x.toString(16)).join(' ')} `;
}

function signedArg(d: DecodedOp, i: number): string {
  return d.args[i]!.toString();
}

/** One op in readelf's words; `cuOffset` is added to unit-relative type references as readelf does. */
function opText(d: DecodedOp, enc: OpEncoding, cuOffset: number): string {
  const op = d.op;
  const a = d.args;
  const cu = (v: bigint): string => `<0x${hex(v + BigInt(cuOffset))}>`;
  if (op >= DW_OP.reg0 && op <= DW_OP.reg31) return `${d.name} (${dwarfRegName(op - DW_OP.reg0)})`;
  if (op >= DW_OP.breg0 && op <= DW_OP.breg31) return `${d.name} (${dwarfRegName(op - DW_OP.breg0)}): ${signedArg(d, 0)}`;
  switch (op) {
    case DW_OP.addr: return `${d.name}: ${hex(a[0]!)}`;
    case DW_OP.regx: return `${d.name}: ${a[0]} (${dwarfRegName(Number(a[0]))})`;
    case DW_OP.bregx: return `${d.name}: ${a[0]} (${dwarfRegName(Number(a[0]))}) ${a[1]}`;
    case DW_OP.bit_piece: return `${d.name}: size: ${a[0]} offset: ${a[1]} `;
    case DW_OP.implicit_value: return `${d.name} ${block(d.block!)}`;
    case DW_OP.implicit_pointer: case DW_OP.GNU_implicit_pointer: return `${d.name}: <0x${hex(a[0]!)}> ${a[1]}`;
    case DW_OP.entry_value: case DW_OP.GNU_entry_value: return `${d.name}: (${exprText(d.block!, enc, cuOffset)})`;
    case DW_OP.const_type: case DW_OP.GNU_const_type: return `${d.name}: ${cu(a[0]!)}  ${block(d.block!)}`;
    case DW_OP.regval_type: case DW_OP.GNU_regval_type: return `${d.name}: ${a[0]} (${dwarfRegName(Number(a[0]))}) ${cu(a[1]!)}`;
    case DW_OP.deref_type: case DW_OP.GNU_deref_type: return `${d.name}: ${a[0]} ${cu(a[1]!)}`;
    case DW_OP.convert: case DW_OP.GNU_convert: case DW_OP.reinterpret: case DW_OP.GNU_reinterpret:
      return `${d.name} ${cu(a[0]!)}`;
    case DW_OP.call2: case DW_OP.call4: return `${d.name}: ${cu(a[0]!)}`;
    case DW_OP.call_ref: case DW_OP.GNU_parameter_ref: return `${d.name}: <0x${hex(a[0]!)}>`;
    case DW_OP.addrx: case DW_OP.constx: case DW_OP.GNU_addr_index: case DW_OP.GNU_const_index: return `${d.name} <0x${hex(a[0]!)}>`;
    default: return a.length ? `${d.name}: ${a.join(' ')}` : d.name;
  }
}

/** The whole expression as readelf prints it between the parentheses. */
export function exprText(bytes: Uint8Array, enc: OpEncoding, cuOffset = 0): string {
  return decodeExpression(bytes, enc).map((d) => opText(d, enc, cuOffset)).join('; ');
}
