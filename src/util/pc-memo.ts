// A bounded memo of answers keyed by address: a backtrace asks the same pcs again and again (recursion, loops, inline frames).

export class PcMemo<T> {
  private readonly map = new Map<bigint, T>();

  /** At most `limit` answers are kept; past that the memo starts over (no eviction bookkeeping on the hot path). */
  constructor(private readonly limit = 4096) {}

  get(pc: bigint, compute: (pc: bigint) => T): T {
    const v = this.map.get(pc);
    if (v !== undefined || this.map.has(pc)) return v as T;
    const got = compute(pc);
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(pc, got);
    return got;
  }

  clear(): void {
    this.map.clear();
  }
}
