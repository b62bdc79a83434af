// A core file as an ElfFile over a file-sized buffer read lazily in 64 KiB granules (cores and dumps can be gigabytes).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { ElfFile } from '../../elf/elf.js';
import { FormatError, UserError, errorMessage } from '../../util/errors.js';

const GRANULE = 64 * 1024;

export interface FileImage {
  readonly path: string;
  readonly elf: ElfFile;
  readonly size: number;
  /** `len` bytes at file offset `offset`; throws a FormatError naming `what` when the range is outside the file. */
  read(offset: number, len: number, what: string): Uint8Array;
  close(): void;
}

/** Opens `path` as an ELF image read on demand; every error names the file. */
export function openFileImage(path: string): FileImage {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'No such file or directory' : errorMessage(e)}.`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${path}: not a regular file.`);
    if (st.size > bufferConstants.MAX_LENGTH) throw new UserError(`${path}: ${st.size} bytes is more than this Node can map (${bufferConstants.MAX_LENGTH}).`);
    const size = st.size;
    const bytes = Buffer.allocUnsafeSlow(size);
    const loaded = new Uint8Array(Math.ceil(size / GRANULE));
    let closed = false;
    const load = (offset: number, len: number): void => {
      if (closed) throw new Error(`${path}: read after close`);
      const end = Math.min(size, offset + len);
      for (let g = Math.floor(offset / GRANULE); g * GRANULE < end; g++) {
        if (loaded[g]) continue;
        const start = g * GRANULE;
        const want = Math.min(GRANULE, size - start);
        for (let got = 0; got < want; ) {
          const n = readSync(fd, bytes, start + got, want - got, start + got);
          if (n <= 0) throw new FormatError(`${path}: file shrank while reading`, { offset: start + got });
          got += n;
        }
        loaded[g] = 1;
      }
    };
    let elf: ElfFile;
    try {
      elf = new ElfFile(bytes, path, load);
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`${path}: ${e.message}`);
      throw e;
    }
    return {
      path, elf, size,
      read(offset, len, what) {
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(len) || offset < 0 || len < 0 || offset + len > size) {
          throw new FormatError(`${path}: ${what} (0x${len.toString(16)} bytes at offset 0x${offset.toString(16)}) extends past the end of the file (0x${size.toString(16)} bytes)`);
        }
        if (len) load(offset, len);
        return bytes.subarray(offset, offset + len);
      },
      close() {
        if (!closed) closeSync(fd);
        closed = true;
      },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
