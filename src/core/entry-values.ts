// Values a function's caller passed (DW_OP_entry_value, gdb's x@entry), from the caller's DW_TAG_call_site parameters.
import { DW_AT, DW_TAG } from '../dwarf/constants.js';
import type { Die } from '../dwarf/die.js';
import { callSiteAt, callSiteOrigin, callSiteParameterIs, entryParameterOf, type EntryParameter } from '../symbols/call-sites.js';
import type { Piece } from '../dwarf/expr.js';
import type { Unit } from '../dwarf/unit.js';
import { locationAt, readLocList, type LocListEntry } from '../dwarf/loclists.js';
import type { Variable } from '../symbols/functions.js';
import { lookupPc, type Frame } from './frames.js';
import type { Session } from './session.js';

/** Evaluates a DWARF expression in a frame (frame-access.ts supplies it; passed in to keep the modules acyclic). */
export type EvaluateIn = (frame: Frame, expr: Uint8Array, unit: Unit) => Promise<Piece[]>;

/** A DWARF value expression's result as a number (gdb appends DW_OP_stack_value: an address-like stack top is the value). */
function pieceValue(pieces: Piece[], frame: Frame): bigint | undefined {
  if (pieces.length !== 1) return undefined;
  const p = pieces[0]!;
  if (p.kind === 'value') return p.value;
  if (p.kind === 'memory') return p.address;
  if (p.kind === 'register') return frame.regs.get(p.reg);
  return undefined;
}

/**
 * The function call site `site` (in `caller`) calls, as gdb checks it before trusting its parameters: DW_AT_call_origin
 * names the callee; an indirect call's DW_AT_call_target is evaluated in the caller's frame (at -O2 its register is
 * often lost by then: no entry value, as gdb). Undefined when the site tells neither.
 */
async function callTarget(site: Die, caller: Frame, evaluate: EvaluateIn, addressOfSymbol: (name: string) => bigint | undefined): Promise<{ address?: bigint; name?: string } | undefined> {
  const origin = callSiteOrigin(site);
  if (origin) {
    const name = origin.resolvedName;
    // A declaration (a library function such as puts): gdb resolves its linkage name through the minimal symbols of
    // every image, so a call into libc's _IO_puts (alias puts) is recognised.
    const linkage = origin.inherited(DW_AT.linkage_name)?.value;
    const symbolName = linkage?.kind === 'string' ? linkage.value : name;
    const low = origin.lowPc ?? (symbolName !== undefined ? addressOfSymbol(symbolName) : undefined);
    return { ...(low !== undefined ? { address: low } : {}), ...(name !== undefined ? { name } : {}) };
  }
  const target = site.block(DW_AT.call_target) ?? site.block(DW_AT.GNU_call_site_target);
  if (!target) return undefined;
  try {
    const address = pieceValue(await evaluate(caller, target, site.unit), caller);
    return address === undefined ? undefined : { address };
  } catch {
    return undefined;
  }
}

/** An entry value, or why gdb could not find it (its NO_ENTRY_VALUE_ERROR messages). */
export type EntryValue = { value: bigint } | { error: string };

/**
 * The value register `reg` had when the function of `frame` was entered (or, with `derefSize`, the `derefSize` bytes
 * it pointed to: DW_AT_call_data_value), computed from the caller's call site in the caller's frame, as gdb's
 * dwarf_expr_reg_to_entry_parameter: the caller's call site for its pc must call this function and pass `reg`.
 */
export function entryValueOf(session: Session, frame: Frame, param: EntryParameter, derefSize: number | undefined, evaluate: EvaluateIn): Promise<EntryValue> {
  // Remembered per frame (frames live until the target runs again): a caller's call value may itself need entry
  // values further out, so without this a deep stack could evaluate the same outer values over and over.
  let known = computed.get(frame);
  if (!known) computed.set(frame, (known = new Map()));
  const key = `${'reg' in param ? `r${param.reg}` : `f${param.fbOffset}`}:${derefSize ?? ''}`;
  let r = known.get(key);
  if (!r) known.set(key, (r = computeEntryValue(session, frame, param, derefSize, evaluate)));
  return r;
}

const computed = new WeakMap<Frame, Map<string, Promise<EntryValue>>>();

/** The call site whose return address is `pc` (the caller frame's pc), and the caller's name as gdb's messages give it. */
function callSiteAtReturn(session: Session, pc: bigint): { site: ReturnType<typeof callSiteAt>; callerName: string; where: string } {
  const prog = session.programAt(pc - 1n);
  const fn = prog.functionAt(pc - 1n);
  const site = fn ? callSiteAt(prog.dwarf.dieAt(fn.dieOffset), pc) : undefined;
  const callerName = fn?.name ?? prog.symbolLabel(pc) ?? '??';
  return { site, callerName, where: `0x${pc.toString(16)} in ${callerName}` };
}

async function computeEntryValue(session: Session, frame: Frame, param: EntryParameter, derefSize: number | undefined, evaluate: EvaluateIn): Promise<EntryValue> {
  const pc = lookupPc(frame);
  const callee = session.programAt(pc).functionAt(pc);
  const calleeText = callee ? `0x${callee.entryPc.toString(16)} (${callee.name})` : `0x${pc.toString(16)}`;
  // A stop report's frame 0 holds only the stop reply's registers. The caller's registers are unwound from all
  // of them, but whether its call site exists needs the return address alone: where there is none (every call at
  // -O0) the answer is known without reading the rest. (No call site there means no tail-call frames either.)
  if (frame.completeRegisters && !frame.inlined) {
    const next = await session.unwinder.callerOf(frame);
    const early = next && callSiteAtReturn(session, next.pc);
    if (early && !early.site) return { error: `DW_OP_entry_value resolving cannot find DW_TAG_call_site ${early.where}` };
    await frame.completeRegisters?.();
  }
  // gdb passes inline frames: the call site is the real caller's, for the real function.
  const caller = await session.realCaller(frame);
  if (!caller) return { error: `DW_OP_entry_value resolving requires caller of ${calleeText}` };
  const { site, callerName, where } = callSiteAtReturn(session, caller.pc);
  if (!site) return { error: `DW_OP_entry_value resolving cannot find DW_TAG_call_site ${where}` };
  const addressOfSymbol = (name: string): bigint | undefined => {
    for (const p of session.images.set.programs()) {
      const sym = p.symbols.functionNamed(name);
      if (sym) return sym.value;
    }
    return undefined;
  };
  const target = await callTarget(site, caller, evaluate, addressOfSymbol);
  const calls = target && callee && (target.address !== undefined ? target.address === callee.entryPc : target.name === callee.name);
  if (!calls) {
    if (!target) return { error: `DW_AT_call_target is not specified at DW_TAG_call_site ${where}` };
    const t = target.address !== undefined ? `0x${target.address.toString(16)}` : '??';
    return { error: `DW_OP_entry_value resolving expects callee ${target.name ?? session.programAt(target.address ?? 0n).symbolLabel(target.address ?? 0n) ?? '??'} at ${t} but the called frame is for ${callee?.name ?? '??'} at 0x${(callee?.entryPc ?? pc).toString(16)}` };
  }
  // gdb evaluates the caller's value in the frame just outside `frame` (push_dwarf_reg_entry_value's
  // get_prev_frame): for an inline frame that is the real function it is inlined into, whose registers are
  // not the caller's. gdb's answer, so ours too, although the caller's registers would tell the value passed.
  const evalFrame = frame.inlined ? ((await session.frames(frame.level + 2))[frame.level + 1] ?? caller) : caller;
  for (const p of site.children()) {
    if (p.tag !== DW_TAG.call_site_parameter && p.tag !== DW_TAG.GNU_call_site_parameter) continue;
    if (!callSiteParameterIs(p.block(DW_AT.location), param)) continue;
    const expr = derefSize !== undefined
      ? p.block(DW_AT.call_data_value) ?? p.block(DW_AT.GNU_call_site_data_value)
      : p.block(DW_AT.call_value) ?? p.block(DW_AT.GNU_call_site_value);
    if (!expr) return { error: `Cannot resolve DW_AT_call_data_value` };
    let v: bigint | undefined;
    try {
      v = pieceValue(await evaluate(evalFrame, expr, p.unit), evalFrame);
    } catch (e) {
      return { error: (e as Error).message };
    }
    if (v === undefined) return { error: 'value has been optimized out' };
    return { value: derefSize === undefined || derefSize >= 8 ? v : BigInt.asUintN(derefSize * 8, v) };
  }
  return { error: `Cannot find matching parameter at DW_TAG_call_site 0x${caller.pc.toString(16)} at ${callerName}` };
}

/**
 * Decoded location lists per debug file, by section, offset and load bias: every value of a variable, every frame
 * line's arguments and entry values read them, and decoding a list costs more than the lookup. Bounded by the
 * lists the file has.
 */
const decodedLists = new WeakMap<object, Map<string, LocListEntry[]>>();

/** A variable's location expression at `pc`: its single expression, or its location list's entry there. */
export function locationBytesAt(v: Variable, pc: bigint): Uint8Array | undefined {
  const loc = v.location;
  if (loc.kind === 'expr') return loc.bytes;
  if (loc.kind !== 'loclist') return undefined;
  const dwarf = v.unit.dwarf;
  let lists = decodedLists.get(dwarf);
  if (!lists) decodedLists.set(dwarf, (lists = new Map()));
  const key = `${loc.section}:${loc.offset}:${v.unit.bias}`;
  let entries = lists.get(key);
  if (!entries) {
    entries = readLocList(dwarf.sectionBytes(loc.section), loc.offset, {
      version: loc.unit.version, addressSize: loc.unit.addressSize, baseAddress: loc.unit.baseAddress, bias: v.unit.bias,
      addrx: (i: number) => v.unit.addrx(i),
    });
    lists.set(key, entries);
  }
  return locationAt(entries, pc);
}

/**
 * gdb's read_variable_at_entry (`print x@entry`, "x=x@entry=1" in frame lines): parameter `v` of the function at
 * `frame` as it arrived, `size` little-endian bytes. Its location is looked up at the function's entry, where it
 * must be one register; undefined bytes: no location there (<optimized out>).
 */
export async function parameterEntryValue(session: Session, frame: Frame, v: Variable, size: number, evaluate: EvaluateIn): Promise<{ bytes?: Uint8Array } | { error: string }> {
  const pc = lookupPc(frame);
  const fn = session.programAt(pc).functionAt(pc);
  if (!fn) return { error: 'No frame selected.' };
  const expr = locationBytesAt(v, fn.entryPc);
  if (!expr || expr.length === 0) return {};
  const param = entryParameterOf(expr);
  if (param === undefined) return { error: 'DWARF-2 expression error: DW_OP_entry_value is supported only for single DW_OP_reg* or for DW_OP_fbreg(*)' };
  const r = await entryValueOf(session, frame, param, undefined, evaluate);
  if ('error' in r) return r;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Number((BigInt.asUintN(64, r.value) >> BigInt(8 * i)) & 0xffn);
  return { bytes: out };
}
