// Call-site DWARF (DW_TAG_call_site and its GNU form): where a function calls whom, and with which parameter values.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import { DW_OP } from '../dwarf/expr.js';


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

