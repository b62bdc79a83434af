// Value history ($1, $, $$, $$n) and convenience variables ($foo), with gdb's numbering and messages.
import { UserError } from '../util/errors.js';
import { builtin } from '../symbols/types.js';
import { Value } from './value.js';

export class ValueHistory {
  private readonly values: Value[] = [];
  private readonly convenience = new Map<string, Value>();

  /** Number of recorded values ($N of the latest). */
  get length(): number {
    return this.values.length;
  }

  /** Record a (fetched) value; returns its number N for "$N = ...". */
  record(v: Value): number {
    const snapshot = new Value(v.type, v.lval, v.isLazy ? undefined : Uint8Array.from(v.bytes), v.byteState, v.bitfield, v.bitState);
    snapshot.modifiable = false;
    this.values.push(snapshot);
    return this.values.length;
  }

  /** $N (absolute, N >= 1). */
  absolute(n: number): Value {
    if (n <= 0) return this.relative(-n);
    if (n > this.values.length) throw new UserError(`History has not yet reached $${n}.`);
    return this.values[n - 1]!;
  }

  /** $ (back 0), $$ (back 1), $$n (back n); void when the history is empty. */
  relative(back: number): Value {
    const idx = this.values.length - back;
    if (this.values.length === 0) return Value.fromBytes(builtin.void, new Uint8Array(0));
    if (idx <= 0) throw new UserError(`History has not yet reached $${idx}.`);
    return this.values[idx - 1]!;
  }

  /** A convenience variable; void when never set (as in gdb). */
  getVar(name: string): Value {
    return this.convenience.get(name) ?? Value.fromBytes(builtin.void, new Uint8Array(0));
  }

  setVar(name: string, v: Value): void {
    this.convenience.set(name, v);
  }

  hasVar(name: string): boolean {
    return this.convenience.has(name);
  }
}
