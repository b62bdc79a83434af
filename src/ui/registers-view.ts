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
  /** The value as shown: formatted when first read (a paint reads only the visible rows' cells). */
  readonly text: string;
  /** Cells `text` takes, known without formatting it in hex (`0x` and two digits a byte, or `<not saved>`). */
  width: number;
  changed: boolean;
  /** Takes a whole row (rflags with its decoded flags). */
  wide?: boolean;
}

/** The text of a hex cell, formatted on first use; its width is known before. */
function hexCell(name: string, r: RegisterValue, changed: boolean): RegisterCell {
  let text: string | undefined;
  return { name, changed, width: r.notSaved ? '<not saved>'.length : 2 + r.size * 2, get text(): string { return (text ??= formatRegister(r, 'hex')); } };
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
    if (FLAG_NAMES.includes(name) && !r.notSaved) {
      const text = `${formatRegister(r, 'hex').replace(/^0x0+(?=.)/, '0x')} ${formatEflags(r.value)}`;
      return { name, text, width: text.length, changed, wide: true };
    }
    if (radix === 'hex' || ADDRESS_REGISTERS.has(name)) return hexCell(name, r, changed);
    const text = formatRegister(r, radix);
    return { name, text, width: text.length, changed };
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

/** One row of the pane before it is drawn: its cells and the widths they are drawn at. */
interface RowPlan {
  cells: RegisterCell[];
  nameW: number;
  cellW: number;
}

interface Plan {
  rows: RowPlan[];
  valueW: number;
}

/**
 * The last plan and what it was made from: a paint asks for the row count and the visible rows of the same
 * registers, and a stop's registers (all of AVX-512's on such a CPU: ~150) are laid out once, not per ask.
 */
let lastPlan: { regs: readonly RegisterValue[]; previous: ReadonlyMap<string, bigint>; radix: Radix; width: number; plan: Plan } | undefined;

function planRows(v: Omit<RegistersViewInput, 'height' | 'top' | 'theme'>): Plan {
  const l = lastPlan;
  if (l && l.regs === v.regs && l.previous === v.previous && l.radix === v.radix && l.width === v.width) return l.plan;
  const groups = registerCells(v.regs, v.previous, v.radix);
  const valueW = Math.max(...groups.flat().filter((c) => !c.wide).map((c) => c.width), 4);
  const rows: RowPlan[] = [];
  for (const g of groups) {
    // Names are as wide as the group's widest (rax..r15: 3; fs_base: 7), so more columns fit.
    const nameW = Math.max(3, ...g.filter((c) => !c.wide).map((c) => c.name.length));
    const cellW = 1 + nameW + 1 + valueW;
    const cols = Math.max(1, Math.floor((v.width + 1) / (cellW + 1)));
    let i = 0;
    while (i < g.length) {
      if (g[i]!.wide) {
        rows.push({ cells: [g[i]!], nameW: Math.max(3, g[i]!.name.length), cellW: v.width });
        i++;
        continue;
      }
      const cells: RegisterCell[] = [];
      for (let c = 0; c < cols && i < g.length && !g[i]!.wide; c++, i++) cells.push(g[i]!);
      rows.push({ cells, nameW, cellW: cellW + 1 });
    }
  }
  const plan = { rows, valueW };
  lastPlan = { regs: v.regs, previous: v.previous, radix: v.radix, width: v.width, plan };
  return plan;
}

/** How many rows the pane holds (none drawn). */
export function registerRowCount(v: Omit<RegistersViewInput, 'height' | 'top' | 'theme'>): number {
  return v.regs.length ? planRows(v).rows.length : 1;
}

/** Rows `from`..`to` of the pane (all by default). Changed registers carry a '*' glyph. */
export function registerRows(v: Omit<RegistersViewInput, 'height' | 'top'>, from = 0, to = Infinity): string[] {
  const t = v.theme;
  if (!v.regs.length) return [new Line(v.width, t.style('text')).add(v.empty ?? 'No registers', t.style('muted')).toString(t.style('text'))].slice(from, to);
  const { rows, valueW } = planRows(v);
  return rows.slice(from, to).map((row) => {
    const line = new Line(v.width, t.style('text'));
    for (const c of row.cells) {
      const w = c.wide ? v.width : row.cellW;
      line.add(c.changed ? '*' : ' ', t.style('changed'));
      line.add(c.name.padEnd(row.nameW + 1), t.style('name'));
      line.add(c.wide ? c.text : c.text.padStart(valueW), c.changed ? t.style('changed') : t.style('value'));
      line.pad(w - (1 + row.nameW + 1 + (c.wide ? c.text.length : valueW)));
    }
    return line.toString(t.style('text'));
  });
}

export function renderRegisters(v: RegistersViewInput): string[] {
  const out = registerRows(v, v.top, v.top + v.height);
  while (out.length < v.height) out.push(new Line(v.width, v.theme.style('text')).toString(v.theme.style('text')));
  return out;
}
