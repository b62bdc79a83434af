// The only place that touches capstone-wasm: lazy load, AT&T syntax, small windows, no exceptions out.
import type { Capstone } from 'capstone-wasm';

/** What capstone gives us for one instruction (address computed by us: capstone truncates high ones). */
export interface RawInsn {
  offset: number; // from the start of the window
  size: number;
  mnemonic: string;
  opStr: string;
}

/** capstone-wasm crashes on inputs over ~64 KB and is unusable afterwards: never feed more than this. */
export const MAX_WINDOW = 4096;

let handle: Capstone | undefined;
let loading: Promise<void> | undefined;

/** Load the WASM module once (about 20 ms); later calls return at once. */
export function loadDecoder(): Promise<void> {
  loading ??= (async () => {
    // The package itself is imported here too: its JavaScript alone costs ~40 ms at start, which a static query never needs.
    const { Capstone, Const, loadCapstone } = await import('capstone-wasm');
    await loadCapstone();
    const cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_64);
    if (cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_ATT) !== Const.CS_ERR_OK) {
      throw new Error('capstone-wasm: AT&T syntax not supported');
    }
    handle = cs;
  })();
  return loading;
}

export function decoderLoaded(): boolean {
  return handle !== undefined;
}

/**
 * Decode up to `count` instructions (0 = as many as fit) from the start of `bytes` (at most
 * MAX_WINDOW bytes are looked at). Stops at the first undecodable byte; returns [] when nothing
 * decodes. Requires loadDecoder() to have completed.
 */
export function rawDisasm(bytes: Uint8Array, address: bigint, count: number): RawInsn[] {
  if (!handle) throw new Error('x86 decoder used before loadDecoder()');
  const window = bytes.length > MAX_WINDOW ? bytes.subarray(0, MAX_WINDOW) : bytes;
  if (window.length === 0) return [];
  let list: { size: number; mnemonic: string; opStr: string }[];
  try {
    // capstone-wasm throws "Failed to disassemble" when nothing decodes.
    list = handle.disasm(window, { address: BigInt.asUintN(64, address), count });
  } catch {
    return [];
  }
  const out: RawInsn[] = [];
  let offset = 0;
  for (const i of list) {
    out.push({ offset, size: i.size, mnemonic: i.mnemonic, opStr: i.opStr });
    offset += i.size;
  }
  return out;
}
