// State of the panes that follow the target while it runs: threads / vCPUs, the Xen domain, the guest console (Output pane).
import type { ThreadInfo } from '../core/api.js';
import { ConsoleFollower } from '../commands/xen-console.js';
import type { OptionalPane } from './config.js';
import type { SessionPort } from './ports.js';
import { threadRows, type ThreadRow } from './threads-pane.js';
import { readXenPane, type XenPaneData } from './xen-pane.js';

/** How often the Xen pane, the vCPU rows and the console are read while the guest runs (ms). */
export const LIVE_INTERVAL_MS = 1000;

export class LivePanes {
  threads: ThreadRow[] = [];
  private infos: ThreadInfo[] = [];
  xen: XenPaneData | undefined;
  private startInfo: XenPaneData['startInfo'];
  private startInfoTried = false;
  readonly console: ConsoleFollower | undefined;

  constructor(private readonly session: SessionPort, private readonly output: (text: string) => void) {
    const xen = session.xen;
    if (xen) this.console = new ConsoleFollower(xen);
  }

  /** At a stop, under the target lock: the thread list and start_info (target reads), then what needs no lock. */
  async stopped(shown: readonly OptionalPane[]): Promise<void> {
    const s = this.session;
    if (shown.includes('threads') && s.threads) {
      try {
        this.infos = await s.threads();
      } catch {
        this.infos = [];
      }
    }
    if (s.xen && !this.startInfoTried && s.startInfo) {
      // start_info does not move: one search, at the first stop (the page scan reads up to 4 MiB).
      this.startInfoTried = true;
      this.startInfo = await s.startInfo().catch(() => undefined);
      if (this.console && this.startInfo) this.console.consoleMfn = this.startInfo.info.consoleMfn;
    }
    this.tick(shown);
  }

  /** The target runs: threads keep their rows (state running) until the next stop. */
  running(): void {
    this.infos = this.infos.map(({ location: _gone, ...t }) => ({ ...t, state: 'running' }));
  }

  /** The process is gone: no threads (a new run numbers them again). */
  exited(): void {
    this.infos = [];
    this.threads = [];
  }

  /** Reads what needs no lock (the Xen domain, the console); returns whether anything shown changed. */
  tick(shown: readonly OptionalPane[]): boolean {
    const s = this.session;
    let changed = false;
    if (s.xen && (shown.includes('xen') || shown.includes('threads'))) {
      this.xen = readXenPane(s.xen, this.startInfo, s.lastStop?.vcpu);
      changed = true;
    }
    const describe = s.describe?.bind(s);
    this.threads = threadRows(this.infos, this.xen?.snap, describe);
    if (this.console) {
      try {
        const text = this.console.poll();
        if (text) {
          this.output(text);
          changed = true;
        }
      } catch {
        // the log vanished between two looks: the next tick tries again
      }
    }
    return changed;
  }
}
