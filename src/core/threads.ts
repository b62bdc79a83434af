// gdb's thread numbers: 1, 2, 3... in the order threads are first seen, never reused while the process lives.
import type { VcpuInfo } from '../target/contract.js';

/** Numbers threads as gdb does and remembers what the target last said about each. */
export class ThreadTable {
  private readonly numbers = new Map<number, number>();
  private readonly infos = new Map<number, VcpuInfo>();
  private highest = 0;

  /** A new process (run again): numbering starts over, as gdb's init_thread_list does. */
  reset(): void {
    this.numbers.clear();
    this.infos.clear();
    this.highest = 0;
  }

  /**
   * Takes the target's current list. Threads seen for the first time get the next numbers, the
   * stopping thread first (gdb notices it from the stop reply before it reads the list), then in
   * the target's order; threads gone from the list are forgotten. Returns the new ones.
   */
  update(list: readonly VcpuInfo[], stopping?: number): VcpuInfo[] {
    const fresh: VcpuInfo[] = [];
    const ordered = stopping === undefined ? list : [...list.filter((v) => v.id === stopping), ...list.filter((v) => v.id !== stopping)];
    for (const v of ordered) {
      if (!this.numbers.has(v.id)) {
        this.numbers.set(v.id, ++this.highest);
        fresh.push(v);
      }
    }
    const present = new Set(list.map((v) => v.id));
    for (const id of [...this.numbers.keys()]) {
      if (!present.has(id)) {
        this.numbers.delete(id);
        this.infos.delete(id);
      }
    }
    for (const v of list) this.infos.set(v.id, v);
    return fresh;
  }

  /** gdb's show_thread_that_caused_stop: once a process has had two threads, stop reports name the thread. */
  get namesThreads(): boolean {
    return this.highest > 1;
  }

  numberOf(vcpu: number): number | undefined {
    return this.numbers.get(vcpu);
  }

  vcpuOf(number: number): number | undefined {
    for (const [v, n] of this.numbers) if (n === number) return v;
    return undefined;
  }

  info(vcpu: number): VcpuInfo | undefined {
    return this.infos.get(vcpu);
  }

  /** The known threads by number, lowest first. */
  all(): { number: number; info: VcpuInfo }[] {
    return [...this.numbers].map(([v, n]) => ({ number: n, info: this.infos.get(v)! })).filter((t) => t.info).sort((a, b) => a.number - b.number);
  }
}
