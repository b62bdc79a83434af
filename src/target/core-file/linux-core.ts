// An x86-64 Linux ELF core dump: threads and registers from its notes, memory from PT_LOAD segments and mapped files.
import { ET_CORE, PT_LOAD, type ElfSegment } from '../../elf/elf.js';
import { FormatError } from '../../util/errors.js';
import { segmentNotes } from './elf-notes.js';
import { openFileImage, type FileImage } from './file-image.js';
import {
  NT_AUXV, NT_FILE, NT_FPREGSET, NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO, NT_X86_XSTATE,
  decodeFileNote, decodeFpRegs, decodePrPsInfo, decodePrStatus, decodeSigInfo,
  type FileMapping, type PsInfo, type SigInfo,
} from './linux-notes.js';
import { decodeXstate, type XstateRegisters } from './xstate.js';
import { decodeAuxv, type AuxvEntry } from '../auxv.js';
import { MappedFiles } from './mapped-files.js';
import { MAX_READ, UnmappedAddressError } from './unmapped.js';


export interface CoreThread {
  tid: number;
  /** pr_cursig: the signal this thread was stopped with. */
  signal: number;
  /** General registers under the project's names (GENERAL_REGISTERS) plus orig_rax. */
  registers: Map<string, bigint>;
  /** x87/SSE state (NT_FPREGSET) under gdb's names: st0-7, xmm0-15, mxcsr, fctrl, fstat, fop...; empty when absent. */
  fpRegisters: Map<string, bigint>;
  /** AVX / AVX-512 state (NT_X86_XSTATE): ymmNh, k0-7, zmmNh, xmm16-31, as gdb 13 reads them. */
  xstate: XstateRegisters;
}

export interface LinuxCoreOptions {
  /** Maps a path recorded in NT_FILE to a file on this machine (undefined: none); default: the path itself. */
  resolveFile?: (path: string) => string | undefined;
}

export class LinuxCore {
  /** Threads in note order: the first is the one that took the fatal signal, as gdb's thread 1. */
  readonly threads: CoreThread[] = [];
  readonly signal: number;
  readonly sigInfo?: SigInfo;
  readonly psInfo?: PsInfo;
  readonly auxv: AuxvEntry[] = [];
  readonly mappings: FileMapping[] = [];
  private readonly loads: ElfSegment[];
  private readonly files: MappedFiles;

  private constructor(private readonly img: FileImage, options: LinuxCoreOptions) {
    const elf = img.elf;
    if (elf.type !== ET_CORE) throw new FormatError(`${img.path}: not a core file (ELF type ${elf.type}, expected ET_CORE)`);
    for (const note of segmentNotes(img)) {
      if (note.name !== 'CORE' && note.name !== 'LINUX') continue;
      try {
        this.applyNote(note.type, note.desc);
      } catch (e) {
        if (e instanceof FormatError) throw new FormatError(`${img.path}: ${e.message}`);
        throw e;
      }
    }
    if (!this.threads.length) throw new FormatError(`${img.path}: core file has no NT_PRSTATUS note (no threads)`);
    this.signal = this.sigInfo?.signo ?? this.threads[0]!.signal;
    this.loads = elf.segments.filter((s) => s.type === PT_LOAD && s.memsz > 0).sort((a, b) => (a.vaddr < b.vaddr ? -1 : 1));
    this.files = new MappedFiles(options.resolveFile);
  }

  static open(path: string, options: LinuxCoreOptions = {}): LinuxCore {
    const img = openFileImage(path);
    try {
      return new LinuxCore(img, options);
    } catch (e) {
      img.close();
      throw e;
    }
  }

  get path(): string {
    return this.img.path;
  }

  /** The command name (NT_PRPSINFO pr_fname), or undefined when the core has no NT_PRPSINFO. */
  get programName(): string | undefined {
    return this.psInfo?.name;
  }

  private applyNote(type: number, desc: Uint8Array): void {
    const self = this as { -readonly [K in keyof LinuxCore]: LinuxCore[K] };
    switch (type) {
      case NT_PRSTATUS: {
        const s = decodePrStatus(desc);
        this.threads.push({ ...s, fpRegisters: new Map(), xstate: { values: new Map(), unavailable: new Set() } });
        break;
      }
      case NT_FPREGSET: {
        const t = this.threads[this.threads.length - 1];
        if (t) for (const [k, v] of decodeFpRegs(desc)) t.fpRegisters.set(k, v);
        break;
      }
      case NT_X86_XSTATE: {
        const t = this.threads[this.threads.length - 1];
        if (t) t.xstate = decodeXstate(desc);
        break;
      }
      case NT_PRPSINFO: self.psInfo = decodePrPsInfo(desc); break;
      case NT_SIGINFO: if (!this.sigInfo) self.sigInfo = decodeSigInfo(desc); break;
      case NT_AUXV: this.auxv.push(...decodeAuxv(desc, 'NT_AUXV')); break;
      case NT_FILE: this.mappings.push(...decodeFileNote(desc)); break;
    }
  }

  /** `len` bytes at `addr`; throws UnmappedAddressError naming the first address the core has no bytes for. */
  readMemory(addr: bigint, len: number): Uint8Array {
    if (!Number.isSafeInteger(len) || len < 0 || len > MAX_READ) throw new RangeError(`read of ${len} bytes refused`);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const a = BigInt.asUintN(64, addr + BigInt(done));
      done += this.readChunk(a, out.subarray(done));
    }
    return out;
  }

  /** Fills the start of `out` from the one segment holding `addr`; returns the bytes filled (> 0). */
  private readChunk(addr: bigint, out: Uint8Array): number {
    const seg = this.segmentAt(addr);
    if (!seg) throw new UnmappedAddressError(addr);
    const off = addr - seg.vaddr;
    const inFile = BigInt(seg.filesz);
    if (off < inFile) {
      const n = Math.min(out.length, Number(inFile - off));
      out.set(this.img.read(seg.offset + Number(off), n, `PT_LOAD at 0x${seg.vaddr.toString(16)}`));
      return n;
    }
    // Not dumped (typically read-only text of a mapped file): read it from the file, as gdb does.
    const n = Math.min(out.length, Number(BigInt(seg.memsz) - off));
    const m = this.mappings.find((f) => addr >= f.start && addr < f.end);
    if (!m) throw new UnmappedAddressError(addr, 'not in the core file and not file-backed');
    const take = Math.min(n, Number(m.end - addr));
    const got = this.files.read(m.path, m.fileOffset + (addr - m.start), out.subarray(0, take));
    if (got === 0) throw new UnmappedAddressError(addr, `not in the core file; ${m.path} cannot be read`);
    return got;
  }

  private segmentAt(addr: bigint): ElfSegment | undefined {
    let lo = 0;
    let hi = this.loads.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.loads[mid]!;
      if (addr < s.vaddr) hi = mid - 1;
      else if (addr >= s.vaddr + BigInt(s.memsz)) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  close(): void {
    this.files.close();
    this.img.close();
  }
}
