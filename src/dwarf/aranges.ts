// .debug_aranges: address ranges -> compile unit offset, for finding a pc's unit without reading DIEs.
import { ByteReader } from '../util/byte-reader.js';
import { FormatError } from '../util/errors.js';

export interface Arange {
  start: bigint;
  end: bigint;
  /** Offset of the compile unit header in .debug_info. */
  unitOffset: number;
}

/**
 * Every range of every sound set, sorted by start address. A corrupt set is reported to `warn` and skipped (the
 * units it covered are then found by their own ranges); an unreadable set length ends the section there.
 */
export function parseAranges(data: Uint8Array, warn: (message: string) => void = () => {}): Arange[] {
  const r = new ByteReader(data, '.debug_aranges');
  const out: Arange[] = [];
  while (r.remaining > 0) {
    const setStart = r.pos;
    let body: ByteReader;
    let offsetSize = 4;
    try {
      let length = r.u32();
      if (length === 0xffffffff) {
        length = r.u64n();
        offsetSize = 8;
      }
      if (length === 0) continue;
      body = r.sub(length);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      warn(e.message);
      break;
    }
    try {
      for (const a of parseSet(body, setStart, offsetSize)) out.push(a);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      warn(e.message);
    }
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** The ranges of one set (its body after the length field). */
function parseSet(body: ByteReader, setStart: number, offsetSize: number): Arange[] {
  const version = body.u16();
  if (version !== 2) body.fail(`unsupported .debug_aranges version ${version}`, setStart);
  const unitOffset = offsetSize === 8 ? body.u64n() : body.u32();
  const addressSize = body.u8();
  const segSize = body.u8();
  if (addressSize !== 4 && addressSize !== 8) body.fail(`unsupported address size ${addressSize}`, setStart);
  const tuple = 2 * addressSize + segSize;
  const rel = body.pos - setStart;
  const pad = (tuple - (rel % tuple)) % tuple;
  body.skip(Math.min(pad, body.remaining));
  const set: Arange[] = [];
  while (body.remaining >= tuple) {
    if (segSize) body.skip(segSize);
    const start = body.uN(addressSize);
    const len = body.uN(addressSize);
    if (start === 0n && len === 0n) break;
    if (len > 0n) set.push({ start, end: start + len, unitOffset });
  }
  return set;
}
