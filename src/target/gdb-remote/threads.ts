// The stub's threads (vCPUs): the thread list, their wire ids and names, the process id, and the Hg/Hc thread selection.
import type { VcpuInfo } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { fromHex } from './packets.js';
import { parseAttributes } from './registers.js';
import { parseThreadId, type ThreadId } from './stop-reply.js';
import { fetchThreadList, readXfer } from './util.js';

/** What the stub said about a thread besides its id. */
interface ThreadDetails {
  name?: string;
  extra?: string;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return XML_ENTITIES[e] ?? all;
  });
}

/** The <thread id=".." name=".." .../> elements of a qXfer:threads:read document, in the stub's order. */
export function parseThreadsXml(xml: string): { id: ThreadId; name?: string; extra?: string }[] {
  const out: { id: ThreadId; name?: string; extra?: string }[] = [];
  const re = /<thread\b([^>]*?)(?:\/>|>([^<]*)<\/thread>)/g;
  for (let m = re.exec(xml); m && out.length < 100_000; m = re.exec(xml)) {
    const attrs = parseAttributes(m[1] ?? '');
    const id = attrs.get('id');
    if (!id) continue;
    const name = attrs.get('name');
    const extra = unescapeXml((m[2] ?? '').trim());
    out.push({ id: parseThreadId(id), ...(name ? { name: unescapeXml(name) } : {}), ...(extra ? { extra } : {}) });
  }
  return out;
}

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
  private readonly details = new Map<number, ThreadDetails>();
  private currentG: number | undefined;
  private currentC: string | undefined;
  private hSupported = true;
  private threadInfoSupported = true;
  private extraInfoSupported = true;

  constructor(
    private readonly request: Requester,
    /** The stub offers qXfer:threads:read (ids, names and extra text in one document, as gdb prefers). */
    private threadsXml = false,
    private readonly packetSize = 4096,
    /** The stub speaks multiprocess: gdb then names threads "Thread PID.TID". */
    private readonly multiprocessStub = false,
  ) {}

  /** Refreshes the thread list: qXfer:threads:read when offered, else qfThreadInfo + qThreadExtraInfo. */
  async refresh(): Promise<VcpuInfo[]> {
    if (this.threadsXml) {
      const xml = await readXfer(this.request, 'threads', '', this.packetSize).catch(() => undefined);
      if (xml !== undefined) {
        this.threads.clear();
        this.details.clear();
        for (const t of parseThreadsXml(xml)) {
          this.remember(t.id);
          this.details.set(t.id.tid, { ...(t.name ? { name: t.name } : {}), ...(t.extra ? { extra: t.extra } : {}) });
        }
        if (this.threads.size > 0) return this.infos();
      } else this.threadsXml = false;
    }
    if (this.threadInfoSupported) {
      const found = await fetchThreadList(this.request);
      if (found) {
        this.threads.clear();
        for (const t of found) this.remember(t);
      } else this.threadInfoSupported = false;
    }
    if (this.threads.size === 0) this.remember(parseThreadId((this.stopVcpu ?? 0).toString(16)));
    this.details.clear();
    for (const t of this.threads.values()) {
      if (!this.extraInfoSupported) break;
      const reply = await this.request(`qThreadExtraInfo,${t.text}`);
      if (reply === '') this.extraInfoSupported = false;
      else if (!reply.startsWith('E') && /^([0-9a-fA-F]{2})+$/.test(reply)) this.details.set(t.tid, { extra: fromHex(reply).toString('utf8') });
    }
    return this.infos();
  }

  /** The known threads, without asking the stub. */
  infos(): VcpuInfo[] {
    return [...this.threads.values()].map((t) => {
      const d = this.details.get(t.tid);
      return { id: t.tid, name: this.targetId(t), online: true, ...(d?.name ? { threadName: d.name } : {}), ...(d?.extra ? { extra: d.extra } : {}) };
    });
  }

  /** gdb's remote pid_to_str: "Thread PID.TID" (decimal) when the stub speaks multiprocess and the pid is known. */
  private targetId(t: ThreadId): string {
    const pid = t.pid ?? this.pid ?? this.initialThread;
    return this.multiprocessStub && pid !== undefined && pid > 0 ? `Thread ${pid}.${t.tid}` : `Thread ${t.tid}`;
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
    this.details.clear();
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
