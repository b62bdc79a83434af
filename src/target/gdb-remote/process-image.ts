// A remote process's image: auxv (qXfer:auxv:read) and its shared libraries (qXfer:libraries-svr4:read, else link_map in memory).
import { decodeAuxv, type AuxvEntry } from '../auxv.js';
import type { LibraryList, ProcessImage } from '../extensions.js';
import { readLinkMap, withoutVdso, type MemoryReader } from '../link-map.js';
import { UserError } from '../../util/errors.js';
import type { StubFeatures } from './features.js';
import { parseLibraryList } from './library-list.js';
import { readXfer, readXferBytes } from './util.js';

type Requester = (packet: string) => Promise<string>;

export class RemoteProcessImage implements ProcessImage {
  /** The auxv of the current process: it never changes while the process lives (reset() on restart). */
  private auxvCache?: Promise<AuxvEntry[]>;

  /** `request` and `read` check that the target is stopped (qXfer, like memory, needs a stopped stub). */
  constructor(
    private readonly request: Requester,
    private readonly read: MemoryReader,
    private readonly features: StubFeatures,
    private readonly packetSize: number,
    private readonly threadText: (vcpu: number) => string,
  ) {}

  async offerSymbols(lookup: (name: string) => bigint | undefined): Promise<void> {
    let reply = await this.request('qSymbol::');
    for (let asked = 0; asked < 1000 && reply.startsWith('qSymbol:'); asked++) {
      const hexName = reply.slice('qSymbol:'.length);
      const address = lookup(Buffer.from(hexName, 'hex').toString('latin1'));
      reply = await this.request(address === undefined ? `qSymbol::${hexName}` : `qSymbol:${address.toString(16)}:${hexName}`);
    }
  }

  async tlsAddress(vcpu: number, offset: bigint, lm: bigint): Promise<bigint> {
    const reply = await this.request(`qGetTLSAddr:${this.threadText(vcpu)},${offset.toString(16)},${lm.toString(16)}`);
    if (/^E[0-9a-fA-F]{2}$/.test(reply) || reply.startsWith('E.')) throw new UserError(`Cannot find thread-local storage for thread ${vcpu} (remote error ${reply})`);
    if (reply === '') throw new UserError('Cannot find thread-local storage: the remote stub does not answer qGetTLSAddr');
    if (!/^[0-9a-fA-F]+$/.test(reply)) throw new UserError(`Cannot find thread-local storage for thread ${vcpu} (remote reply ${reply.slice(0, 16)})`);
    return BigInt(`0x${reply}`);
  }

  /** Whether the stub offers anything of the image (a bare stub, QEMU's, gdbsx: no). */
  static offered(features: StubFeatures): boolean {
    return features.auxv || features.librariesSvr4;
  }

  auxv(): Promise<AuxvEntry[]> {
    if (!this.features.auxv) return Promise.reject(new UserError('The remote stub does not report the auxiliary vector (no qXfer:auxv:read)'));
    const fetch = (this.auxvCache ??= readXferBytes(this.request, 'auxv', '', this.packetSize).then((b) => decodeAuxv(b, 'qXfer:auxv:read')));
    fetch.catch(() => (this.auxvCache = undefined)); // a failure is not remembered: the next call asks again
    return fetch;
  }

  /**
   * The libraries as gdb lists them (vDSO left out): from the stub's XML when offered, else walked in
   * memory from the program's DT_DEBUG (needs auxv); a stub with neither says so.
   */
  async libraries(): Promise<LibraryList> {
    const auxv = this.features.auxv ? await this.auxv() : [];
    if (this.features.librariesSvr4) {
      const xml = await readXfer(this.request, 'libraries-svr4', '', this.packetSize);
      return withoutVdso(parseLibraryList(xml), auxv);
    }
    if (!this.features.auxv) throw new UserError('The remote stub reports no shared libraries (no qXfer:libraries-svr4:read or qXfer:auxv:read)');
    return withoutVdso(await readLinkMap(this.read, auxv), auxv);
  }

  /** A new process (restart): its auxv is asked again. */
  reset(): void {
    this.auxvCache = undefined;
  }
}
