// Call-site DWARF (DW_TAG_call_site and its GNU form): where a function calls whom, and with which parameter values.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import { DW_OP } from '../dwarf/expr.js';
import { ByteReader } from '../util/byte-reader.js';

/** What an entry value is about: a register's value, or a stack slot at an offset from the callee's frame base (CFA). */
export type EntryParameter = { reg: number } | { fbOffset: number };

const DW_REG_RSP = 7;

/** `op` followed by one SLEB128 operand and nothing else: the operand. */
function singleSleb(expr: Uint8Array, op: number): number | undefined {
  if (expr.length < 2 || expr[0] !== op) return undefined;
  try {
    const r = new ByteReader(expr, 'DWARF expression');
    r.u8();
    const n = r.sleb();
    return r.atEnd() ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A parameter location gdb can take an entry value of (its value_of_dwarf_block_entry): one DW_OP_regN, or DW_OP_fbreg N
 * (a parameter passed on the stack).
 */
export function entryParameterOf(expr: Uint8Array | undefined): EntryParameter | undefined {
  if (!expr) return undefined;
  const reg = singleRegister(expr);
  if (reg !== undefined) return { reg };
  const fbOffset = singleSleb(expr, DW_OP.fbreg);
  return fbOffset !== undefined ? { fbOffset } : undefined;
}

/**
 * Whether a DW_TAG_call_site_parameter's DW_AT_location is `param`: the same register, or the caller's stack slot
 * DW_OP_breg7 (rsp) N, which is the callee's frame base + N (gdb's dwarf_block_to_sp_offset).
 */
export function callSiteParameterIs(location: Uint8Array | undefined, param: EntryParameter): boolean {
  if (!location) return false;
  if ('reg' in param) return singleRegister(location) === param.reg;
  return singleSleb(location, DW_OP.breg0 + DW_REG_RSP) === param.fbOffset;
}

/** The register a location expression names when it is exactly one DW_OP_regN (gdb's dwarf_block_to_dwarf_reg). */
export function singleRegister(expr: Uint8Array | undefined): number | undefined {
  if (!expr || expr.length !== 1) return undefined;
  const op = expr[0]!;
  return op >= DW_OP.reg0 && op <= DW_OP.reg31 ? op - DW_OP.reg0 : undefined;
}

/** Each function's call sites by return address, built once per function (a bt asks for every argument of every frame). */
const siteIndex = new WeakMap<object, Map<number, Map<bigint, Die>>>();

/** The call site in `fn` (a subprogram DIE's subtree, inlined bodies included) whose return address is `returnPc`. */
export function callSiteAt(fn: Die, returnPc: bigint): Die | undefined {
  let perFile = siteIndex.get(fn.unit.dwarf);
  if (!perFile) siteIndex.set(fn.unit.dwarf, (perFile = new Map()));
  let sites = perFile.get(fn.offset);
  if (!sites) {
    sites = new Map();
    const stack = [...fn.children()];
    while (stack.length) {
      const d = stack.pop()!;
      if (d.tag === DW_TAG.call_site || d.tag === DW_TAG.GNU_call_site) {
        const ret = callSiteReturnPc(d);
        if (ret !== undefined) sites.set(ret, d);
        continue;
      }
      stack.push(...d.children());
    }
    perFile.set(fn.offset, sites);
  }
  return sites.get(returnPc);
}

/** DW_AT_call_return_pc (DWARF 5), or the GNU extension's DW_AT_low_pc (also the return address). */
export function callSiteReturnPc(site: Die): bigint | undefined {
  return site.address(DW_AT.call_return_pc) ?? (site.tag === DW_TAG.GNU_call_site ? site.address(DW_AT.low_pc) : undefined);
}

/** The function a call site calls by name (DW_AT_call_origin / abstract_origin), when it says. */
export function callSiteOrigin(site: Die): Die | undefined {
  return site.refDie(DW_AT.call_origin) ?? site.refDie(DW_AT.abstract_origin);
}

