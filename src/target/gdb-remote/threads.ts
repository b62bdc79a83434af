// The stub's threads (vCPUs): the thread list, their wire ids, the process id, and the Hg/Hc thread selection.
import type { VcpuInfo } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { fromHex } from './packets.js';
import { parseThreadId, type ThreadId } from './stop-reply.js';
import { fetchThreadList } from './util.js';

type Requester = (packet: string) => Promise<string>;

/**
 * vCPU numbers are the stub's thread ids (hex on the wire): Linux LWP ids under gdbserver, CPU
 * index + 1 under QEMU, vCPU index under gdbsx. Fallbacks are remembered once a stub says ''.
 */
export class RemoteThreads {
  /** Thread of the initial stop: a Linux process's main thread, whose id is the pid. */
  initialThread: number | undefined;
  /** Thread of the last stop report. */
  stopVcpu: number | undefined;
  /** Process id from pPID.TID thread ids or W/X process: replies. */
  pid: number | undefined;
  private readonly threads = new Map<number, ThreadId>();
  private currentG: number | undefined;
  private currentC: string | undefined;
  private hSupported = true;
  private threadInfoSupported = true;
  private extraInfoSupported = true;

  constructor(private readonly request: Requester) {}

  /** Refreshes the thread list (qfThreadInfo, qThreadExtraInfo for names). */
  async refresh(): Promise<VcpuInfo[]> {
    if (this.threadInfoSupported) {
      const found = await fetchThreadList(this.request);
      if (found) {
        this.threads.clear();
        for (const t of found) this.remember(t);
      } else this.threadInfoSupported = false;
    }
    if (this.threads.size === 0) this.remember(parseThreadId((this.stopVcpu ?? 0).toString(16)));
    const infos = this.infos();
    for (const info of infos) {
      if (!this.extraInfoSupported) break;
      const reply = await this.request(`qThreadExtraInfo,${this.text(info.id)}`);
      if (reply === '') this.extraInfoSupported = false;
      else if (!reply.startsWith('E') && /^([0-9a-fA-F]{2})+$/.test(reply)) info.name += ` (${fromHex(reply).toString('utf8')})`;
    }
    return infos;
  }

  /** The known threads, without asking the stub. */
  infos(): VcpuInfo[] {
    return [...this.threads.values()].map((t) => ({ id: t.tid, name: `Thread ${t.tid}`, online: true }));
  }

  get size(): number {
    return this.threads.size;
  }

  remember(t: ThreadId): void {
    if (t.tid < 0) return;
    this.threads.set(t.tid, t);
    if (t.pid !== undefined && t.pid > 0) this.pid ??= t.pid;
  }

  /** The thread's id as the stub spells it (pPID.TID in multiprocess mode). */
  text(vcpu: number): string {
    return this.threads.get(vcpu)?.text ?? vcpu.toString(16);
  }

  /** The stub made the stopping thread the general one (gdb assumes so too). */
  noteStopThread(t: ThreadId): void {
    this.remember(t);
    this.stopVcpu = t.tid;
    this.currentG = t.tid;
  }

  /** A resume changes which thread the stub considers selected. */
  forgetGeneral(): void {
    this.currentG = undefined;
  }

  /** A new process: every id is new. */
  reset(): void {
    this.threads.clear();
    this.currentG = undefined;
    this.currentC = undefined;
    this.pid = undefined;
    this.initialThread = undefined;
  }

  /** Hg: the thread register and memory requests apply to. */
  async select(vcpu: number): Promise<void> {
    if (this.currentG === vcpu || !this.hSupported) return;
    const reply = await this.request(`Hg${this.text(vcpu)}`);
    if (reply === '') this.hSupported = false;
    else if (reply !== 'OK') throw new UserError(`Unknown vCPU ${vcpu}`);
    this.currentG = vcpu;
  }

  /** Hc: the thread 's'/'c' apply to (stubs without vCont); undefined = all. */
  async selectResume(vcpu: number | undefined): Promise<void> {
    const text = vcpu === undefined ? '-1' : this.text(vcpu);
    if (this.currentC === text || !this.hSupported) return;
    let reply = await this.request(`Hc${text}`);
    if (reply.startsWith('E') && text === '-1') reply = await this.request('Hc0'); // gdbserver refuses -1; 0 = any
    if (reply === '') this.hSupported = false;
    else if (reply !== 'OK' && text !== '-1') throw new UserError(`Unknown vCPU ${parseThreadId(text).tid}`);
    this.currentC = text;
  }
}
