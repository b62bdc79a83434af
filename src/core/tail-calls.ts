// gdb's tail-call frames: functions that jumped to their callee (DW_AT_call_tail_call sites) are shown between it and the caller.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import type { Program } from '../symbols/program.js';
import { callSiteAt, callSiteOrigin, callSiteReturnPc } from '../symbols/call-sites.js';
import { DW_REG_RIP, DW_REG_RSP } from '../arch/x86-64/dwarf-regs.js';
import { lookupPc, type Frame } from './frames.js';

/** gdb gives up past this many tail calls in one chain (and so do we: the search is bounded). */
const MAX_CHAIN = 16;
const MAX_PATHS = 64;

/** The entry address of the function a call site names (direct calls only: an indirect target needs a frame). */
function siteTarget(site: Die): bigint | undefined {
  return callSiteOrigin(site)?.lowPc;
}

function isTailCall(site: Die): boolean {
  return site.flag(DW_AT.call_tail_call) || site.flag(DW_AT.GNU_tail_call);
}

/** The tail-call sites of the function entered at `entry` (its subtree, inlined bodies included). */
function tailCallSites(programAt: (pc: bigint) => Program, entry: bigint): Die[] {
  const prog = programAt(entry);
  const fn = prog.functionAt(entry);
  if (!fn || fn.entryPc !== entry) return [];
  const out: Die[] = [];
  const stack = [...prog.dwarf.dieAt(fn.dieOffset).children()];
  while (stack.length) {
    const d = stack.pop()!;
    if (d.tag === DW_TAG.call_site || d.tag === DW_TAG.GNU_call_site) {
      if (isTailCall(d)) out.push(d);
    } else stack.push(...d.children());
  }
  return out;
}

/**
 * Every chain of tail-call sites leading from the function entered at `from` to the one entered at `to`
 * (depth-first, no function twice in a chain, bounded), as gdb's call_site_find_chain explores them.
 */
function chains(programAt: (pc: bigint) => Program, from: bigint, to: bigint): Die[][] {
  const out: Die[][] = [];
  const path: Die[] = [];
  const onPath = new Set<bigint>([from]);
  const walk = (entry: bigint): void => {
    if (out.length >= MAX_PATHS || path.length >= MAX_CHAIN) return;
    for (const site of tailCallSites(programAt, entry)) {
      const target = siteTarget(site);
      if (target === undefined || onPath.has(target)) continue;
      path.push(site);
      if (target === to) out.push([...path]);
      else {
        onPath.add(target);
        walk(target);
        onPath.delete(target);
      }
      path.pop();
    }
  };
  walk(from);
  return out;
}

/**
 * The tail-call frames between `callee` and its `caller` (innermost first), empty when the caller's call site
 * calls the callee itself. When several chains are possible gdb keeps only the sites they agree on: the common
 * outer part (from the caller down) and the common inner part (up from the callee).
 */
export function tailCallFrames(programAt: (pc: bigint) => Program, callee: Frame, caller: Frame): Frame[] {
  const pc = lookupPc(callee);
  const calleeFn = programAt(pc).functionAt(pc);
  const callerProg = programAt(caller.pc - 1n);
  const callerFn = callerProg.functionAt(caller.pc - 1n);
  if (!calleeFn || !callerFn) return [];
  const site = callSiteAt(callerProg.dwarf.dieAt(callerFn.dieOffset), caller.pc);
  const target = site && siteTarget(site);
  if (target === undefined || target === calleeFn.entryPc) return [];
  const found = chains(programAt, target, calleeFn.entryPc);
  if (found.length === 0) return [];
  let sites: Die[];
  if (found.length === 1) sites = found[0]!;
  else {
    const first = found[0]!;
    let prefix = 0;
    while (prefix < first.length && found.every((c) => c[prefix] === first[prefix])) prefix++;
    let suffix = 0;
    while (suffix < first.length - prefix && found.every((c) => c.length - suffix - 1 >= prefix && c[c.length - 1 - suffix] === first[first.length - 1 - suffix])) suffix++;
    sites = [...first.slice(0, prefix), ...first.slice(first.length - suffix)];
  }
  // Each site is the jump out of a function that has no frame any more: it shows at the site's return address, with
  // the registers the caller has (gdb's tailcall unwinder passes them through). Its stack pointer, as gdb's
  // dwarf2_tailcall_prev_register_first gives it: the caller's for the outermost one, the callee's entry sp (its CFA
  // minus the 8 bytes of the return address on x86-64) for the others.
  const frames: Frame[] = [];
  const inner = sites.reverse();
  inner.forEach((s, i) => {
    const ret = callSiteReturnPc(s);
    if (ret === undefined) return;
    const regs = new Map([...caller.regs, [DW_REG_RIP, ret]]);
    if (i < inner.length - 1 && callee.cfa !== undefined) regs.set(DW_REG_RSP, callee.cfa - 8n);
    frames.push({ level: 0, pc: ret, cfa: callee.cfa, regs, caller: true, tailCall: true });
  });
  if (frames.length !== inner.length) return [];
  return frames;
}
