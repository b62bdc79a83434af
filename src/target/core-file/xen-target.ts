// An `xl dump-core` image as a Target: one thread per saved vCPU context, memory through vCPU 0's page tables.
import { CoreFileTarget, type DumpThread } from './target.js';
import { XenDump } from './xen-dump.js';

export class XenDumpTarget extends CoreFileTarget {
  readonly description: string;
  readonly loadMessages: readonly string[];
  /** A guest has no process id. */
  readonly processId = undefined;
  protected readonly threads: readonly DumpThread[];

  private constructor(private readonly dump: XenDump) {
    super();
    this.description = `Xen dump-core ${dump.path}, guest not running`;
    // Named as the live Xen backend names them, so both sessions print the same `info threads`.
    this.threads = dump.vcpus.map((v) => ({ id: v.id, name: `vCPU ${v.id}`, registers: v.registers }));
    this.loadMessages = [`Xen ${dump.domainType.toUpperCase()} guest dump${dump.xenVersion ? ` (Xen ${dump.xenVersion})` : ''}, ${dump.vcpus.length} vCPU${dump.vcpus.length === 1 ? '' : 's'}.`];
  }

  static open(path: string): XenDumpTarget {
    return new XenDumpTarget(XenDump.open(path));
  }

  /** Kernel addresses translate alike on every vCPU; vCPU 0 is what the live backend reads through too. */
  protected read(addr: bigint, len: number): Uint8Array {
    return this.dump.readVirtual(addr, len, 0);
  }

  protected closeFile(): void {
    this.dump.close();
  }
}
