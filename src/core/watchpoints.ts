// Hardware watchpoints (gdb's watch, rwatch, awatch): kept in the target, hits judged against the old value, scope-bound ones deleted when their frame returns.
import { x86_64 } from '../arch/arch.js';
import { UserError } from '../util/errors.js';
import { TargetGoneError, type Target, type WatchKind } from '../target/contract.js';
import type { WatchHit, WatchInfo } from './api.js';
import type { Breakpoint, BreakpointTable } from './breakpoints.js';
import type { RawStop, RunControl } from './run-control.js';

/** Formats the watched bytes as gdb prints the expression's value (eval lives above core: the caller passes it in). */
export type FormatWatched = (bytes: Uint8Array) => Promise<string>;

/** A watchpoint as the command layer resolved it: what to watch, where, and how to print it. */
export interface WatchRequest {
  kind: WatchKind;
  expression: string;
  address: bigint;
  length: number;
  format: FormatWatched;
  condition?: string;
  /** Checked by single-stepping (gdb's `set can-use-hw-watchpoints 0`, or a target without them); writes only. */
  software?: boolean;
  /**
   * An expression on locals lives as long as its frame: `cfa` is that frame's canonical frame address
   * and `resume` the caller's resume address, where gdb plants its watchpoint-scope breakpoint.
   */
  scope?: { cfa: bigint; resume: bigint };
}

/** What the watchpoints need from the session. */
export interface WatchHost {
  readonly target: Target;
  readonly run: RunControl;
  readonly breakpoints: BreakpointTable;
  readMemory(address: bigint, len: number): Promise<Uint8Array>;
  /** Condition (in thread `vcpu`), hit count and ignore count, as for a breakpoint: does this hit stop? */
  triggers(bp: Breakpoint, vcpu: number): Promise<boolean>;
}

interface Watch {
  bp: Breakpoint;
  req: WatchRequest;
  /** The value when last looked at (undefined: it could not be read). */
  old: Uint8Array | undefined;
  /** The kind actually in the target: a read watchpoint becomes an access one where reads alone cannot be watched (x86). */
  inserted?: WatchKind;
  /** A software watchpoint being checked (its old value is current); false while disabled. */
  armed?: boolean;
}

const WATCH_TITLES: Record<WatchKind, string> = {
  write: 'Hardware watchpoint',
  read: 'Hardware read watchpoint',
  access: 'Hardware access (read/write) watchpoint',
};

/** gdb's name for a watchpoint in its messages: "Hardware read watchpoint", or "Watchpoint" for a software one. */
export function watchTitle(w: WatchInfo): string {
  return w.software ? 'Watchpoint' : WATCH_TITLES[w.kind];
}

const scopeOwner = (id: number): string => `watch-scope:${id}`;

export class Watchpoints {
  private readonly watches = new Map<number, Watch>();
  /** gdb's can-use-hw-watchpoints: when false, `watch` makes software watchpoints and rwatch/awatch are refused. */
  hardware = true;

  constructor(private readonly host: WatchHost) {}

  /**
   * Creates a watchpoint (numbered with the breakpoints); a hardware one goes into the target at the
   * next resume. Without hardware watchpoints (setting, or a target without them that can still
   * execute: Xen) a write watchpoint is a software one, as in gdb.
   */
  async add(req: WatchRequest): Promise<Breakpoint> {
    const t = this.host.target;
    if (!this.hardware && req.kind !== 'write') throw new UserError("Can't set read/access watchpoint when hardware watchpoints are disabled.");
    if (!this.hardware || (!t.insertWatchpoint && t.capabilities.canExecute && req.kind === 'write')) req = { ...req, software: true };
    if (!req.software && !t.insertWatchpoint) throw new UserError('Target does not support this type of hardware watchpoint.');
    const watch: WatchInfo = { kind: req.kind, expression: req.expression, ...(req.software ? { software: true } : {}) };
    const bp = this.host.breakpoints.createWatch(watch, req.condition);
    this.watches.set(bp.id, { bp, req, old: await this.read(req) });
    if (req.scope) this.host.run.addSite(req.scope.resume, scopeOwner(bp.id));
    return bp;
  }

  /**
   * Makes the target's watchpoints match the table (deleted and disabled ones out, enabled ones in);
   * called before every execution command. Fails like gdb when the target refuses one.
   */
  async sync(): Promise<void> {
    const live = new Set(this.host.breakpoints.all());
    for (const [id, w] of [...this.watches]) {
      if (live.has(w.bp) && w.bp.enabled) continue;
      await this.lift(w);
      if (!live.has(w.bp)) this.forget(id);
    }
    const failed: number[] = [];
    for (const w of this.watches.values()) {
      if (!w.bp.enabled || w.inserted || w.armed) continue;
      if (w.req.software) {
        w.armed = true;
        w.old = await this.read(w.req);
        continue;
      }
      if (!(await this.plant(w))) {
        failed.push(w.bp.id);
        continue;
      }
      // While it was out of the target (disabled), the value may have changed unseen.
      w.old = await this.read(w.req);
    }
    // gdb's words, whether the stub lacks the packet ("") or refused this one (out of debug registers).
    if (failed.length) {
      const lines = failed.map((id) => `Could not insert hardware watchpoint ${id}.\n`).join('');
      throw new UserError(`Warning:\n${lines}Could not insert hardware breakpoints:\nYou may have requested too many hardware breakpoints/watchpoints.\n\nCommand aborted.`);
    }
  }

  /** Puts one watchpoint into the target; false when the target has no such watchpoint or refuses it. */
  private async plant(w: Watch): Promise<boolean> {
    const t = this.host.target;
    const { address, length } = w.req;
    try {
      if (await t.insertWatchpoint!(w.req.kind, address, length)) {
        w.inserted = w.req.kind;
        return true;
      }
      // gdb's fallback where reads alone cannot be watched (x86): watch accesses and ignore the hits
      // that changed the value (those are writes).
      if (w.req.kind === 'read' && (await t.insertWatchpoint!('access', address, length))) {
        w.inserted = 'access';
        return true;
      }
      return false;
    } catch (e) {
      if (e instanceof TargetGoneError) throw e;
      return false;
    }
  }

  private async lift(w: Watch): Promise<void> {
    w.armed = false;
    if (!w.inserted) return;
    const kind = w.inserted;
    w.inserted = undefined;
    await this.host.target.removeWatchpoint?.(kind, w.req.address, w.req.length);
  }

  private forget(id: number): void {
    const w = this.watches.get(id);
    if (w?.req.scope) this.host.run.removeSite(w.req.scope.resume, scopeOwner(id));
    this.watches.delete(id);
  }

  /**
   * A watchpoint trap: which watchpoints stop, with what they report (gdb's bpstat_check_watchpoint).
   * A write watchpoint whose value did not change does not stop; a read watchpoint emulated with an
   * access one ignores a hit that changed the value (a write). Old values are updated either way.
   */
  async check(stop: Extract<RawStop, { kind: 'watch' }>): Promise<WatchHit[]> {
    return this.judge([...this.watches.values()].filter((w) => w.inserted && w.bp.enabled && covers(w, stop.address)), stop.vcpu);
  }

  /** Any enabled software watchpoint? Then execution goes one instruction at a time (no range stepping). */
  get anySoftware(): boolean {
    return [...this.watches.values()].some((w) => w.req.software && w.bp.enabled);
  }

  /** After a single step: the software watchpoints whose value changed (and whose condition holds). */
  async checkSoftware(vcpu: number): Promise<WatchHit[]> {
    return this.judge([...this.watches.values()].filter((w) => w.req.software && w.bp.enabled), vcpu);
  }

  /**
   * `continue` with software watchpoints: single-steps `vcpu` until a value changes (a 'watch' stop
   * with its hits), a site is reached (pc on it, hits of that step too) or the target stops otherwise.
   */
  async stepUntilChange(vcpu: number): Promise<{ raw: RawStop; hits: WatchHit[] }> {
    const run = this.host.run;
    for (;;) {
      const raw = await run.stepInstruction(vcpu);
      if (raw.kind !== 'stepped' && raw.kind !== 'site' && raw.kind !== 'watch') return { raw, hits: [] };
      const hits = [...(raw.kind === 'watch' ? await this.check(raw) : []), ...(await this.checkSoftware(vcpu))].sort((a, b) => a.watchpoint - b.watchpoint);
      const pc = await this.register(vcpu, x86_64.pcRegister);
      if (pc !== undefined && run.isSite(pc)) return { raw: { kind: 'site', vcpu, address: pc }, hits };
      if (hits.length) return { raw: { kind: 'watch', vcpu, watch: 'write' }, hits };
    }
  }

  private async judge(candidates: Watch[], vcpu: number): Promise<WatchHit[]> {
    const fired = candidates.sort((a, b) => a.bp.id - b.bp.id);
    const changedOther = new Set<Watch>();
    const judged: { w: Watch; now: Uint8Array | undefined; changed: boolean }[] = [];
    for (const w of fired) {
      const now = await this.read(w.req);
      const changed = !sameBytes(w.old, now);
      judged.push({ w, now, changed });
      if (changed && w.req.kind !== 'read') changedOther.add(w);
    }
    const hits: WatchHit[] = [];
    for (const { w, now, changed } of judged) {
      const before = w.old;
      w.old = now;
      if (w.req.kind === 'write' && !changed) continue;
      if (w.req.kind === 'read' && changed && (w.inserted === 'access' || changedOther.size > 0)) continue;
      if (!(await this.host.triggers(w.bp, vcpu))) continue;
      const value = await this.text(w, now);
      const showOld = changed && w.req.kind !== 'read';
      hits.push({ watchpoint: w.bp.id, watch: { ...w.bp.watch! }, value, ...(showOld ? { old: await this.text(w, before) } : {}) });
    }
    return hits;
  }

  /**
   * At a stop on `address`: if it is the scope breakpoint of a watchpoint whose frame has returned
   * (the stack pointer is back above that frame), deletes that watchpoint and returns its number.
   */
  async scopeExit(vcpu: number, address: bigint): Promise<number | undefined> {
    for (const [id, w] of this.watches) {
      const scope = w.req.scope;
      if (!scope || scope.resume !== address) continue;
      const rsp = await this.register(vcpu, x86_64.spRegister);
      if (rsp === undefined || rsp < scope.cfa) continue;
      this.host.breakpoints.remove(id);
      await this.lift(w);
      this.forget(id);
      return id;
    }
    return undefined;
  }

  /** Is any watchpoint bound to a frame (so steps must look for its scope breakpoint)? */
  get anyScoped(): boolean {
    return [...this.watches.values()].some((w) => w.req.scope);
  }

  /** Is there a watchpoint-scope breakpoint at this address? */
  isScopeSite(address: bigint): boolean {
    return [...this.watches.values()].some((w) => w.req.scope?.resume === address);
  }

  /** Takes every watchpoint out of the target (detach, quit, kill); returns the addresses it could not. */
  async removeAll(): Promise<bigint[]> {
    const failed: bigint[] = [];
    for (const w of this.watches.values()) {
      try {
        await this.lift(w);
      } catch {
        failed.push(w.req.address);
      }
    }
    return failed;
  }

  /**
   * The process is gone (exit, restart, lost target): nothing is in the target any more. Watchpoints
   * on locals go with their frames (gdb deletes them when the program is run again).
   */
  processGone(): void {
    for (const [id, w] of [...this.watches]) {
      w.inserted = undefined;
      w.armed = false;
      if (w.req.scope) {
        if (this.host.breakpoints.all().includes(w.bp)) this.host.breakpoints.remove(id);
        this.forget(id);
      }
    }
  }

  /** Re-reads the values after the program was started again (globals start from their initial values). */
  async refreshValues(): Promise<void> {
    for (const w of this.watches.values()) w.old = await this.read(w.req);
  }

  private async read(req: WatchRequest): Promise<Uint8Array | undefined> {
    return this.host.readMemory(req.address, req.length).catch(() => undefined);
  }

  private async text(w: Watch, bytes: Uint8Array | undefined): Promise<string> {
    if (!bytes) return '<unreadable>';
    return w.req.format(bytes).catch((e: unknown) => `<error: ${(e as Error).message}>`);
  }

  private async register(vcpu: number, name: string): Promise<bigint | undefined> {
    const t = this.host.target;
    return t.readRegister ? t.readRegister(vcpu, name) : (await t.readRegisters(vcpu)).get(name);
  }
}

/** Does the watched range hold the reported data address? (unknown address: every watchpoint may have fired) */
function covers(w: Watch, address: bigint | undefined): boolean {
  if (address === undefined) return true;
  // x86 stubs split a range into aligned pieces inside it and report the piece's start.
  return address >= w.req.address && address < w.req.address + BigInt(w.req.length);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
