// Breakpoint commands: break/tbreak, delete, remove (Duster), enable, disable, condition, ignore, info breakpoints.
import type { Session } from '../core/session.js';
import type { Breakpoint } from '../core/breakpoints.js';
import { resolveLocationSpec } from '../core/locations.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import type { Command } from './registry.js';
import { needSession, nquery, sessionOrLaunch } from './context.js';

/** "kernel.c:73 if x > 3" -> spec and condition. */
export function splitCondition(args: string): { spec: string; condition?: string } {
  const idx = args.search(/(^|\s)if(\s|\(|$)/);
  if (idx < 0) return { spec: args.trim() };
  const spec = args.slice(0, idx).trim();
  const condition = args.slice(idx).trim().slice(2).trim();
  return condition ? { spec, condition } : { spec };
}

export function breakpointAnnouncement(bp: Breakpoint): string {
  const kind = bp.temporary ? 'Temporary breakpoint' : 'Breakpoint';
  if (!bp.locations.length) return `${kind} ${bp.id} (${bp.spec}) pending.`;
  if (bp.locations.length > 1) return `${kind} ${bp.id} at 0x${bp.locations[0]!.address.toString(16)}: ${bp.spec}. (${bp.locations.length} locations)`;
  const l = bp.locations[0]!;
  return l.file && l.line ? `${kind} ${bp.id} at 0x${l.address.toString(16)}: file ${l.file}, line ${l.line}.` : `${kind} ${bp.id} at 0x${l.address.toString(16)}`;
}

async function createBreakpoint(args: string, ctx: CommandContext, temporary: boolean): Promise<void> {
  if (!ctx.session && !ctx.program) throw new UserError('No symbol table is loaded.  Use the "file" command.');
  const s = await sessionOrLaunch(ctx); // duster-tui PROG: the program's gdbserver starts with the first breakpoint
  const { spec, condition } = splitCondition(args);
  const mode = ctx.breakpointPending ?? 'auto';
  const pending = async () => (mode === 'auto' ? nquery(ctx, 'Make breakpoint pending on future shared library load? ') : mode === 'on');
  const bp = await s.addBreakpoint(spec || defaultSpec(s), { temporary, ...(condition ? { condition } : {}), pending });
  if (bp) ctx.out.print(breakpointAnnouncement(bp) + '\n');
}

function defaultSpec(s: Session): string {
  const pc = s.lastStop?.location.address;
  if (pc === undefined) throw new UserError('No default breakpoint location now selected.');
  return `*0x${pc.toString(16)}`;
}

function hex16(a: bigint): string {
  return '0x' + a.toString(16).padStart(16, '0');
}

/** gdb's Type column: "hw watchpoint", "read watchpoint", "acc watchpoint" for watchpoints. */
const WATCH_TYPES = { write: 'hw watchpoint', read: 'read watchpoint', access: 'acc watchpoint' } as const;

/**
 * gdb's table. `live`: a process exists; without one, watchpoints have no location in memory and gdb
 * narrows the Address column to 10 when no listed breakpoint has a code location.
 */
export function formatBreakpointTable(bps: readonly Breakpoint[], empty = 'No breakpoints or watchpoints.', live = true): string {
  if (!bps.length) return `${empty}\n`;
  // gdb widens the Type column (14 at least) to its longest entry.
  const typeOf = (w: NonNullable<Breakpoint['watch']>): string => (w.software ? 'watchpoint' : WATCH_TYPES[w.kind]);
  const typeWidth = Math.max(14, ...bps.map((b) => (b.watch ? typeOf(b.watch).length : 0))) + 1;
  // gdb sizes the Address column by the widest location: a live watchpoint has one (the watched
  // address), a pending breakpoint none, so a table of pending breakpoints only is narrow.
  const addressWidth = bps.some((b) => b.locations.length) || (live && bps.some((b) => b.watch)) ? 18 : 10;
  const rows = [`Num     ${'Type'.padEnd(typeWidth)}Disp Enb ${'Address'.padEnd(addressWidth)} What`];
  for (const b of bps) {
    if (b.watch) {
      rows.push(`${String(b.id).padEnd(8)}${typeOf(b.watch).padEnd(typeWidth)}${b.temporary ? 'del ' : 'keep'} ${b.enabled ? 'y' : 'n'}   ${''.padEnd(addressWidth)} ${b.watch.expression}`);
      rows.push(...breakpointDetails(b));
      continue;
    }
    const disp = b.temporary ? 'del ' : 'keep';
    const enb = b.enabled ? 'y' : 'n';
    const where = (l: Breakpoint['locations'][number]) => (l.file && l.line ? `in ${l.function ?? '??'} at ${l.file}:${l.line}` : l.function ? `<${l.function}>` : '');
    if (b.locations.length === 1) {
      const l = b.locations[0]!;
      rows.push(`${String(b.id).padEnd(8)}${'breakpoint'.padEnd(typeWidth)}${disp} ${enb}   ${hex16(l.address)} ${where(l)}`);
    } else if (!b.locations.length) {
      rows.push(`${String(b.id).padEnd(8)}${'breakpoint'.padEnd(typeWidth)}${disp} ${enb}   ${'<PENDING>'.padEnd(addressWidth)} ${b.spec}`);
    } else {
      rows.push(`${String(b.id).padEnd(8)}${'breakpoint'.padEnd(typeWidth)}${disp} ${enb}   <MULTIPLE>         `);
    }
    rows.push(...breakpointDetails(b));
    if (b.locations.length > 1) {
      b.locations.forEach((l, i) => rows.push(`${`${b.id}.${i + 1}`.padEnd(28)}${enb}   ${hex16(l.address)} ${where(l)}`));
    }
  }
  return rows.join('\n') + '\n';
}

/** The condition, hit count and ignore count lines under a breakpoint or watchpoint row. */
function breakpointDetails(b: Breakpoint): string[] {
  const rows: string[] = [];
  if (b.condition) rows.push(`\tstop only if ${b.condition}`);
  if (b.hits) rows.push(`\tbreakpoint already hit ${b.hits} time${b.hits === 1 ? '' : 's'}`);
  if (b.ignoreCount) rows.push(`\tignore next ${b.ignoreCount} hits`);
  return rows;
}

function forIds(args: string, ctx: CommandContext, fn: (s: Session, id: number) => void | Promise<void>): Promise<void> {
  const s = needSession(ctx);
  return (async () => {
    for (const id of s.breakpoints.parseIds(args)) await fn(s, id);
  })();
}

export const breakpointCommands: Command[] = [
  { name: 'break', aliases: ['b', 'br', 'bre', 'brea'], help: 'Set a breakpoint: break FILE:LINE | LINE | FUNCTION | *ADDRESS [if COND].', run: (a, ctx) => createBreakpoint(a, ctx, false) },
  { name: 'tbreak', aliases: ['tb'], help: 'Set a temporary breakpoint (deleted when hit).', run: (a, ctx) => createBreakpoint(a, ctx, true) },
  {
    name: 'delete', aliases: ['d'], help: 'Delete breakpoints: delete [N...] (all when none given).',
    run: (a, ctx) => {
      const words = a.trim().split(/\s+/);
      const rest = words[0] && 'breakpoints'.startsWith(words[0]) && words[0].length >= 1 && !/^\d/.test(words[0]) ? words.slice(1).join(' ') : a;
      return forIds(rest, ctx, (s, id) => s.deleteBreakpoint(id));
    },
  },
  {
    name: 'clear', help: 'Delete the breakpoints at a location: clear FILE:LINE | FUNCTION.',
    run: async (a, ctx) => {
      const s = needSession(ctx);
      const addrs = new Set((await resolveLocationSpec(s, a)).map((l) => l.address));
      const victims = s.breakpoints.all().filter((b) => b.locations.some((l) => addrs.has(l.address)));
      if (!victims.length) throw new UserError(`No breakpoint at ${a.trim()}.`);
      for (const b of victims) await s.deleteBreakpoint(b.id);
      ctx.out.print(`Deleted breakpoint${victims.length > 1 ? 's' : ''} ${victims.map((b) => b.id).join(' ')} \n`);
    },
  },
  {
    name: 'remove', help: "Duster's name: remove a breakpoint by number or location (remove kernel.c:73).",
    run: async (a, ctx) => {
      const s = needSession(ctx);
      if (/^\s*\d+(\s+\d+)*\s*$/.test(a)) return forIds(a, ctx, (x, id) => x.deleteBreakpoint(id));
      const addrs = new Set((await resolveLocationSpec(s, a)).map((l) => l.address));
      const victims = s.breakpoints.all().filter((b) => b.locations.some((l) => addrs.has(l.address)));
      if (!victims.length) throw new UserError(`No breakpoint at ${a.trim()}.`);
      for (const b of victims) await s.deleteBreakpoint(b.id);
      ctx.out.print(`Breakpoint removed @ ${a.trim()}\n`);
    },
  },
  { name: 'enable', aliases: ['en'], help: 'Enable breakpoints: enable [N...].', run: (a, ctx) => forIds(a.replace(/^\s*(breakpoints?|once|delete)\b/, ''), ctx, (s, id) => s.setBreakpointEnabled(id, true)) },
  { name: 'disable', aliases: ['disa', 'dis'], help: 'Disable breakpoints: disable [N...].', run: (a, ctx) => forIds(a.replace(/^\s*breakpoints?\b/, ''), ctx, (s, id) => s.setBreakpointEnabled(id, false)) },
  {
    name: 'condition', help: 'condition N [EXPR]: stop at breakpoint N only if EXPR is true (no EXPR: unconditional).',
    run: (a, ctx) => {
      const s = needSession(ctx);
      const m = /^\s*(\d+)\s*(.*)$/s.exec(a);
      if (!m) throw new UserError('Argument required (breakpoint number).');
      const id = Number(m[1]);
      const cond = m[2]!.trim();
      s.setCondition(id, cond || undefined);
      if (!cond && ctx.fromTerminal) ctx.out.print(`Breakpoint ${id} now unconditional.\n`); // gdb says it only to a terminal
    },
  },
  {
    name: 'ignore', help: 'ignore N COUNT: ignore the next COUNT crossings of breakpoint N.',
    run: (a, ctx) => {
      const s = needSession(ctx);
      const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(a);
      if (!m) throw new UserError('Argument required (a breakpoint number).');
      const id = Number(m[1]);
      const n = Number(m[2]);
      s.setIgnoreCount(id, n);
      if (ctx.fromTerminal) ctx.out.print(n === 0 ? `Will stop next time breakpoint ${id} is reached.\n` : n === 1 ? `Will ignore next crossing of breakpoint ${id}.\n` : `Will ignore next ${n} crossings of breakpoint ${id}.\n`);
    },
  },
];
