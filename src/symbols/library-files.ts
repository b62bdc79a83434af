// Opening a shared library's files for the image set: its ELF under the sysroot, at its load bias, with separate debug info when installed.
import { posix } from 'node:path';
import { openElf } from '../elf/elf.js';
import { errorMessage } from '../util/errors.js';
import type { LibraryOpener } from './image-set.js';

/** gdb's default sysroot for a native-like target: the host's own root. */
export const DEFAULT_SYSROOT = '/';

/** An opener reading libraries under `sysroot` (gdb's `set sysroot`). */
export function libraryOpener(sysroot: string): LibraryOpener {
  return (name, bias) => {
    const path = posix.join(sysroot, name);
    try {
      return { elf: openElf(path).rebased(bias) };
    } catch (e) {
      return { problem: `Could not load shared library symbols for ${name}: ${errorMessage(e)}` };
    }
  };
}
