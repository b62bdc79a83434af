// gdb's words for where a variable lives (info scope / info address): locexpr and loclist descriptions, DWARF disassembly.
import { DW_OP, decodeOp, type DecodedOp } from '../dwarf/expr-ops.js';
import { dwarfRegName } from '../arch/x86-64/dwarf-regs.js';
import { ByteReader } from '../util/byte-reader.js';
import type { FunctionInfo, Variable } from '../symbols/functions.js';
import type { Program } from '../symbols/program.js';
import { typeName } from '../symbols/type-format.js';
import { DwarfTypes } from '../symbols/types-dwarf.js';
import { UserError } from '../util/errors.js';

interface Ctx {
  program: Program;
  v: Variable;
  fn: FunctionInfo | undefined;
  /** The pc the description is for (block entry, or a location list range start). */
  addr: bigint;
}

const reg = (n: number): string => dwarfRegName(n);
const hex = (v: bigint): string => v.toString(16);
const pieceEnd = (b: Uint8Array, i: number): boolean => i >= b.length || b[i] === DW_OP.piece || b[i] === DW_OP.bit_piece;

function typeAtCu(c: Ctx, cuOffset: bigint): string {
  try {
    const t = new DwarfTypes(c.program.dwarf).typeAt(c.v.unit.offset + Number(cuOffset));
    return typeName(t);
  } catch {
    return '<unknown type>';
  }
}

function decodeAt(bytes: Uint8Array, pos: number, c: Ctx): DecodedOp {
  const r = new ByteReader(bytes, 'DWARF expression');
  r.pos = pos;
  return decodeOp(r, { addressSize: c.v.unit.addressSize, offsetSize: c.v.unit.offsetSize, version: c.v.unit.version });
}

/** gdb's disassemble_dwarf_expression: one line per operation, each numbered by its index in `bytes` plus `base`. */
function disassemble(bytes: Uint8Array, start: number, end: number, indent: number, all: boolean, c: Ctx, base = 0): { text: string; pos: number } {
  let text = '';
  let pos = start;
  while (pos < end && (all || (bytes[pos] !== DW_OP.piece && bytes[pos] !== DW_OP.bit_piece))) {
    const d = decodeAt(bytes, pos, c);
    const a = d.args;
    text += `  ${String(pos + base).padStart(indent + 4)}: ${d.name}`;
    const op = d.op;
    if (op === DW_OP.entry_value || op === DW_OP.GNU_entry_value) {
      const inner = d.block!;
      const innerStart = d.next - inner.length;
      text += '\n' + disassemble(inner, 0, inner.length, indent + 2, all, c, base + innerStart).text;
      pos = d.next;
      continue;
    }
    if (op === DW_OP.addr) text += ` 0x${hex(a[0]!)}`;
    else if (op >= DW_OP.reg0 && op <= DW_OP.reg0 + 31) text += ` [$${reg(op - DW_OP.reg0)}]`;
    else if (op >= DW_OP.breg0 && op <= DW_OP.breg0 + 31) text += ` ${BigInt.asIntN(64, a[0]!)} [$${reg(op - DW_OP.breg0)}]`;
    else if (op === DW_OP.regx) text += ` ${a[0]} [$${reg(Number(a[0]))}]`;
    else if (op === DW_OP.bregx) text += ` register ${a[0]} [$${reg(Number(a[0]))}] offset ${a[1]}`;
    else if (op === DW_OP.implicit_value) text += ` ${d.block!.length}`;
    else if (op === DW_OP.skip) text += ` to ${d.next + base + Number(a[0])}`;
    else if (op === DW_OP.bra) text += ` ${d.next + base + Number(a[0])}`;
    else if (op === DW_OP.call2 || op === DW_OP.call4 || op === DW_OP.call_ref || op === DW_OP.GNU_parameter_ref || op === DW_OP.GNU_variable_value) text += ` offset ${hex(a[0]!)}`;
    else if (op === DW_OP.piece) text += ` ${a[0]} (bytes)`;
    else if (op === DW_OP.bit_piece) text += ` size ${a[0]} offset ${a[1]} (bits)`;
    else if (op === DW_OP.implicit_pointer || op === DW_OP.GNU_implicit_pointer) text += ` DIE <0x${hex(a[0]!)}> offset ${a[1]}`;
    else if (op === DW_OP.addrx || op === DW_OP.GNU_addr_index) text += ` 0x${hex(c.v.unit.addrx(Number(a[0])))}`;
    else if (op === DW_OP.GNU_const_index || op === DW_OP.constx) text += ` ${c.v.unit.addrxRaw(Number(a[0]))}`;
    else if (op === DW_OP.deref_type || op === DW_OP.GNU_deref_type) text += `<${typeAtCu(c, a[1]!)} [0x${hex(a[1]!)}]> ${a[0]}`;
    else if (op === DW_OP.const_type || op === DW_OP.GNU_const_type) {
      const blk = d.block ?? new Uint8Array(0);
      text += `<${typeAtCu(c, a[0]!)} [0x${hex(a[0]!)}]> ${blk.length} byte block:${Array.from(blk, (b) => ' ' + b.toString(16).padStart(2, '0')).join('')}`;
    } else if (op === DW_OP.regval_type || op === DW_OP.GNU_regval_type) text += `<${typeAtCu(c, a[1]!)} [0x${hex(a[1]!)}]> [$${reg(Number(a[0]))}]`;
    else if (op === DW_OP.convert || op === DW_OP.GNU_convert || op === DW_OP.reinterpret || op === DW_OP.GNU_reinterpret) {
      text += a[0] === 0n ? '<0>' : `<${typeAtCu(c, a[0]!)} [0x${hex(a[0]!)}]>`;
    } else if (a.length) text += ` ${a[0]}`;
    text += '\n';
    pos = d.next;
  }
  return { text, pos };
}

/** gdb's locexpr_describe_location_piece: a short phrase for common shapes, or null to disassemble. */
function describePiece(b: Uint8Array, pos: number, c: Ctx): { text: string; pos: number } | undefined {
  const op = b[pos]!;
  if (op >= DW_OP.reg0 && op <= DW_OP.reg0 + 31) return { text: `a variable in $${reg(op - DW_OP.reg0)}`, pos: pos + 1 };
  if (op === DW_OP.regx) {
    const d = decodeAt(b, pos, c);
    return { text: `a variable in $${reg(Number(d.args[0]))}`, pos: d.next };
  }
  if (op === DW_OP.fbreg) {
    const d = decodeAt(b, pos, c);
    if (!pieceEnd(b, d.next)) return undefined;
    const fb = c.fn?.frameBase;
    if (!fb || fb.kind !== 'expr' || !fb.bytes.length) return undefined;
    const f0 = fb.bytes[0]!;
    let frameReg: number;
    let baseOffset = 0n;
    if (f0 >= DW_OP.breg0 && f0 <= DW_OP.breg0 + 31) {
      const fd = decodeAt(fb.bytes, 0, c);
      if (fd.next !== fb.bytes.length) return undefined;
      frameReg = f0 - DW_OP.breg0;
      baseOffset = fd.args[0]!;
    } else if (f0 >= DW_OP.reg0 && f0 <= DW_OP.reg0 + 31) frameReg = f0 - DW_OP.reg0;
    else return undefined;
    return { text: `a variable at frame base reg $${reg(frameReg)} offset ${baseOffset}+${d.args[0]}`, pos: d.next };
  }
  const as = c.v.unit.addressSize;
  if (pos + 1 + as < b.length && (op === DW_OP.addr || (as === 8 && op === DW_OP.const8u) || (as === 4 && op === DW_OP.const4u))
    && (b[pos + 1 + as] === DW_OP.GNU_push_tls_address || b[pos + 1 + as] === DW_OP.form_tls_address) && pieceEnd(b, pos + 2 + as)) {
    const d = decodeAt(b, pos, c);
    return { text: `a thread-local variable at offset 0x${hex(d.args[0]!)} in the thread-local storage for \`${c.program.elf.path}'`, pos: pos + 2 + as };
  }
  if (op >= DW_OP.lit0 && op <= DW_OP.lit0 + 31 && pos + 1 < b.length && b[pos + 1] === DW_OP.stack_value) return { text: `the constant ${op - DW_OP.lit0}`, pos: pos + 2 };
  return undefined;
}

/** gdb's locexpr_describe_location_1 for one expression. */
export function describeExpr(b: Uint8Array, c: Ctx): string {
  let out = '';
  let pos = 0;
  let first = true;
  while (pos < b.length) {
    const here = pos;
    if (!first) out += ', and ';
    first = false;
    let disasm = true;
    const p = describePiece(b, pos, c);
    if (p) {
      out += p.text;
      pos = p.pos;
      disasm = false;
    } else if (b[pos] === DW_OP.piece || b[pos] === DW_OP.bit_piece) disasm = false;
    if (disasm) {
      out += 'a complex DWARF expression:\n';
      // Offsets count from the start of this piece's operations, as gdb's do.
      const d = disassemble(b, pos, b.length, 0, false, c, -pos);
      out += d.text;
      pos = d.pos;
    }
    if (pos < b.length) {
      const empty = pos === here;
      if (disasm) out += '   ';
      const d = decodeAt(b, pos, c);
      if (d.op === DW_OP.piece) out += empty ? `an empty ${d.args[0]}-byte piece` : ` [${d.args[0]}-byte piece]`;
      else if (d.op === DW_OP.bit_piece) out += empty ? `an empty ${d.args[0]}-bit piece` : ` [${d.args[0]}-bit piece, offset ${d.args[1]} bits]`;
      else throw new UserError(`Corrupted DWARF2 expression for "${c.v.name}".`);
      pos = d.next;
    }
  }
  return out;
}

type RawLoc = { kind: 'base'; address: bigint } | { kind: 'range'; low: bigint; high: bigint; expr: Uint8Array };

/** The entries of a location list as gdb walks them (base-address entries kept, for "Base address" lines). */
function rawLocList(c: Ctx): RawLoc[] {
  const loc = c.v.location;
  if (loc.kind !== 'loclist') return [];
  const u = c.v.unit;
  const data = c.program.dwarf.sectionBytes(loc.section);
  const r = new ByteReader(data, loc.section);
  if (loc.offset < 0 || loc.offset >= data.length) r.fail('location list offset out of range', loc.offset);
  r.pos = loc.offset;
  const as = u.addressSize;
  const out: RawLoc[] = [];
  let base = loc.unit.baseAddress;
  const bias = u.bias; // absolute entries are link-time addresses (the unit's base already has the bias)
  for (let n = 0; n < 100_000; n++) {
    if (u.version < 5) {
      const lo = r.uN(as);
      const hi = r.uN(as);
      if (lo === 0n && hi === 0n) break;
      if (lo === (1n << BigInt(as * 8)) - 1n) {
        base = hi + bias;
        out.push({ kind: 'base', address: base });
        continue;
      }
      out.push({ kind: 'range', low: lo + base, high: hi + base, expr: r.bytesN(r.u16()) });
      continue;
    }
    const kind = r.u8();
    if (kind === 0) break;
    switch (kind) {
      case 1: base = u.addrx(r.uleb()); out.push({ kind: 'base', address: base }); break;
      case 2: { const lo = u.addrx(r.uleb()); const hi = u.addrx(r.uleb()); out.push({ kind: 'range', low: lo, high: hi, expr: r.bytesN(r.uleb()) }); break; }
      case 3: { const lo = u.addrx(r.uleb()); const len = BigInt(r.uleb()); out.push({ kind: 'range', low: lo, high: lo + len, expr: r.bytesN(r.uleb()) }); break; }
      case 4: { const lo = BigInt(r.uleb()); const hi = BigInt(r.uleb()); out.push({ kind: 'range', low: lo + base, high: hi + base, expr: r.bytesN(r.uleb()) }); break; }
      case 5: r.bytesN(r.uleb()); break;
      case 6: base = r.uN(as) + bias; out.push({ kind: 'base', address: base }); break;
      case 7: { const lo = r.uN(as) + bias; const hi = r.uN(as) + bias; out.push({ kind: 'range', low: lo, high: hi, expr: r.bytesN(r.uleb()) }); break; }
      case 8: { const lo = r.uN(as) + bias; const len = BigInt(r.uleb()); out.push({ kind: 'range', low: lo, high: lo + len, expr: r.bytesN(r.uleb()) }); break; }
      case 9: r.uleb(); r.uleb(); break;
      default: r.fail(`unknown location list entry kind ${kind}`, r.pos - 1);
    }
  }
  return out;
}

/** The phrase after "Symbol X is " (without the final length), for a variable in function `fn` seen from `addr`. */
export function describeSymbolLocation(program: Program, v: Variable, fn: FunctionInfo | undefined, addr: bigint, forScope: boolean): string {
  const c: Ctx = { program, v, fn, addr };
  const loc = v.location;
  // gdb's two wordings of a fixed address (LOC_STATIC): info scope's "in static storage", info address's "static storage".
  const statik = forScope ? 'in static storage' : 'static storage';
  switch (loc.kind) {
    case 'optimizedOut': return 'optimized out';
    case 'const': {
      const val = loc.value;
      // info scope prints each byte as " %02x" after "constant bytes: ".
      if (val.kind === 'block') return `constant bytes:${forScope ? ' ' : ''} ${Array.from(val.value, (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
      const n = val.kind === 'unsigned' || val.kind === 'signed' ? BigInt(val.value) : 0n;
      return `a constant with value ${n} (0x${BigInt.asUintN(64, n).toString(16)})`;
    }
    case 'expr': {
      const b = loc.bytes;
      if (b.length === 1 + v.unit.addressSize && b[0] === DW_OP.addr) return `${statik} at address 0x${hex(decodeAt(b, 0, c).args[0]!)}`;
      if (b.length && (b[0] === DW_OP.addrx || b[0] === DW_OP.GNU_addr_index)) {
        const d = decodeAt(b, 0, c);
        if (d.next === b.length) return `${statik} at address 0x${hex(v.unit.addrx(Number(d.args[0])))}`;
      }
      return describeExpr(b, c);
    }
    case 'loclist': {
      let out = 'multi-location:\n';
      for (const e of rawLocList(c)) {
        if (e.kind === 'base') {
          out += `  Base address 0x${hex(e.address)}`;
          continue;
        }
        out += `  Range 0x${hex(e.low)}-0x${hex(e.high)}: ${describeExpr(e.expr, { ...c, addr: e.low })}\n`;
      }
      return out;
    }
  }
}
