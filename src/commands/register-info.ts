// info registers / info all-registers as gdb prints them: names, groups, gdb's order, x87 raw bytes, vector unions in hex.
import { x86_64 } from '../arch/arch.js';
import { groupRegisters, pseudoParts, REGISTER_GROUPS, type RegisterGroup } from '../arch/x86-64/register-groups.js';
import { formatInner, formatValue, type PrintEnv } from '../eval/format.js';
import { registerInfo } from '../eval/registers.js';
import { readReg, SUB_REGISTERS } from '../arch/x86-64/registers.js';
import { bigIntToBytes, BYTE_OK, BYTE_UNAVAILABLE, Value } from '../eval/value.js';
import { resolve } from '../symbols/types.js';
import { UserError } from '../util/errors.js';
import type { Session } from '../core/session.js';
import type { CommandContext } from './context.js';
import { needFrames } from './context.js';

/** gdb's value_column_1 and value_column_2 (default_print_one_register_info). */
const VALUE_COLUMN_1 = 15;
const VALUE_COLUMN_2 = 35;

/** gdb types $rsp and $rbp as data pointers: `info registers` shows them in hex twice. */
const POINTER_REGS = new Set([x86_64.spRegister, x86_64.fpRegister]);

/** Register values never need memory (no pointers are followed). */
const ENV: PrintEnv = {
  readMemory: () => Promise.reject(new UserError('Cannot access memory.')),
  symbolize: () => undefined,
};

/** gdb's pad_to_column: at least one space, then up to the column. */
function padTo(text: string, column: number): string {
  return `${text} `.padEnd(column);
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** One register's line, given its value in the selected frame and which of its bytes are unavailable. */
async function registerLine(s: Session, name: string, v: bigint, states?: Uint8Array): Promise<string> {
  const info = registerInfo(name);
  const head = padTo(name, VALUE_COLUMN_1);
  if (!info?.extended) {
    let natural: string;
    if (name === x86_64.pcRegister) natural = s.programAt(v).formatAddress(v);
    else if (name === x86_64.flagsRegister) natural = x86_64.formatFlags(v);
    else if (POINTER_REGS.has(name)) natural = hex(v);
    else natural = BigInt.asIntN(SUB_REGISTERS.get(name)?.bits ?? 64, v).toString();
    return padTo(head + hex(v), VALUE_COLUMN_2) + natural;
  }
  const size = info.bits / 8;
  const value = new Value(info.type, { kind: 'none' }, bigIntToBytes(v, size), states);
  const t = resolve(info.type);
  // gdb prints the raw and natural columns only for a value it has every byte of.
  if (states && t.kind !== 'union') return head + (await formatValue(value, ENV));
  if (t.kind === 'float') {
    const raw = `(raw 0x${v.toString(16).padStart(size * 2, '0')})`;
    return padTo(head + (await formatValue(value, ENV)), VALUE_COLUMN_2) + raw;
  }
  // gdb's common_val_print: a vector union with no byte available still prints member by member.
  const inHex = t.kind === 'union' ? await formatInner(value, ENV, { format: 'x' }) : await formatValue(value, ENV, { format: 'x' });
  // Vector registers (gdb marks their unions as vectors) show the hex form only.
  if (t.kind === 'union') return head + inHex;
  return padTo(head + inHex, VALUE_COLUMN_2) + (await formatValue(value, ENV));
}

/** The registers to show for `info registers ARGS` / `info all-registers ARGS`, in gdb's order. */
function selection(args: string[], available: readonly string[], all: boolean): string[] {
  if (!args.length) return groupRegisters(available, all ? 'all' : 'general');
  const out: string[] = [];
  const have = new Set(available);
  for (const a of args) {
    const name = a.replace(/^\$/, '');
    const parts = pseudoParts(name);
    const sub = SUB_REGISTERS.get(name);
    if (have.has(name) || (parts && parts.every((p) => have.has(p.name))) || (sub && have.has(sub.full))) out.push(name);
    else if ((REGISTER_GROUPS as readonly string[]).includes(name)) out.push(...groupRegisters(available, name as RegisterGroup));
    else throw new UserError(`Invalid register \`${name}'`);
  }
  return out;
}

/** One register as `info registers` shows it: the line, and the name (for a front end's registers pane). */
export interface RegisterRow {
  name: string;
  line: string;
}

/**
 * Rows of the selected frame's registers for `info registers ARGS` (names, $names, group names; none:
 * the general group, or every register with `all`), in gdb's order and layout.
 */
export async function registerRows(s: Session, args: string[], all = false): Promise<RegisterRow[]> {
  s.requireStopped();
  const regs = await s.rawRegisters();
  const gone = s.unavailableRegisters();
  const names = selection(args, [...regs.keys(), ...gone], all);
  const frame = s.selectedFrame > 0 ? await s.frame() : undefined;
  const rows: RegisterRow[] = [];
  for (const name of names) {
    // A part of a general register (eax, ax, al, r8d...): gdb's pseudo-register, cut from the full one.
    // gdb 13 reads pseudo-registers from the thread's registers in every frame (after `up`, ebp is
    // frame 0's), unlike the full ones: so do we.
    const sub = SUB_REGISTERS.get(name);
    if (sub && sub.full !== name) {
      const v = readReg(regs, name);
      if (v !== undefined) rows.push({ name, line: await registerLine(s, name, v) });
      continue;
    }
    let v = 0n;
    const parts = pseudoParts(name) ?? [{ name, bits: registerInfo(name)?.bits ?? 64 }];
    const states: number[] = [];
    let shift = 0n;
    for (const p of parts) {
      v |= ((regs.get(p.name) ?? 0n) & ((1n << BigInt(p.bits)) - 1n)) << shift;
      shift += BigInt(p.bits);
      states.push(...new Array<number>(p.bits / 8).fill(gone.has(p.name) ? BYTE_UNAVAILABLE : BYTE_OK));
    }
    const partly = parts.some((p) => gone.has(p.name));
    // Outer frames: registers as unwinding recovered them; one the CFI says nothing of keeps the innermost
    // value (gdb's dwarf2 unwinder takes an unspecified register for "same value").
    const n = x86_64.dwarf.number(name);
    const unwound = frame && n !== undefined ? frame.regs.get(n) : undefined;
    if (unwound !== undefined) v = unwound;
    else if (!partly && !parts.every((p) => regs.has(p.name))) continue;
    rows.push({ name, line: await registerLine(s, name, v, partly ? Uint8Array.from(states) : undefined) });
  }
  return rows;
}

export async function infoRegisters(args: string, ctx: CommandContext, all: boolean): Promise<void> {
  const rows = await registerRows(needFrames(ctx, 'The program has no registers now.'), args.trim().split(/\s+/).filter(Boolean), all);
  ctx.out.print(rows.map((r) => r.line).join('\n') + '\n');
}
