// Where a file the target names (a shared library, the program) is on this machine: gdb's `set sysroot` (default "/", "target:" = as is).
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** A target path resolved on this machine, or why it cannot be. */
export type ResolvedPath = { path: string; reason?: undefined } | { path?: undefined; reason: string };

/** The sysroot when none is set: files are where the target says (gdb's "target:" for a local gdbserver). */
export const DEFAULT_SYSROOT = '/';

/**
 * The local file for `targetPath` under `sysroot`: "/", "" and "target:" mean the path as is ("target:"
 * is the target's own files, which duster-tui reads here, never through the stub: right for a local
 * gdbserver); any other sysroot, "target:/dir" included, is prefixed to the absolute path. A relative name (a library
 * dlopen'ed by bare name) and a missing or non-regular file give a one-line reason instead.
 */
export function resolveTargetPath(targetPath: string, sysroot: string = DEFAULT_SYSROOT): ResolvedPath {
  if (!targetPath) return { reason: 'empty file name' };
  const root = sysroot.startsWith('target:') ? sysroot.slice('target:'.length) : sysroot;
  if (!isAbsolute(targetPath)) return { reason: `${targetPath}: not an absolute path (cannot be looked up under the sysroot)` };
  const path = root === '' || root === '/' ? targetPath : join(root, targetPath);
  const where = path === targetPath ? path : `${path} (${targetPath} under sysroot ${sysroot})`;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { reason: `${where}: Is a directory` };
    if (!st.isFile()) return { reason: `${where}: not a regular file` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { reason: `${where}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code ?? 'cannot be read'}` };
  }
  return { path };
}

/** `path` (a local directory such as /usr/lib/debug) under the sysroot: as is for "/", "" and "target:". */
export function underSysroot(path: string, sysroot: string = DEFAULT_SYSROOT): string {
  const root = sysroot.startsWith('target:') ? sysroot.slice('target:'.length) : sysroot;
  return root === '' || root === '/' ? path : join(root, path);
}
