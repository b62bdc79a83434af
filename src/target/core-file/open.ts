// Opens a post-mortem file as the right Target: an ELF core with .xen_prstatus is an `xl dump-core` image, another ET_CORE a Linux core.
import { ET_CORE, type ElfFile } from '../../elf/elf.js';
import { FormatError, UserError } from '../../util/errors.js';
import { openFileImage } from './file-image.js';
import { LinuxCoreTarget } from './linux-target.js';
import type { CoreFileTarget } from './target.js';
import { XenDumpTarget } from './xen-target.js';


/** `executable` (the --path image) is read for the program's text whatever path the core recorded. Errors are one-line UserErrors. */
export function openCoreFile(path: string, executable?: ElfFile): CoreFileTarget {
  let format: 'linux' | 'xen';
  const img = (() => {
    try {
      return openFileImage(path);
    } catch (e) {
      // A file that is no ELF at all: gdb's words.
      throw e instanceof FormatError ? notACore(path) : e;
    }
  })();
  try {
    if (img.elf.type !== ET_CORE) throw notACore(path);
    format = img.elf.section('.xen_prstatus') || img.elf.section('.note.Xen') ? 'xen' : 'linux';
  } finally {
    img.close();
  }
  return format === 'xen' ? XenDumpTarget.open(path) : LinuxCoreTarget.open(path, executable);
}

function notACore(path: string): UserError {
  return new UserError(`"${path}" is not a core dump: file format not recognized`);
}
