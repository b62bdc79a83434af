// DWARF expression opcodes (DW_OP_*, DWARF 2-5 + GNU): names, operand shapes and a decoder of one operation.
import { ByteReader } from '../util/byte-reader.js';

export const DW_OP = {
  addr: 0x03, deref: 0x06, const1u: 0x08, const1s: 0x09, const2u: 0x0a, const2s: 0x0b, const4u: 0x0c,
  const4s: 0x0d, const8u: 0x0e, const8s: 0x0f, constu: 0x10, consts: 0x11, dup: 0x12, drop: 0x13, over: 0x14,
  pick: 0x15, swap: 0x16, rot: 0x17, xderef: 0x18, abs: 0x19, and: 0x1a, div: 0x1b, minus: 0x1c, mod: 0x1d,
  mul: 0x1e, neg: 0x1f, not: 0x20, or: 0x21, plus: 0x22, plus_uconst: 0x23, shl: 0x24, shr: 0x25, shra: 0x26,
  xor: 0x27, bra: 0x28, eq: 0x29, ge: 0x2a, gt: 0x2b, le: 0x2c, lt: 0x2d, ne: 0x2e, skip: 0x2f,
  lit0: 0x30, lit1: 0x31, lit2: 0x32, lit3: 0x33, lit4: 0x34, lit5: 0x35, lit6: 0x36, lit7: 0x37,
  lit8: 0x38, lit9: 0x39, lit10: 0x3a, lit11: 0x3b, lit12: 0x3c, lit13: 0x3d, lit14: 0x3e, lit15: 0x3f,
  lit16: 0x40, lit17: 0x41, lit18: 0x42, lit19: 0x43, lit20: 0x44, lit21: 0x45, lit22: 0x46, lit23: 0x47,
  lit24: 0x48, lit25: 0x49, lit26: 0x4a, lit27: 0x4b, lit28: 0x4c, lit29: 0x4d, lit30: 0x4e, lit31: 0x4f,
  reg0: 0x50, reg1: 0x51, reg2: 0x52, reg3: 0x53, reg4: 0x54, reg5: 0x55, reg6: 0x56, reg7: 0x57,
  reg8: 0x58, reg9: 0x59, reg10: 0x5a, reg11: 0x5b, reg12: 0x5c, reg13: 0x5d, reg14: 0x5e, reg15: 0x5f,
  reg16: 0x60, reg17: 0x61, reg18: 0x62, reg19: 0x63, reg20: 0x64, reg21: 0x65, reg22: 0x66, reg23: 0x67,
  reg24: 0x68, reg25: 0x69, reg26: 0x6a, reg27: 0x6b, reg28: 0x6c, reg29: 0x6d, reg30: 0x6e, reg31: 0x6f,
  breg0: 0x70, breg1: 0x71, breg2: 0x72, breg3: 0x73, breg4: 0x74, breg5: 0x75, breg6: 0x76, breg7: 0x77,
  breg8: 0x78, breg9: 0x79, breg10: 0x7a, breg11: 0x7b, breg12: 0x7c, breg13: 0x7d, breg14: 0x7e, breg15: 0x7f,
  breg16: 0x80, breg17: 0x81, breg18: 0x82, breg19: 0x83, breg20: 0x84, breg21: 0x85, breg22: 0x86, breg23: 0x87,
  breg24: 0x88, breg25: 0x89, breg26: 0x8a, breg27: 0x8b, breg28: 0x8c, breg29: 0x8d, breg30: 0x8e, breg31: 0x8f,
  regx: 0x90, fbreg: 0x91, bregx: 0x92, piece: 0x93, deref_size: 0x94, xderef_size: 0x95, nop: 0x96,
  push_object_address: 0x97, call2: 0x98, call4: 0x99, call_ref: 0x9a, form_tls_address: 0x9b,
  call_frame_cfa: 0x9c, bit_piece: 0x9d, implicit_value: 0x9e, stack_value: 0x9f, implicit_pointer: 0xa0,
  addrx: 0xa1, constx: 0xa2, entry_value: 0xa3, const_type: 0xa4, regval_type: 0xa5, deref_type: 0xa6,
  xderef_type: 0xa7, convert: 0xa8, reinterpret: 0xa9,
  GNU_push_tls_address: 0xe0, GNU_uninit: 0xf0, GNU_encoded_addr: 0xf1, GNU_implicit_pointer: 0xf2,
  GNU_entry_value: 0xf3, GNU_const_type: 0xf4, GNU_regval_type: 0xf5, GNU_deref_type: 0xf6, GNU_convert: 0xf7,
  GNU_reinterpret: 0xf9, GNU_parameter_ref: 0xfa, GNU_addr_index: 0xfb, GNU_const_index: 0xfc,
  GNU_variable_value: 0xfd,
} as const;

/**
 * Operand shapes: fixed-size integers, LEB128s, 'addr' (address size), 'ref' (offset size; address
 * size in DWARF 2), 'block' (ULEB128 length + bytes) and 'sblock' (1-byte length + bytes).
 */
type Operand = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'uleb' | 'sleb' | 'addr' | 'ref' | 'block' | 'sblock';

const SHAPES = new Map<number, { name: string; operands: Operand[] }>();
function def(op: number, name: string, ...operands: Operand[]): void {
  SHAPES.set(op, { name: `DW_OP_${name}`, operands });
}
const SPECIAL: Record<string, Operand[]> = {
  addr: ['addr'], const1u: ['u8'], const1s: ['i8'], const2u: ['u16'], const2s: ['i16'], const4u: ['u32'],
  const4s: ['i32'], const8u: ['u64'], const8s: ['i64'], constu: ['uleb'], consts: ['sleb'], pick: ['u8'],
  plus_uconst: ['uleb'], bra: ['i16'], skip: ['i16'], regx: ['uleb'], fbreg: ['sleb'], bregx: ['uleb', 'sleb'],
  piece: ['uleb'], deref_size: ['u8'], xderef_size: ['u8'], call2: ['u16'], call4: ['u32'], call_ref: ['ref'],
  bit_piece: ['uleb', 'uleb'], implicit_value: ['block'], implicit_pointer: ['ref', 'sleb'], addrx: ['uleb'],
  constx: ['uleb'], entry_value: ['block'], const_type: ['uleb', 'sblock'], regval_type: ['uleb', 'uleb'],
  deref_type: ['u8', 'uleb'], xderef_type: ['u8', 'uleb'], convert: ['uleb'], reinterpret: ['uleb'],
  GNU_implicit_pointer: ['ref', 'sleb'], GNU_entry_value: ['block'], GNU_const_type: ['uleb', 'sblock'],
  GNU_regval_type: ['uleb', 'uleb'], GNU_deref_type: ['u8', 'uleb'], GNU_convert: ['uleb'],
  GNU_reinterpret: ['uleb'], GNU_parameter_ref: ['u32'], GNU_addr_index: ['uleb'], GNU_const_index: ['uleb'],
  GNU_variable_value: ['ref'],
};
for (const [name, op] of Object.entries(DW_OP)) def(op, name, ...(SPECIAL[name] ?? (name.startsWith('breg') ? ['sleb'] : [])));

/** Name of an opcode ("DW_OP_fbreg"), or a hex placeholder for unknown ones. */
export function opName(op: number): string {
  return SHAPES.get(op)?.name ?? `DW_OP_<0x${op.toString(16)}>`;
}

/** Sizes that change how operands decode. */
export interface OpEncoding {
  /** Bytes in a target address (DW_OP_addr, DWARF 2 references): 4 or 8. */
  addressSize: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF (DW_OP_call_ref, implicit_pointer). Default 4. */
  offsetSize?: number;
  /** DWARF version of the unit; in version 2 references are address-sized. Default 5. */
  version?: number;
}

/** One decoded operation. `args` holds the integer operands in order; `block` the byte operand, if any. */
export interface DecodedOp {
  /** Offset of the opcode inside the expression. */
  offset: number;
  /** Offset just past the operands. */
  next: number;
  op: number;
  name: string;
  args: bigint[];
  block?: Uint8Array;
}

/** Decodes the operation at `r.pos` (relative to `base`, the expression's first byte) and advances past it. */
export function decodeOp(r: ByteReader, enc: OpEncoding, base = 0): DecodedOp {
  const start = r.pos;
  const op = r.u8();
  const shape = SHAPES.get(op);
  if (!shape) r.fail(`unknown DWARF expression opcode 0x${op.toString(16)}`, start);
  if (op === DW_OP.GNU_encoded_addr) r.fail('DW_OP_GNU_encoded_addr is not supported', start);
  const args: bigint[] = [];
  let block: Uint8Array | undefined;
  for (const o of shape.operands) {
    switch (o) {
      case 'u8': args.push(BigInt(r.u8())); break;
      case 'i8': args.push(BigInt(r.i8())); break;
      case 'u16': args.push(BigInt(r.u16())); break;
      case 'i16': args.push(BigInt(r.i16())); break;
      case 'u32': args.push(BigInt(r.u32())); break;
      case 'i32': args.push(BigInt(r.i32())); break;
      case 'u64': args.push(r.u64()); break;
      case 'i64': args.push(r.i64()); break;
      case 'uleb': args.push(r.ulebBig()); break;
      case 'sleb': args.push(r.slebBig()); break;
      case 'addr': args.push(r.uN(enc.addressSize)); break;
      case 'ref': args.push(r.uN((enc.version ?? 5) <= 2 ? enc.addressSize : (enc.offsetSize ?? 4))); break;
      case 'block': block = r.bytesN(r.uleb()); break;
      case 'sblock': block = r.bytesN(r.u8()); break;
    }
  }
  return { offset: start - base, next: r.pos - base, op, name: shape.name, args, block };
}

/** Decodes a whole expression into its operations (for display and tests). Throws FormatError on bad bytes. */
export function decodeExpression(bytes: Uint8Array, enc: OpEncoding, section = 'DWARF expression'): DecodedOp[] {
  const r = new ByteReader(bytes, section);
  const out: DecodedOp[] = [];
  while (!r.atEnd()) out.push(decodeOp(r, enc));
  return out;
}

/** gdb/readelf-like text of an expression: "DW_OP_breg7: 8; DW_OP_deref". */
export function formatExpression(bytes: Uint8Array, enc: OpEncoding): string {
  return decodeExpression(bytes, enc)
    .map((d) => {
      const parts = d.args.map((a) => (d.op === DW_OP.addr ? `0x${a.toString(16)}` : a.toString()));
      if (d.block) {
        parts.push(d.op === DW_OP.entry_value || d.op === DW_OP.GNU_entry_value ? `(${formatExpression(d.block, enc)})` : Array.from(d.block, (b) => b.toString(16).padStart(2, '0')).join(' '));
      }
      return parts.length ? `${d.name}: ${parts.join(' ')}` : d.name;
    })
    .join('; ');
}
