// Call-frame information: finds the FDE for a pc (.debug_frame and .eh_frame) and unwinds one frame with it.
import { CfiTable, type Fde } from './cfi-parse.js';
import { unwindRowAt, type RegisterRule, type UnwindRow } from './cfi-exec.js';
import { evaluateWith, type Piece } from './expr.js';
import { CALLEE_SAVED, DW_REG_RIP, DW_REG_RSP } from '../arch/x86-64/dwarf-regs.js';
import type { ElfFile } from '../elf/elf.js';
import { FormatError } from '../util/errors.js';
import { BoundedMemo } from '../util/bounded-memo.js';

export { CfiTable, DW_EH_PE, type Cie, type CfiKind, type CfiOptions, type EncodedPointer, type Fde, type InstructionRange } from './cfi-parse.js';
export { DW_CFA, initialState, unwindRowAt, unwindRows, type CfaRule, type RegisterRule, type UnwindRow } from './cfi-exec.js';

/** All CFI of a program: .debug_frame is consulted before .eh_frame. */
export class Cfi {
  private readonly found = new BoundedMemo<bigint, { table: CfiTable; fde: Fde } | undefined>();
  private readonly rows = new BoundedMemo<bigint, { table: CfiTable; fde: Fde; row: UnwindRow } | undefined>();

  constructor(readonly tables: CfiTable[]) {}

  /** The CFI sections of an ELF file (either may be missing; then tables is shorter). */
  static fromElf(elf: ElfFile): Cfi {
    const tables: CfiTable[] = [];
    const debug = elf.section('.debug_frame');
    if (debug && debug.size) tables.push(new CfiTable(elf.data(debug), { kind: 'debug_frame', loadBias: elf.bias }));
    const eh = elf.section('.eh_frame');
    if (eh && eh.size) {
      const got = elf.section('.got');
      const text = elf.section('.text');
      const table = new CfiTable(elf.data(eh), { kind: 'eh_frame', sectionAddress: eh.addr, dataBase: got?.addr, textBase: text?.addr, loadBias: elf.bias });
      const hdr = elf.section('.eh_frame_hdr');
      if (hdr && hdr.size) table.useSearchTable(elf.data(hdr), hdr.addr, eh.addr);
      tables.push(table);
    }
    return new Cfi(tables);
  }

  /** The FDE covering `pc` and the table it came from. */
  find(pc: bigint): { table: CfiTable; fde: Fde } | undefined {
    return this.found.get(pc, () => {
      for (const table of this.tables) {
        const fde = table.fdeForPc(pc);
        if (fde) return { table, fde };
      }
      return undefined;
    });
  }

  /** The unwind row at `pc`, with its FDE. */
  rowAt(pc: bigint): { table: CfiTable; fde: Fde; row: UnwindRow } | undefined {
    return this.rows.get(pc, () => {
      const f = this.find(pc);
      const row = f && unwindRowAt(f.table, f.fde, pc);
      return f && row ? { ...f, row } : undefined;
    });
  }
}

/** Access to the frame being unwound (the callee): its registers and the target's memory. */
export interface UnwindAccess {
  /** Value of DWARF register `reg` in the callee frame, or undefined when unknown (synchronous when at hand: no await per register). */
  readRegister(reg: number): bigint | undefined | Promise<bigint | undefined>;
  readMemory(address: bigint, size: number): Promise<Uint8Array>;
}

export interface UnwoundFrame {
  table: CfiTable;
  fde: Fde;
  row: UnwindRow;
  cfa: bigint;
  /** The caller's registers by DWARF number; a register absent here is unknown in the caller. */
  registers: Map<number, bigint>;
  /** The caller's pc (value of the return-address column); undefined in the outermost frame. */
  returnAddress: bigint | undefined;
  /**
   * Pass as `isReturnAddress` when unwinding the caller: false when this frame is a signal trampoline
   * ('S' augmentation), whose caller was interrupted at an exact pc rather than after a call.
   */
  callerPcIsReturnAddress: boolean;
}

export interface UnwindOptions {
  /**
   * `pc` is a return address (every frame but the innermost, and not the caller of a signal
   * frame): the call may be the last instruction of a function, so FDE and row are looked up at pc-1.
   */
  isReturnAddress?: boolean;
  addressSize?: number;
  /**
   * Registers that keep their value in the caller when the row has no rule for them (the callee-saved ones by
   * default). gdb treats every register without a rule so (its DWARF2_FRAME_REG_UNSPECIFIED): frames pass them all.
   */
  sameValue?: Iterable<number>;
}

function le(bytes: Uint8Array, size: number): bigint {
  if (bytes.length < size) throw new FormatError(`memory read returned ${bytes.length} bytes, need ${size}`);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/**
 * One step of CFI unwinding: given the callee's pc and registers, computes the CFA and the caller's
 * registers (rip = return address, rsp = CFA, callee-saved registers without a rule keep their value).
 * Returns undefined when no FDE covers the pc.
 */
export async function unwindFrame(cfi: Cfi, pc: bigint, access: UnwindAccess, opts: UnwindOptions = {}): Promise<UnwoundFrame | undefined> {
  const addressSize = opts.addressSize ?? 8;
  const found = cfi.rowAt(opts.isReturnAddress && pc > 0n ? pc - 1n : pc);
  if (!found) return undefined;
  const { table, fde, row } = found;
  const exprOpts = { addressSize, section: table.section };
  const readReg = async (reg: number): Promise<bigint> => {
    const got = access.readRegister(reg);
    const v = got instanceof Promise ? await got : got;
    if (v === undefined) throw new FormatError(`register ${reg} is needed to unwind but unknown`, { section: table.section, offset: fde.offset });
    return v;
  };
  const handlers = { readRegister: readReg, readMemory: (a: bigint, n: number) => access.readMemory(a, n) };
  const mask = (1n << BigInt(addressSize * 8)) - 1n;

  let cfa: bigint;
  if (row.cfa.kind === 'reg-offset') cfa = (await readReg(row.cfa.reg) + BigInt(row.cfa.offset)) & mask;
  else cfa = expressionValue(await evaluateWith(row.cfa.expr, exprOpts, handlers));

  const registers = new Map<number, bigint>();
  const recover = async (reg: number, rule: RegisterRule): Promise<bigint | undefined> => {
    switch (rule.kind) {
      case 'undefined': return undefined;
      case 'same-value': return access.readRegister(reg);
      case 'offset': return le(await access.readMemory((cfa + BigInt(rule.offset)) & mask, addressSize), addressSize);
      case 'val-offset': return (cfa + BigInt(rule.offset)) & mask;
      case 'register': return access.readRegister(rule.reg);
      case 'expression': {
        const address = expressionValue(await evaluateWith(rule.expr, { ...exprOpts, initialStack: [cfa] }, handlers));
        return le(await access.readMemory(address, addressSize), addressSize);
      }
      case 'val-expression': return expressionValue(await evaluateWith(rule.expr, { ...exprOpts, initialStack: [cfa] }, handlers));
    }
  };
  for (const [reg, rule] of row.registers) {
    const v = await recover(reg, rule);
    if (v !== undefined) registers.set(reg, v);
  }
  for (const reg of opts.sameValue ?? CALLEE_SAVED) {
    if (!row.registers.has(reg)) {
      const got = access.readRegister(reg);
      const v = got instanceof Promise ? await got : got;
      if (v !== undefined) registers.set(reg, v);
    }
  }
  if (!row.registers.has(DW_REG_RSP)) registers.set(DW_REG_RSP, cfa);
  const raRule = row.registers.get(fde.cie.raColumn);
  const returnAddress = raRule && raRule.kind !== 'undefined' ? registers.get(fde.cie.raColumn) : undefined;
  if (returnAddress !== undefined) registers.set(DW_REG_RIP, returnAddress);
  else registers.delete(DW_REG_RIP);
  return { table, fde, row, cfa, registers, returnAddress, callerPcIsReturnAddress: !fde.cie.signalFrame };
}

/** The value a CFI expression computes: the address of its memory location, or its stack value. */
function expressionValue(pieces: Piece[]): bigint {
  const p = pieces.length === 1 ? pieces[0] : undefined;
  if (p?.kind === 'memory') return p.address;
  if (p?.kind === 'value') return p.value;
  throw new FormatError('CFI expression does not compute an address');
}
