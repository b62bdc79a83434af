// Adapts the core Session to the SessionPort the UI renders (names differ slightly; variables/watch may come later).
import type { BreakpointInfo, CodeLocation, FrameInfo, Listener, RegisterValue, SessionState, StopInfo, ThreadInfo, VariableNode } from '../core/api.js';
import { findStartInfo } from '../commands/xen-commands.js';
import type { XenViews } from '../target/extensions.js';
import type { Session } from '../core/session.js';
import type { SessionPort } from './ports.js';

type Optional = {
  variables?: () => Promise<VariableNode[]>;
  watch?: (expr: string) => Promise<VariableNode>;
};

/** Variables and watches through whatever provides them (the session, or the eval layer via `extra`). */
export interface ValueSource {
  variables(): Promise<VariableNode[]>;
  watch(expr: string): Promise<VariableNode>;
}

export class SessionAdapter implements SessionPort {
  constructor(private readonly s: Session, private readonly values?: ValueSource) {}

  on(listener: Listener): () => void {
    return this.s.on(listener);
  }

  get state(): SessionState {
    return this.s.state;
  }

  get lastStop(): StopInfo | undefined {
    return this.s.lastStop;
  }

  get canExecute(): boolean {
    return this.s.target.capabilities.canExecute;
  }

  get selectedFrame(): number {
    return this.s.selectedFrame;
  }

  breakpoints(): BreakpointInfo[] {
    return this.s.breakpointList();
  }

  backtrace(): Promise<FrameInfo[]> {
    return this.s.backtrace();
  }

  variables(): Promise<VariableNode[]> {
    const o = this.s as Session & Optional;
    if (this.values) return this.values.variables();
    if (typeof o.variables === 'function') return o.variables();
    return Promise.reject(new Error('variables are not available from this session'));
  }

  watch(expr: string): Promise<VariableNode> {
    const o = this.s as Session & Optional;
    if (this.values) return this.values.watch(expr);
    if (typeof o.watch === 'function') return o.watch(expr);
    return Promise.reject(new Error('expressions are not available from this session'));
  }

  /** The selected frame's registers, as `info registers` shows them there. */
  async registers(): Promise<RegisterValue[]> {
    return this.s.frameRegisters();
  }

  readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    return this.s.readMemory(addr, len);
  }

  interrupt(): Promise<void> {
    return this.s.interrupt();
  }

  threads(): Promise<ThreadInfo[]> {
    return this.s.threads();
  }

  describe(address: bigint): CodeLocation {
    return this.s.describe(address);
  }

  get xen(): XenViews | undefined {
    return this.s.xen;
  }

  startInfo(): ReturnType<typeof findStartInfo> {
    return findStartInfo(this.s, this.s.program);
  }
}
