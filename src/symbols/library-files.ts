// Opening a shared library's files for the image set: its ELF under the sysroot, at its load bias, with separate debug info when installed.
import { openElf } from '../elf/elf.js';
import { errorMessage } from '../util/errors.js';
import { DebugFileFinder } from './debug-file.js';
import type { LibraryOpener } from './image-set.js';
import { resolveTargetPath } from './sysroot.js';

/**
 * An opener reading libraries under `sysroot` (gdb's `set sysroot`), each with its separate debug file
 * when one is installed (build-id, then .gnu_debuglink); a refused debug file is reported to `warn`.
 */
export function libraryOpener(sysroot: string, warn: (message: string) => void): LibraryOpener {
  const finder = new DebugFileFinder({ sysroot });
  return (name, bias) => {
    const where = resolveTargetPath(name, sysroot);
    if (!where.path) return { problem: `Could not load shared library symbols for ${name}: ${where.reason}.` };
    try {
      const elf = openElf(where.path);
      const debug = finder.find(elf);
      for (const w of debug.warnings) warn(w);
      return { elf: elf.rebased(bias), ...(debug.elf ? { debug: debug.elf.rebased(bias) } : {}) };
    } catch (e) {
      return { problem: `Could not load shared library symbols for ${name}: ${errorMessage(e)}` };
    }
  };
}
