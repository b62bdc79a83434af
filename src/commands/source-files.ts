// Reading source files for display: located by the debug info's path, then by name under the search directories.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** gdb's source cache holds this many files; a file read again after leaving it is checked again. */
const GDB_SOURCE_CACHE_ENTRIES = 5;

export class SourceFiles {
  private readonly cache = new Map<string, string[] | null>();
  /** gdb's last_source_visited / last_source_error: the file the last source line printed came from. */
  private lastVisited?: { path: string; failed: boolean };
  /** The files gdb's source cache would hold now, most recently used last (when its mtime check runs again). */
  private readonly recent: string[] = [];
  /**
   * Where gdb's source-file messages go (the front end's error output): the one-time "LINE\tFILE: No such
   * file or directory." and "warning: Source file is more recent than executable.".
   */
  onMissing: (message: string) => void = () => {};
  /** The executable's modification time in seconds when it was loaded (0: unknown, no check). */
  executableMtime: () => number = () => 0;

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
    this.checkAge(path);
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

  /**
   * gdb warns each time a source file enters its source cache (5 files, the used one moved last) if the
   * file is newer than the executable: the listing may not match the code.
   */
  private checkAge(path: string): void {
    const at = this.recent.indexOf(path);
    if (at >= 0) {
      if (at !== this.recent.length - 1) [this.recent[at], this.recent[this.recent.length - 1]] = [this.recent[this.recent.length - 1]!, path];
      return;
    }
    const onDisk = this.locate(path);
    if (!onDisk) return;
    if (this.recent.length >= GDB_SOURCE_CACHE_ENTRIES) this.recent.shift();
    this.recent.push(path);
    const exe = this.executableMtime();
    try {
      if (exe && exe < Math.floor(statSync(onDisk).mtimeMs / 1000)) this.onMissing('warning: Source file is more recent than executable.');
    } catch {
      // unreadable: the read itself says so
    }
  }

  /**
   * gdb's print_source_lines_base, about to print lines of `path`: 'ok' when the file reads; for a missing
   * file 'error' when the previous printed line came from another file (gdb names the error then), else
   * 'again' (gdb prints "LINE\tin FILE"). Only printing visits: the source pane's reads do not.
   */
  visit(path: string): 'ok' | 'error' | 'again' {
    if (this.lastVisited?.path === path) return this.lastVisited.failed ? 'again' : 'ok';
    const failed = this.lines(path) === undefined;
    this.lastVisited = { path, failed };
    return failed ? 'error' : 'ok';
  }

  /** Runs `read` with the messages it causes collected instead of sent, so a caller can print them in gdb's order. */
  collect<T>(read: () => T): { value: T; messages: string[] } {
    const saved = this.onMissing;
    const messages: string[] = [];
    this.onMissing = (m) => void messages.push(m);
    try {
      return { value: read(), messages };
    } finally {
      this.onMissing = saved;
    }
  }

  line(path: string, n: number): string | undefined {
    return this.lines(path)?.[n - 1];
  }
}
