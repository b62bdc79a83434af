// Registers pane: x86-64 registers in groups, rflags decoded into flag names, hex/decimal, changes marked.
import { formatEflags } from '../arch/x86-64/eflags.js';
import { FLAGS_REGISTER, FP_REGISTER, GDB_GPR_ORDER, PC_REGISTER, SEGMENT_BASES, SEGMENT_REGISTERS, SP_REGISTER } from '../arch/x86-64/registers.js';
import type { RegisterValue } from '../core/api.js';
import { Line } from './text.js';
import type { Theme } from './theme.js';

export type Radix = 'hex' | 'dec';

/** The flags register under gdb's name and the name some stubs' target.xml give it. */
const FLAG_NAMES = [FLAGS_REGISTER, 'rflags'];

/** Addresses: decimal would only hide them, so the radix key leaves these in hex. */
const ADDRESS_REGISTERS = new Set([PC_REGISTER, SP_REGISTER, FP_REGISTER]);

/** A register value as text: zero-padded hex of its width, or signed decimal (never for rip, rsp, rbp). */
export function formatRegister(r: RegisterValue, radix: Radix): string {
  if (r.notSaved) return '<not saved>';
  if (ADDRESS_REGISTERS.has(r.name)) radix = 'hex';
  const bits = BigInt(r.size * 8);
  const v = BigInt.asUintN(Number(bits), r.value);
  if (radix === 'hex') return '0x' + v.toString(16).padStart(r.size * 2, '0');
  return BigInt.asIntN(Number(bits), v).toString(10);
}

export interface RegisterCell {
  name: string;
  text: string;
  changed: boolean;
  /** Takes a whole row (rflags with its decoded flags). */
  wide?: boolean;
}

/** Orders registers into groups: rip and rflags first (visible in the shortest pane), general purpose, segments, bases, others. */
export function registerCells(regs: readonly RegisterValue[], previous: ReadonlyMap<string, bigint>, radix: Radix): RegisterCell[][] {
  const byName = new Map(regs.map((r) => [r.name, r]));
  const used = new Set<string>();
  const cell = (name: string): RegisterCell | undefined => {
    const r = byName.get(name);
    if (!r) return undefined;
    used.add(name);
    const prev = previous.get(name);
    const changed = prev !== undefined && !r.notSaved && prev !== r.value;
    if (FLAG_NAMES.includes(name) && !r.notSaved) return { name, text: `${formatRegister(r, 'hex').replace(/^0x0+(?=.)/, '0x')} ${formatEflags(r.value)}`, changed, wide: true };
    return { name, text: formatRegister(r, radix), changed };
  };
  const group = (names: string[]): RegisterCell[] => names.map(cell).filter((c): c is RegisterCell => !!c);
  const groups = [group([PC_REGISTER, ...FLAG_NAMES]), group([...GDB_GPR_ORDER]), group([...SEGMENT_REGISTERS]), group([...SEGMENT_BASES])];
  groups.push(group(regs.map((r) => r.name).filter((n) => !used.has(n))));
  return groups.filter((g) => g.length);
}

export interface RegistersViewInput {
  width: number;
  height: number;
  top: number;
  regs: readonly RegisterValue[];
  previous: ReadonlyMap<string, bigint>;
  radix: Radix;
  theme: Theme;
  /** Why there is nothing to show ("running", "no target"). */
  empty?: string;
}

/** All rows of the pane (the caller shows rows top..top+height). Changed registers carry a '*' glyph. */
export function registerRows(v: Omit<RegistersViewInput, 'height' | 'top'>): string[] {
  const t = v.theme;
  if (!v.regs.length) return [new Line(v.width, t.style('text')).add(v.empty ?? 'No registers', t.style('muted')).toString(t.style('text'))];
  const groups = registerCells(v.regs, v.previous, v.radix);
  const valueW = Math.max(...groups.flat().filter((c) => !c.wide).map((c) => c.text.length), 4);
  const rows: string[] = [];
  let nameW = 3;
  const put = (line: Line, c: RegisterCell, w: number): void => {
    line.add(c.changed ? '*' : ' ', t.style('changed'));
    line.add(c.name.padEnd(nameW + 1), t.style('name'));
    line.add(c.wide ? c.text : c.text.padStart(valueW), c.changed ? t.style('changed') : t.style('value'));
    line.pad(w - (1 + nameW + 1 + (c.wide ? c.text.length : valueW)));
  };
  for (const g of groups) {
    // Names are as wide as the group's widest (rax..r15: 3; fs_base: 7), so more columns fit.
    nameW = Math.max(3, ...g.filter((c) => !c.wide).map((c) => c.name.length));
    const cellW = 1 + nameW + 1 + valueW;
    const cols = Math.max(1, Math.floor((v.width + 1) / (cellW + 1)));
    let i = 0;
    while (i < g.length) {
      const line = new Line(v.width, t.style('text'));
      if (g[i]!.wide) {
        nameW = Math.max(3, g[i]!.name.length);
        put(line, g[i]!, v.width);
        i++;
      } else {
        for (let c = 0; c < cols && i < g.length && !g[i]!.wide; c++, i++) put(line, g[i]!, cellW + 1);
      }
      rows.push(line.toString(t.style('text')));
    }
  }
  return rows;
}

export function renderRegisters(v: RegistersViewInput): string[] {
  const all = registerRows(v);
  const out = all.slice(v.top, v.top + v.height);
  while (out.length < v.height) out.push(new Line(v.width, v.theme.style('text')).toString(v.theme.style('text')));
  return out;
}
