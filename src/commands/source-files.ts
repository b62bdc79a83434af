// Reading source files for display: located by the debug info's path, then by name under the search directories.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export class SourceFiles {
  private readonly cache = new Map<string, string[] | null>();
  private readonly missingSaid = new Set<string>();
  /** Where gdb's one-time "LINE\tFILE: No such file or directory." goes (the front end's error output). */
  onMissing: (message: string) => void = () => {};

  constructor(readonly searchDirs: string[] = [process.cwd()]) {}

  /** The path on disk for a debug-info path, or undefined when the file cannot be found. */
  locate(path: string): string | undefined {
    const candidates = [path, ...this.searchDirs.map((d) => join(d, basename(path)))];
    for (const c of candidates) {
      try {
        if (existsSync(c) && statSync(c).isFile()) return c;
      } catch {
        // unreadable: try the next one
      }
    }
    return undefined;
  }

  /** Lines of a file (index 0 = line 1), or undefined when it cannot be read. */
  lines(path: string): string[] | undefined {
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    const onDisk = this.locate(path);
    let lines: string[] | null = null;
    if (onDisk) {
      try {
        if (statSync(onDisk).size <= MAX_SOURCE_BYTES) {
          lines = readFileSync(onDisk, 'utf8').split('\n');
          if (lines.length && lines[lines.length - 1] === '') lines.pop();
        }
      } catch {
        lines = null;
      }
    }
    this.cache.set(path, lines);
    return lines ?? undefined;
  }

  /** True the first time a missing file is reported (gdb says so once, then "LINE\tin FILE"). */
  firstMiss(path: string): boolean {
    if (this.missingSaid.has(path)) return false;
    this.missingSaid.add(path);
    return true;
  }

  line(path: string, n: number): string | undefined {
    return this.lines(path)?.[n - 1];
  }
}
