// The separate debug file of an ELF, found as gdb finds it: by build-id under the debug directory, then by .gnu_debuglink, each candidate verified.
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openElf, type ElfFile } from '../elf/elf.js';
import { crc32 } from '../elf/notes.js';
import { errorMessage } from '../util/errors.js';
import { DEFAULT_SYSROOT, resolveTargetPath, underSysroot } from './sysroot.js';

/** gdb's default `debug-file-directory` on Debian. */
export const DEFAULT_DEBUG_DIRECTORIES = ['/usr/lib/debug'];

export interface DebugFileOptions {
  sysroot?: string;
  /** gdb's `set debug-file-directory` (default /usr/lib/debug). */
  debugDirectories?: readonly string[];
}

export interface DebugFileResult {
  /** The verified debug file, if one was found. */
  path?: string;
  elf?: ElfFile;
  /** How it was found. */
  how?: 'build-id' | 'debuglink';
  /** Candidates that exist but were refused, in gdb's words (each reported once per finder). */
  warnings: string[];
}

/**
 * Finds separate debug files and remembers what it found and warned about: the same candidate is
 * refused once with a warning and silently after that (gdb warns once per objfile load).
 */
export class DebugFileFinder {
  private readonly warned = new Set<string>();
  private readonly crcs = new Map<string, number | undefined>();

  constructor(private readonly opts: DebugFileOptions = {}) {}

  /**
   * gdb's order (symfile.c, build-id.c): <dir>/.build-id/xx/rest.debug for each debug directory, then
   * the same under the sysroot; then the .gnu_debuglink name in the file's directory, in its .debug/
   * subdirectory and in <debug dir>/<the file's directory>/ (each also for the file's real directory when it
   * differs). A build-id candidate must carry the same build-id, a debuglink one the CRC32 the link names.
   */
  find(elf: ElfFile): DebugFileResult {
    const warnings: string[] = [];
    const sysroot = this.opts.sysroot ?? DEFAULT_SYSROOT;
    const dirs = this.opts.debugDirectories ?? DEFAULT_DEBUG_DIRECTORIES;
    // gdb names and searches from the objfile's absolute path.
    const objfile = resolve(elf.path);
    const self = realPath(objfile);
    const id = elf.buildId();
    if (id && id.length >= 2) {
      const hex = Buffer.from(id).toString('hex');
      const rel = join('.build-id', hex.slice(0, 2), `${hex.slice(2)}.debug`);
      for (const dir of dirs) {
        for (const candidate of unique([join(dir, rel), underSysroot(join(dir, rel), sysroot)])) {
          const found = this.tryBuildId(candidate, hex, self, warnings);
          if (found) return { path: candidate, elf: found, how: 'build-id', warnings };
        }
      }
    }
    const link = elf.debugLink();
    if (link) {
      const fileDirs = unique([dirname(objfile), dirname(self)]);
      const candidates: string[] = [];
      for (const d of fileDirs) candidates.push(join(d, link.name), join(d, '.debug', link.name));
      // Spelled as gdb spells it (debugdir + "/" + absolute dir: a double slash), so messages name the same path.
      for (const dir of dirs) for (const d of fileDirs) candidates.push(`${underSysroot(dir, sysroot)}/${d}/${link.name}`);
      for (const candidate of unique(candidates)) {
        const found = this.tryDebugLink(candidate, link.crc, objfile, self, warnings);
        if (found) return { path: candidate, elf: found, how: 'debuglink', warnings };
      }
    }
    return { warnings };
  }

  private tryBuildId(path: string, hex: string, self: string, warnings: string[]): ElfFile | undefined {
    const elf = this.open(path, self, warnings);
    if (!elf) return undefined;
    const got = elf.buildId();
    if (got && Buffer.from(got).toString('hex') === hex) return elf;
    this.warn(warnings, path, got ? `warning: File "${path}" has a different build-id, file skipped` : `warning: File "${path}" has no build-id, file skipped`);
    return undefined;
  }

  private tryDebugLink(path: string, crc: number, objfile: string, self: string, warnings: string[]): ElfFile | undefined {
    if (!resolveTargetPath(path, '/').path || realPath(path) === self) return undefined;
    const got = this.crcOf(path);
    if (got === undefined) return undefined;
    if (got !== crc) {
      this.warn(warnings, path, `warning: the debug information found in "${path}" does not match "${objfile}" (CRC mismatch).`);
      return undefined;
    }
    return this.open(path, self, warnings);
  }

  /** The ELF at `path`, when it is a regular file other than the objfile itself; a corrupt one is warned about. */
  private open(path: string, self: string, warnings: string[]): ElfFile | undefined {
    if (!resolveTargetPath(path, '/').path || realPath(path) === self) return undefined;
    try {
      return openElf(path);
    } catch (e) {
      this.warn(warnings, path, `warning: ${path}: ${errorMessage(e)}`);
      return undefined;
    }
  }

  private warn(warnings: string[], path: string, message: string): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    warnings.push(message);
  }

  /** gdb's gnu_debuglink_crc32 of the whole file, read in pieces (debug files are tens of MB); cached per path. */
  private crcOf(path: string): number | undefined {
    if (this.crcs.has(path)) return this.crcs.get(path);
    let crc: number | undefined;
    try {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        crc = 0;
        for (let pos = 0; ; ) {
          const n = readSync(fd, buf, 0, buf.length, pos);
          if (n <= 0) break;
          crc = crc32(buf.subarray(0, n), crc);
          pos += n;
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      crc = undefined;
    }
    this.crcs.set(path, crc);
    return crc;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

