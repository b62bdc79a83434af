// The machine's own separate debug files (libc6-dbg), for tests that need real, big, linker-merged DWARF.
import { existsSync } from 'node:fs';
import { openElf } from '../../src/elf/elf.js';

/** The separate debug file of the system's dynamic linker, found by its build-id; undefined when libc6-dbg is absent. */
export function dynamicLinkerDebugFile(): string | undefined {
  try {
    const bytes = openElf('/lib64/ld-linux-x86-64.so.2').buildId();
    const id = bytes ? Buffer.from(bytes).toString('hex') : undefined;
    const path = id ? `/usr/lib/debug/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug` : undefined;
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
