// A bounded memo of answers by key: a backtrace asks the same pcs again and again (recursion, loops, inline frames), `break NAME` the same names.

export class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();

  /** At most `limit` answers are kept; past that the memo starts over (no eviction bookkeeping on the hot path). */
  constructor(private readonly limit = 4096) {}

  get(key: K, compute: (key: K) => V): V {
    const v = this.map.get(key);
    if (v !== undefined || this.map.has(key)) return v as V;
    const got = compute(key);
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, got);
    return got;
  }

  clear(): void {
    this.map.clear();
  }
}
