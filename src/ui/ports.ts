// What the UI needs from the debug core and the program model: the Session surface it renders and queries.
import type { BreakpointInfo, CodeLocation, FrameInfo, Listener, RegisterValue, SessionState, StopInfo, ThreadInfo, VariableNode } from '../core/api.js';
import type { XenViews } from '../target/extensions.js';
import type { StartInfo } from '../target/xen-start-info.js';

/** A source file of the program, as the file picker and completion show it. */
export interface SourceFileRef {
  /** The name as in the debug info ("kernel.c"); used in "break kernel.c:73". */
  name: string;
  /** The file on disk, when found. */
  fullPath?: string;
}

/** The questions the UI asks about the program (answered by src/symbols through an adapter). */
export interface ProgramPort {
  sourceFiles(): SourceFileRef[];
  /** Lines of `file` with code, ascending (for file:line completion). */
  linesWithCode(file: string): number[];
  /** Function and global variable names (for completion). */
  symbolNames(): string[];
  /** Where main is, shown while the program is stopped somewhere without source (e.g. in ld.so at start). */
  mainLocation?(): { name: string; path: string; line: number } | undefined;
  /** Start address of the function containing `pc` (for the disassembly window). */
  functionStart?(pc: bigint): bigint | undefined;
}

/** The Session surface the UI uses (src/core/session.ts implements it). */
export interface SessionPort {
  on(listener: Listener): () => void;
  readonly state: SessionState;
  readonly lastStop: StopInfo | undefined;
  readonly selectedFrame: number;
  /** False for a target that cannot run (a core file); undefined when unknown. */
  readonly canExecute?: boolean;
  breakpoints(): BreakpointInfo[];
  backtrace(): Promise<FrameInfo[]>;
  variables(): Promise<VariableNode[]>;
  watch(expr: string): Promise<VariableNode>;
  /** The selected frame's registers (outer frames: unwound, as gdb shows them after `up`). */
  registers(): Promise<RegisterValue[]>;
  readMemory(addr: bigint, len: number): Promise<Uint8Array>;
  interrupt(): Promise<void>;
  /** The threads / vCPUs with gdb's numbers (asks the target only while stopped). */
  threads?(): Promise<ThreadInfo[]>;
  /** Function and file:line of an address (symbols only, no target access). */
  describe?(address: bigint): CodeLocation;
  /** The Xen domain views when the target is a Xen domain: hypercall reads that never stop the guest, so the UI reads them without the target lock. */
  readonly xen?: XenViews;
  /** Where start_info is (read through the session: a stopped target only). */
  startInfo?(): Promise<{ address: bigint; how: string; info: StartInfo } | undefined>;
}

/** Runs command lines of the command language, printing to the output it is given. */
export interface CommandRunner {
  execute(line: string, opts?: { fromTerminal?: boolean }): Promise<boolean>;
}
