// An `xl dump-core` image (tools/libs/guest/xg_core.c): vCPU contexts, the page list, and guest-virtual reads through the guest's page tables.
import { ByteReader } from '../../util/byte-reader.js';
import { ET_CORE, type ElfSection } from '../../elf/elf.js';
import { FormatError } from '../../util/errors.js';
import { parseNotes } from './elf-notes.js';
import { openFileImage, type FileImage } from './file-image.js';
import { walk } from './page-walk.js';
import { MAX_READ, UnmappedAddressError } from './unmapped.js';
import { VCPU_CONTEXT_SIZE, decodeVcpuContext } from './xen-context.js';

const PAGE = 4096;
const XC_CORE_MAGIC = 0xf00febedn;
const XC_CORE_MAGIC_HVM = 0xf00febeen;
const NOTE_HEADER = 0x2000001;
const NOTE_XEN_VERSION = 0x2000002;
const NOTE_FORMAT_VERSION = 0x2000003;
const INVALID = 0xffff_ffff_ffff_ffffn;

export interface XenVcpu {
  /** Index in .xen_prstatus: the dump keeps only the vCPUs whose context could be read, without their ids. */
  id: number;
  registers: Map<string, bigint>;
  cr3: bigint;
  /** ctrlreg[1]: the user-mode page tables of a 64-bit PV guest. */
  userCr3: bigint;
  flags: bigint;
}

export class XenDump {
  readonly vcpus: XenVcpu[] = [];
  /** 'pv': frames in page tables are machine frames (.xen_p2m); 'hvm': auto-translated (.xen_pfn), frames are guest pfns. */
  readonly domainType: 'pv' | 'hvm';
  readonly autoTranslated: boolean;
  readonly xenVersion?: string;
  readonly formatVersion?: bigint;
  readonly nrPages: number;
  readonly sharedInfo?: Uint8Array;
  /** Guest pfn -> index in .xen_pages. */
  private readonly pfnIndex = new Map<number, number>();
  /** Machine frame -> index in .xen_pages (PV only; for auto-translated guests, the pfn map). */
  private readonly mfnIndex: Map<number, number>;
  private readonly pages: ElfSection;

  private constructor(private readonly img: FileImage) {
    const path = img.path;
    const fail = (msg: string): never => {
      throw new FormatError(`${path}: ${msg}`);
    };
    if (img.elf.type !== ET_CORE) fail(`not a Xen dump-core file (ELF type ${img.elf.type}, expected ET_CORE)`);
    const sec = (name: string): ElfSection | undefined => img.elf.section(name);
    const data = (s: ElfSection): Uint8Array => img.read(s.offset, s.size, s.name);
    const notes = sec('.note.Xen') ?? fail('no .note.Xen section: not an xl dump-core file');
    let header: { magic: bigint; vcpus: bigint; pages: bigint; pageSize: bigint } | undefined;
    for (const n of parseNotes(data(notes), `${path}: .note.Xen`)) {
      if (n.name !== 'Xen') continue;
      const r = new ByteReader(n.desc, `.note.Xen type 0x${n.type.toString(16)}`);
      if (n.type === NOTE_HEADER) header = { magic: r.u64(), vcpus: r.u64(), pages: r.u64(), pageSize: r.u64() };
      else if (n.type === NOTE_XEN_VERSION) (this as { xenVersion?: string }).xenVersion = xenVersion(r);
      else if (n.type === NOTE_FORMAT_VERSION) (this as { formatVersion?: bigint }).formatVersion = r.u64();
    }
    if (!header) throw new FormatError(`${path}: .note.Xen has no dump-core header note`);
    if (header.magic !== XC_CORE_MAGIC && header.magic !== XC_CORE_MAGIC_HVM) fail(`bad dump-core magic 0x${header.magic.toString(16)}`);
    if (header.pageSize !== BigInt(PAGE)) fail(`page size ${header.pageSize} (only 4096 is supported)`);
    this.pages = sec('.xen_pages') ?? fail('no .xen_pages section');
    if (header.pages > BigInt(Math.floor(this.pages.size / PAGE))) fail(`header claims ${header.pages} pages, .xen_pages holds ${Math.floor(this.pages.size / PAGE)}`);
    this.nrPages = Number(header.pages);

    const prstatus = sec('.xen_prstatus') ?? fail('no .xen_prstatus section');
    const entsize = prstatus.entsize || VCPU_CONTEXT_SIZE;
    if (entsize < VCPU_CONTEXT_SIZE) fail(`.xen_prstatus entries of ${entsize} bytes: not a 64-bit x86 guest context (${VCPU_CONTEXT_SIZE})`);
    if (header.vcpus === 0n || header.vcpus > BigInt(Math.floor(prstatus.size / entsize))) fail(`header claims ${header.vcpus} vCPUs, .xen_prstatus holds ${Math.floor(prstatus.size / entsize)}`);
    const ctx = data(prstatus);
    for (let i = 0; i < Number(header.vcpus); i++) {
      const c = decodeVcpuContext(ctx.subarray(i * entsize, (i + 1) * entsize), `${path}: .xen_prstatus[${i}]`);
      this.vcpus.push({ id: i, ...c });
    }
    const shared = sec('.xen_shared_info');
    if (shared) this.sharedInfo = data(shared);

    const p2m = sec('.xen_p2m');
    const pfns = sec('.xen_pfn');
    this.autoTranslated = !p2m;
    this.domainType = header.magic === XC_CORE_MAGIC_HVM || !p2m ? 'hvm' : 'pv';
    if (p2m) {
      if (p2m.size < this.nrPages * 16) fail(`.xen_p2m holds ${Math.floor(p2m.size / 16)} entries, header says ${this.nrPages}`);
      this.mfnIndex = new Map();
      const r = new ByteReader(data(p2m), `${path}: .xen_p2m`);
      for (let i = 0; i < this.nrPages; i++) {
        const pfn = r.u64();
        const mfn = r.u64();
        if (pfn === INVALID || mfn === INVALID) continue;
        this.pfnIndex.set(frameNumber(pfn, fail), i);
        this.mfnIndex.set(frameNumber(mfn, fail), i);
      }
    } else if (pfns) {
      if (pfns.size < this.nrPages * 8) fail(`.xen_pfn holds ${Math.floor(pfns.size / 8)} entries, header says ${this.nrPages}`);
      const r = new ByteReader(data(pfns), `${path}: .xen_pfn`);
      for (let i = 0; i < this.nrPages; i++) {
        const pfn = r.u64();
        if (pfn !== INVALID) this.pfnIndex.set(frameNumber(pfn, fail), i);
      }
      this.mfnIndex = this.pfnIndex;
    } else {
      throw new FormatError(`${path}: neither .xen_p2m nor .xen_pfn: no page list`);
    }
  }

  static open(path: string): XenDump {
    const img = openFileImage(path);
    try {
      return new XenDump(img);
    } catch (e) {
      img.close();
      throw e;
    }
  }

  get path(): string {
    return this.img.path;
  }

  /** The 4096 bytes of guest pfn `pfn`, or undefined when the dump does not hold it. */
  readPhysicalPage(pfn: bigint): Uint8Array | undefined {
    return this.pageAt(this.pfnIndex, pfn);
  }

  /** The 4096 bytes of a frame as page tables name it (machine frame for PV, pfn for auto-translated guests). */
  readTableFrame(frame: bigint): Uint8Array | undefined {
    return this.pageAt(this.mfnIndex, frame);
  }

  /** `len` bytes at guest virtual `addr` through `vcpu`'s page tables (ctrlreg[3], as xc_translate_foreign_address does). */
  readVirtual(addr: bigint, len: number, vcpu = 0): Uint8Array {
    if (!Number.isSafeInteger(len) || len < 0 || len > MAX_READ) throw new RangeError(`read of ${len} bytes refused`);
    const v = this.vcpus[vcpu];
    if (!v) throw new RangeError(`no vCPU ${vcpu} in the dump (it holds ${this.vcpus.length})`);
    const root = v.cr3 >> 12n; // xen_cr3_to_pfn() for 64-bit guests
    const out = new Uint8Array(len);
    const read = (f: bigint): Uint8Array | undefined => this.readTableFrame(f);
    for (let done = 0; done < len; ) {
      const a = BigInt.asUintN(64, addr + BigInt(done));
      const w = walk(root, a, read);
      if (!w.ok) throw new UnmappedAddressError(a, w.why);
      const page = this.readTableFrame(w.address >> 12n);
      if (!page) throw new UnmappedAddressError(a, `frame 0x${(w.address >> 12n).toString(16)} is not in the dump`);
      const off = Number(w.address & 0xfffn);
      const n = Math.min(len - done, PAGE - off);
      out.set(page.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  private pageAt(index: Map<number, number>, frame: bigint): Uint8Array | undefined {
    if (frame > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const i = index.get(Number(frame));
    return i === undefined ? undefined : this.img.read(this.pages.offset + i * PAGE, PAGE, '.xen_pages');
  }

  close(): void {
    this.img.close();
  }
}

function frameNumber(v: bigint, fail: (m: string) => never): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail(`frame number 0x${v.toString(16)} out of range`) : Number(v);
}

/** "4.17.3-pre" from the xen_version note: major, minor, extra_version[16]. */
function xenVersion(r: ByteReader): string {
  const major = r.u64();
  const minor = r.u64();
  const extra = r.bytesN(16);
  const nul = extra.indexOf(0);
  return `${major}.${minor}${Buffer.from(extra.subarray(0, nul < 0 ? 16 : nul)).toString('latin1')}`;
}
