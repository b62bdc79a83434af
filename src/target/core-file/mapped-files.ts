// Bytes of files mapped by a crashed process (NT_FILE), for core segments the kernel did not dump (gdb reads them too).
import { closeSync, openSync, readSync } from 'node:fs';

export class MappedFiles {
  private readonly fds = new Map<string, number | undefined>();

  /** `resolve` turns a path recorded in the core into one on this machine (sysroot, --path), or undefined. */
  constructor(private readonly resolve: (path: string) => string | undefined = (p) => p) {}

  /** Fills `out` from `path` at `offset`; returns how many bytes the file had (0 when it cannot be opened). */
  read(path: string, offset: bigint, out: Uint8Array): number {
    let fd = this.fds.get(path);
    if (!this.fds.has(path)) {
      const local = this.resolve(path);
      try {
        fd = local === undefined ? undefined : openSync(local, 'r');
      } catch {
        fd = undefined;
      }
      this.fds.set(path, fd);
    }
    if (fd === undefined || offset > BigInt(Number.MAX_SAFE_INTEGER)) return 0;
    let got = 0;
    while (got < out.length) {
      const n = readSync(fd, out, got, out.length - got, Number(offset) + got);
      if (n <= 0) break;
      got += n;
    }
    return got;
  }

  close(): void {
    for (const fd of this.fds.values()) if (fd !== undefined) closeSync(fd);
    this.fds.clear();
  }
}
