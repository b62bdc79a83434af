// gdb's entry values of frame arguments ("n=n@entry=5"): a parameter still in the register it arrived in, whose value the caller's
// DW_TAG_call_site_parameter also gives (DW_AT_call_value evaluated in the caller's frame).
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import { locationAt, readLocList } from '../dwarf/loclists.js';
import type { Die } from '../dwarf/die.js';
import type { Piece } from '../dwarf/expr.js';
import { frameAccess, lookupPc } from '../core/frame-access.js';
import type { Frame } from '../core/frames.js';
import type { Session } from '../core/session.js';
import type { Variable } from '../symbols/functions.js';

const DW_OP_reg0 = 0x50;
const DW_OP_reg31 = 0x6f;

/** The register a location expression names when it is exactly one DW_OP_regN (gdb's dwarf_block_to_dwarf_reg). */
function singleRegister(expr: Uint8Array | undefined): number | undefined {
  if (!expr || expr.length !== 1) return undefined;
  const op = expr[0]!;
  return op >= DW_OP_reg0 && op <= DW_OP_reg31 ? op - DW_OP_reg0 : undefined;
}

/** The parameter's location expression at `pc` (a plain expression, or its location list's entry there). */
function locationBytes(v: Variable, pc: bigint): Uint8Array | undefined {
  const loc = v.location;
  if (loc.kind === 'expr') return loc.bytes;
  if (loc.kind !== 'loclist') return undefined;
  const entries = readLocList(v.unit.dwarf.sectionBytes(loc.section), loc.offset, {
    version: loc.unit.version, addressSize: loc.unit.addressSize, baseAddress: loc.unit.baseAddress, bias: v.unit.bias,
    addrx: (i: number) => v.unit.addrx(i),
  });
  return locationAt(entries, pc);
}

/** The call site in `fn` (a subprogram DIE's subtree) whose return address is `returnPc`. */
function callSiteAt(fn: Die, returnPc: bigint): Die | undefined {
  const stack = [...fn.children()];
  while (stack.length) {
    const d = stack.pop()!;
    if (d.tag === DW_TAG.call_site || d.tag === DW_TAG.GNU_call_site) {
      const ret = d.address(DW_AT.call_return_pc) ?? (d.tag === DW_TAG.GNU_call_site ? d.address(DW_AT.low_pc) : undefined);
      if (ret === returnPc) return d;
      continue;
    }
    stack.push(...d.children());
  }
  return undefined;
}

/**
 * Whether call site `site` (in `caller`) calls the function entered at `entry`, as gdb checks before trusting its
 * parameters: DW_AT_call_origin names the callee; an indirect call's DW_AT_call_target is evaluated in the caller's
 * frame (at -O2 its register is often lost by then: no entry value, as gdb). A site with neither tells nothing.
 */
async function callsFunction(session: Session, caller: Frame, site: Die, entry: bigint, name: string): Promise<boolean> {
  const origin = site.refDie(DW_AT.call_origin) ?? site.refDie(DW_AT.abstract_origin);
  if (origin) {
    const low = origin.lowPc;
    return low !== undefined ? low === entry : origin.resolvedName === name;
  }
  const target = site.block(DW_AT.call_target) ?? site.block(DW_AT.GNU_call_site_target);
  if (!target) return false;
  try {
    const pieces = await frameAccess(session, caller).evaluateExpression!(target, site.unit);
    return pieceValue(pieces[pieces.length - 1], caller) === entry;
  } catch {
    return false;
  }
}

/** A DWARF value expression's result as a number (its last piece: a pushed value, an address-like stack top, a register). */
function pieceValue(p: Piece | undefined, frame: Frame): bigint | undefined {
  if (!p) return undefined;
  if (p.kind === 'value') return p.value;
  if (p.kind === 'memory') return p.address;
  if (p.kind === 'register') return frame.regs.get(p.reg);
  return undefined;
}

/**
 * The value parameter `v` of the function at `frame` had on entry, as little-endian bytes of `size`, or undefined
 * when gdb could not tell either (not in its entry register here, no call site information in the caller).
 */
export async function entryValueBytes(session: Session, frame: Frame, v: Variable, size: number): Promise<Uint8Array | undefined> {
  if (size <= 0 || size > 8) return undefined;
  const pc = lookupPc(frame);
  const reg = singleRegister(locationBytes(v, pc));
  if (reg === undefined) return undefined;
  // gdb passes inline frames: the call site is the real caller's, for the real function (inline-frames.ts).
  const caller = await session.realCaller(frame);
  if (!caller) return undefined;
  const callerProg = session.programAt(caller.pc - 1n);
  const fn = callerProg.functionAt(caller.pc - 1n);
  if (!fn) return undefined;
  const site = callSiteAt(callerProg.dwarf.dieAt(fn.dieOffset), caller.pc);
  if (!site) return undefined;
  const callee = session.programAt(pc).functionAt(pc);
  if (!callee || !(await callsFunction(session, caller, site, callee.entryPc, callee.name))) return undefined;
  for (const p of site.children()) {
    if (p.tag !== DW_TAG.call_site_parameter && p.tag !== DW_TAG.GNU_call_site_parameter) continue;
    if (singleRegister(p.block(DW_AT.location)) !== reg) continue;
    const expr = p.block(DW_AT.call_value) ?? p.block(DW_AT.GNU_call_site_value);
    if (!expr) return undefined;
    try {
      const access = frameAccess(session, caller);
      const pieces = await access.evaluateExpression!(expr, p.unit);
      const n = pieceValue(pieces[pieces.length - 1], caller);
      if (n === undefined) return undefined;
      const out = new Uint8Array(size);
      for (let i = 0; i < size; i++) out[i] = Number((BigInt.asUintN(64, n) >> BigInt(8 * i)) & 0xffn);
      return out;
    } catch {
      return undefined; // gdb: the entry value cannot be computed; only the actual value is shown
    }
  }
  return undefined;
}
