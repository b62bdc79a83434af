// User breakpoints: numbering, enable/disable, conditions, ignore counts, temporaries, hit counts (gdb semantics).
import { UserError } from '../util/errors.js';
import type { BreakpointInfo, CodeLocation, WatchInfo } from './api.js';

/** A user breakpoint: the same shape the front ends see (the table hands out copies). */
export type Breakpoint = BreakpointInfo;

export class BreakpointTable {
  private readonly list: Breakpoint[] = [];
  private nextId = 1;

  all(): readonly Breakpoint[] {
    return this.list;
  }

  info(): BreakpointInfo[] {
    return this.list.map((b) => ({ ...b, locations: [...b.locations], ...(b.watch ? { watch: { ...b.watch } } : {}) }));
  }

  create(spec: string, locations: CodeLocation[], opts: { temporary?: boolean; condition?: string } = {}): Breakpoint {
    const bp: Breakpoint = { id: this.nextId++, spec, enabled: true, temporary: !!opts.temporary, ignoreCount: 0, hits: 0, locations };
    if (opts.condition) bp.condition = opts.condition;
    this.list.push(bp);
    return bp;
  }

  /** A watchpoint: numbered with the breakpoints, no code location (core/watchpoints.ts keeps the rest). */
  createWatch(watch: WatchInfo, condition?: string): Breakpoint {
    const bp: Breakpoint = { id: this.nextId++, spec: watch.expression, enabled: true, temporary: false, ignoreCount: 0, hits: 0, locations: [], watch };
    if (condition) bp.condition = condition;
    this.list.push(bp);
    return bp;
  }

  get(id: number): Breakpoint {
    const b = this.list.find((x) => x.id === id);
    if (!b) throw new UserError(`No breakpoint number ${id}.`);
    return b;
  }

  remove(id: number): Breakpoint {
    const b = this.get(id);
    this.list.splice(this.list.indexOf(b), 1);
    return b;
  }

  /** Enabled breakpoints with a location at `address`. */
  at(address: bigint): Breakpoint[] {
    return this.list.filter((b) => b.enabled && b.locations.some((l) => l.address === address));
  }

  /** Addresses that must carry a site (enabled breakpoints only). */
  addresses(): Set<bigint> {
    const s = new Set<bigint>();
    for (const b of this.list) if (b.enabled) for (const l of b.locations) s.add(l.address);
    return s;
  }

  /** Parses gdb's id lists: "1 3-5 7"; empty means all. */
  parseIds(args: string): number[] {
    const t = args.trim();
    if (!t) return this.list.map((b) => b.id);
    const ids: number[] = [];
    for (const part of t.split(/\s+/)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!m) throw new UserError("Args must be numbers or '$' variables.");
      const lo = Number(m[1]);
      const hi = m[2] ? Number(m[2]) : lo;
      for (let i = lo; i <= hi; i++) ids.push(i);
    }
    return ids;
  }
}
