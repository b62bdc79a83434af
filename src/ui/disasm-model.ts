// The disassembly pane's rows: code around the selected frame's pc, source lines interleaved as `disassemble /s` prints them, and scrolling into earlier code.

export interface DisasmLine {
  address: bigint;
  text: string;
  /** A source line of `disassemble /s`; its address is the next instruction's (F9 there breaks on it). */
  source?: boolean;
}

/** Decodes `bytes` at `addr`; with `withSource`, source lines interleaved in gdb's /s order. */
export type Disassembler = (bytes: Uint8Array, addr: bigint, withSource: boolean) => Promise<DisasmLine[]>;

type Read = (addr: bigint, len: number) => Promise<Uint8Array>;

/** Bytes shown past the pc, and how far above the function the user may scroll before the window is reset. */
const AFTER_PC = 256n;
const MAX_ABOVE = 16384n;
/** No function known above: step back this far and find an instruction boundary on the known code. */
const BACKSTEP = 48n;

export class DisasmState {
  lines: DisasmLine[] = [];
  error: string | undefined;
  /** Source lines interleaved (the pane's `s` key toggles it). */
  withSource = true;
  /** Where the window starts when the user scrolled above the function; kept while the pc stays near. */
  private from: bigint | undefined;
  private pc: bigint | undefined;
  /** The pc the cursor was last brought to (the view moves it to a new pc only). */
  followedPc: bigint | undefined;

  constructor(private readonly disassemble?: Disassembler, private readonly functionStart?: (pc: bigint) => bigint | undefined) {}

  get available(): boolean {
    return !!this.disassemble;
  }

  /** Instruction rows only: the index of the row of `address`, or -1. */
  indexOf(address: bigint | undefined): number {
    return this.lines.findIndex((d) => !d.source && d.address === address);
  }

  /** Re-reads the window: from the function's start (or where the user scrolled up to) to 256 bytes past `pc`. */
  async load(read: Read, pc: bigint): Promise<boolean> {
    if (!this.disassemble) return false;
    const f0 = this.functionStart?.(pc);
    let start = f0 !== undefined && pc - f0 < 2048n ? f0 : pc;
    if (this.from !== undefined && this.from < start && start - this.from <= MAX_ABOVE) start = this.from;
    else this.from = undefined;
    if (pc !== this.pc) this.followedPc = undefined;
    this.pc = pc;
    try {
      const bytes = await read(start, Number(pc - start + AFTER_PC));
      this.lines = await this.disassemble(bytes, start, this.withSource);
      this.error = undefined;
    } catch (e) {
      this.lines = [];
      this.error = e instanceof Error ? e.message : String(e);
    }
    return true;
  }

  /**
   * Extends the window upwards (x86 code cannot be decoded backwards): from the start of the function
   * before the first row, else from a little earlier where decoding lands exactly on the first row.
   * Returns how many rows were added above.
   */
  async earlier(read: Read): Promise<number> {
    const first = this.lines[0];
    if (!this.disassemble || !first || this.pc === undefined) return 0;
    const at = first.address;
    let start = this.functionStart?.(at - 1n);
    if (start === undefined || start >= at || at - start > 4096n) start = await this.boundaryBefore(read, at);
    if (start === undefined) return 0;
    const before = this.lines.length;
    this.from = start;
    const pc = this.pc;
    await this.load(read, pc);
    if (this.from === undefined) return 0;
    return Math.max(0, this.lines.length - before);
  }

  /** An address before `at` from which decoding lands exactly on `at` (the earliest such, as gdb's TUI steps back). */
  private async boundaryBefore(read: Read, at: bigint): Promise<bigint | undefined> {
    const low = at > BACKSTEP ? at - BACKSTEP : 0n;
    let bytes: Uint8Array;
    try {
      bytes = await read(low, Number(at - low) + 16);
    } catch {
      return undefined;
    }
    for (let s = low; s < at; s++) {
      const rows = await this.disassemble!(bytes.subarray(Number(s - low)), s, false);
      if (rows.some((r) => r.address === at)) return s;
    }
    return undefined;
  }
}

/** Runs `change` (which reloads the rows) keeping the disassembly cursor on the same instruction. */
export async function keepDisasmCursor(m: { disasm: readonly DisasmLine[]; lists: { disassembly: { cursor: number } } }, change: () => Promise<void>): Promise<void> {
  const st = m.lists.disassembly;
  const at = m.disasm[st.cursor]?.address;
  await change();
  const i = m.disasm.findIndex((d) => !d.source && d.address === at);
  if (i >= 0) st.cursor = i;
}
