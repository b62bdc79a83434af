// Executes DW_CFA_* instructions of a CIE + FDE into unwind rows (CFA rule and register rules per address range).
import { ByteReader } from '../util/byte-reader.js';
import type { Cie, CfiTable, Fde } from './cfi-parse.js';

export const DW_CFA = {
  advance_loc: 0x40, offset: 0x80, restore: 0xc0,
  nop: 0x00, set_loc: 0x01, advance_loc1: 0x02, advance_loc2: 0x03, advance_loc4: 0x04, offset_extended: 0x05,
  restore_extended: 0x06, undefined: 0x07, same_value: 0x08, register: 0x09, remember_state: 0x0a,
  restore_state: 0x0b, def_cfa: 0x0c, def_cfa_register: 0x0d, def_cfa_offset: 0x0e, def_cfa_expression: 0x0f,
  expression: 0x10, offset_extended_sf: 0x11, def_cfa_sf: 0x12, def_cfa_offset_sf: 0x13, val_offset: 0x14,
  val_offset_sf: 0x15, val_expression: 0x16, MIPS_advance_loc8: 0x1d, GNU_window_save: 0x2d,
  GNU_args_size: 0x2e, GNU_negative_offset_extended: 0x2f,
} as const;

/** How to compute the CFA: register + offset, or a DWARF expression whose result is the CFA. */
export type CfaRule = { kind: 'reg-offset'; reg: number; offset: number } | { kind: 'expression'; expr: Uint8Array };

/**
 * How to recover a caller's register. 'offset' = saved at CFA+offset; 'val-offset' = the value is CFA+offset;
 * 'register' = in another register; 'expression' = saved at the address the expression computes (CFA
 * pushed first); 'val-expression' = the value is what the expression computes.
 */
export type RegisterRule =
  | { kind: 'undefined' }
  | { kind: 'same-value' }
  | { kind: 'offset'; offset: number }
  | { kind: 'val-offset'; offset: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'val-expression'; expr: Uint8Array };

/** The rules that hold for pcs in [start, end). Registers without an entry have no rule (ABI default). */
export interface UnwindRow {
  start: bigint;
  end: bigint;
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
  /** DW_CFA_GNU_args_size: bytes of outgoing arguments pushed at this point. */
  argsSize: number;
}

interface State {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
  argsSize: number;
}

const MAX_REMEMBERED = 1000;

function copyState(s: State): State {
  return { cfa: s.cfa, registers: new Map(s.registers), argsSize: s.argsSize };
}

/**
 * Runs the instructions in `range`, starting from `state`. `initial` is the CIE's state (for restore;
 * undefined while running the CIE itself). `onAdvance(to)` is called before the location moves; it
 * returns false to stop.
 */
function execute(
  table: CfiTable,
  cie: Cie,
  range: { start: number; end: number },
  state: State,
  initial: State | undefined,
  loc: { value: bigint },
  onAdvance: (to: bigint) => boolean,
): void {
  const r: ByteReader = new ByteReader(table.data, table.section, range.start, range.end);
  const stack: State[] = [];
  const m = (1n << BigInt(cie.addressSize * 8)) - 1n;
  const factored = (v: number): number => v * cie.dataAlign;
  const setRule = (reg: number, rule: RegisterRule): void => void state.registers.set(reg, rule);
  const restore = (reg: number): void => {
    const rule = initial?.registers.get(reg);
    if (rule) state.registers.set(reg, rule);
    else state.registers.delete(reg);
  };
  const advance = (to: bigint, at: number): boolean => {
    if (to < loc.value) r.fail('CFA instruction moves the location backwards', at);
    if (!onAdvance(to)) return false;
    loc.value = to;
    return true;
  };
  while (!r.atEnd()) {
    const at = r.pos;
    const byte = r.u8();
    const high = byte & 0xc0;
    const low = byte & 0x3f;
    if (high === DW_CFA.advance_loc) {
      if (!advance(loc.value + BigInt(low * cie.codeAlign), at)) return;
      continue;
    }
    if (high === DW_CFA.offset) {
      setRule(low, { kind: 'offset', offset: factored(r.uleb()) });
      continue;
    }
    if (high === DW_CFA.restore) {
      restore(low);
      continue;
    }
    switch (byte) {
      case DW_CFA.nop: break;
      case DW_CFA.set_loc: {
        const p = table.readPointer(r, cie.fdeEncoding, cie.addressSize);
        if (!advance(p.value, at)) return;
        break;
      }
      case DW_CFA.advance_loc1: if (!advance((loc.value + BigInt(r.u8() * cie.codeAlign)) & m, at)) return; break;
      case DW_CFA.advance_loc2: if (!advance((loc.value + BigInt(r.u16() * cie.codeAlign)) & m, at)) return; break;
      case DW_CFA.advance_loc4: if (!advance((loc.value + BigInt(r.u32() * cie.codeAlign)) & m, at)) return; break;
      case DW_CFA.MIPS_advance_loc8: if (!advance((loc.value + r.u64() * BigInt(cie.codeAlign)) & m, at)) return; break;
      case DW_CFA.offset_extended: { const reg = r.uleb(); setRule(reg, { kind: 'offset', offset: factored(r.uleb()) }); break; }
      case DW_CFA.offset_extended_sf: { const reg = r.uleb(); setRule(reg, { kind: 'offset', offset: factored(r.sleb()) }); break; }
      case DW_CFA.GNU_negative_offset_extended: { const reg = r.uleb(); setRule(reg, { kind: 'offset', offset: -factored(r.uleb()) }); break; }
      case DW_CFA.val_offset: { const reg = r.uleb(); setRule(reg, { kind: 'val-offset', offset: factored(r.uleb()) }); break; }
      case DW_CFA.val_offset_sf: { const reg = r.uleb(); setRule(reg, { kind: 'val-offset', offset: factored(r.sleb()) }); break; }
      case DW_CFA.restore_extended: restore(r.uleb()); break;
      case DW_CFA.undefined: setRule(r.uleb(), { kind: 'undefined' }); break;
      case DW_CFA.same_value: setRule(r.uleb(), { kind: 'same-value' }); break;
      case DW_CFA.register: { const reg = r.uleb(); setRule(reg, { kind: 'register', reg: r.uleb() }); break; }
      case DW_CFA.remember_state:
        if (stack.length >= MAX_REMEMBERED) r.fail('too many DW_CFA_remember_state', at);
        stack.push(copyState(state));
        break;
      case DW_CFA.restore_state: {
        const s = stack.pop() ?? r.fail('DW_CFA_restore_state without remember_state', at);
        // The args size is not part of the remembered state.
        state.cfa = s.cfa;
        state.registers = s.registers;
        break;
      }
      case DW_CFA.def_cfa: { const reg = r.uleb(); state.cfa = { kind: 'reg-offset', reg, offset: r.uleb() }; break; }
      case DW_CFA.def_cfa_sf: { const reg = r.uleb(); state.cfa = { kind: 'reg-offset', reg, offset: factored(r.sleb()) }; break; }
      case DW_CFA.def_cfa_register: {
        const reg = r.uleb();
        if (state.cfa.kind !== 'reg-offset') r.fail('DW_CFA_def_cfa_register while the CFA is an expression', at);
        state.cfa = { kind: 'reg-offset', reg, offset: state.cfa.offset };
        break;
      }
      case DW_CFA.def_cfa_offset: case DW_CFA.def_cfa_offset_sf: {
        const offset = byte === DW_CFA.def_cfa_offset ? r.uleb() : factored(r.sleb());
        if (state.cfa.kind !== 'reg-offset') r.fail('DW_CFA_def_cfa_offset while the CFA is an expression', at);
        state.cfa = { kind: 'reg-offset', reg: state.cfa.reg, offset };
        break;
      }
      case DW_CFA.def_cfa_expression: state.cfa = { kind: 'expression', expr: r.bytesN(r.uleb()) }; break;
      case DW_CFA.expression: { const reg = r.uleb(); setRule(reg, { kind: 'expression', expr: r.bytesN(r.uleb()) }); break; }
      case DW_CFA.val_expression: { const reg = r.uleb(); setRule(reg, { kind: 'val-expression', expr: r.bytesN(r.uleb()) }); break; }
      case DW_CFA.GNU_args_size: state.argsSize = r.uleb(); break;
      case DW_CFA.GNU_window_save: break; // SPARC register windows / AArch64 RA signing: no effect on x86-64
      default: r.fail(`unknown CFA instruction 0x${byte.toString(16)}`, at);
    }
  }
}

/** The state after the CIE's initial instructions (the row every FDE of this CIE starts with). */
export function initialState(table: CfiTable, cie: Cie): { cfa: CfaRule; registers: Map<number, RegisterRule> } {
  const s: State = { cfa: { kind: 'reg-offset', reg: 0, offset: 0 }, registers: new Map(), argsSize: 0 };
  execute(table, cie, cie.instructions, s, undefined, { value: 0n }, () => true);
  return s;
}

function fdeStart(table: CfiTable, fde: Fde): { state: State; initial: State } {
  const init = initialState(table, fde.cie);
  const initial: State = { cfa: init.cfa, registers: init.registers, argsSize: 0 };
  return { state: copyState(initial), initial };
}

/** Every row of `fde`, in address order (empty ranges dropped). */
export function unwindRows(table: CfiTable, fde: Fde): UnwindRow[] {
  const { state, initial } = fdeStart(table, fde);
  const rows: UnwindRow[] = [];
  const loc = { value: fde.pcBegin };
  const emit = (end: bigint): void => {
    if (end > loc.value) rows.push({ start: loc.value, end, cfa: state.cfa, registers: new Map(state.registers), argsSize: state.argsSize });
  };
  execute(table, fde.cie, fde.instructions, state, initial, loc, (to) => {
    emit(to < fde.pcEnd ? to : fde.pcEnd);
    return to < fde.pcEnd;
  });
  emit(fde.pcEnd);
  return rows;
}

/** The row that holds at `pc`, or undefined when `pc` is outside the FDE. Stops executing once past `pc`. */
export function unwindRowAt(table: CfiTable, fde: Fde, pc: bigint): UnwindRow | undefined {
  if (pc < fde.pcBegin || pc >= fde.pcEnd) return undefined;
  const { state, initial } = fdeStart(table, fde);
  const loc = { value: fde.pcBegin };
  let end = fde.pcEnd;
  execute(table, fde.cie, fde.instructions, state, initial, loc, (to) => {
    if (to > pc) {
      end = to < fde.pcEnd ? to : fde.pcEnd;
      return false;
    }
    return true;
  });
  return { start: loc.value, end, cfa: state.cfa, registers: state.registers, argsSize: state.argsSize };
}
