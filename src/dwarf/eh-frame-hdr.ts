// .eh_frame_hdr's sorted search table (initial location -> FDE): a pc's FDE without parsing all of .eh_frame.
import { DW_EH_PE } from './eh-pe.js';

/** Size in bytes of a header field with pointer encoding `enc`, when it is a fixed-size one. */
function fixedSize(enc: number): number | undefined {
  switch (enc & 0x0f) {
    case DW_EH_PE.udata4: case DW_EH_PE.sdata4: return 4;
    case DW_EH_PE.udata8: case DW_EH_PE.sdata8: case DW_EH_PE.absptr: return 8;
    default: return undefined;
  }
}

/**
 * The table the linker writes for the run-time unwinder (LSB, "Exception Frame Header"). Only the form
 * every x86-64 linker emits is used (entries as datarel sdata4 pairs); anything else, or a damaged
 * header, gives no table and the caller parses .eh_frame whole, as before.
 */
export class EhFrameSearchTable {
  private constructor(
    private readonly view: DataView,
    private readonly tableStart: number,
    readonly count: number,
    private readonly hdrAddress: bigint,
    private readonly ehFrameAddress: bigint,
  ) {}

  static parse(hdr: Uint8Array, hdrAddress: bigint, ehFrameAddress: bigint): EhFrameSearchTable | undefined {
    if (hdr.length < 4 || hdr[0] !== 1) return undefined;
    const [ptrEnc, countEnc, tableEnc] = [hdr[1]!, hdr[2]!, hdr[3]!];
    const ptrSize = fixedSize(ptrEnc);
    const countSize = fixedSize(countEnc);
    if (ptrSize === undefined || countSize === undefined || tableEnc !== (DW_EH_PE.datarel | DW_EH_PE.sdata4)) return undefined;
    const view = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
    const at = 4 + ptrSize;
    if (at + countSize > hdr.length) return undefined;
    const count = countSize === 4 ? view.getUint32(at, true) : Number(view.getBigUint64(at, true));
    const tableStart = at + countSize;
    if (count === 0 || tableStart + count * 8 > hdr.length) return undefined;
    return new EhFrameSearchTable(view, tableStart, count, hdrAddress, ehFrameAddress);
  }

  /** Initial location of entry `i`, in the header's (the file's) address space. */
  locationAt(i: number): bigint {
    return this.hdrAddress + BigInt(this.view.getInt32(this.tableStart + i * 8, true));
  }

  /** Offset inside .eh_frame of entry `i`'s FDE. */
  offsetAt(i: number): number {
    return Number(this.hdrAddress + BigInt(this.view.getInt32(this.tableStart + i * 8 + 4, true)) - this.ehFrameAddress);
  }

  /** The entry with the greatest initial location <= `location`, or undefined when all start above it. */
  entryFor(location: bigint): number | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.locationAt(mid) <= location) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
