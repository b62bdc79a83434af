// A unit's top-level subprograms with code, read without building its DIE tree (children skipped by DW_AT_sibling where given).
import { DW_AT, DW_TAG } from './constants.js';
import { readForm, skipForm, type AttrValue } from './forms.js';
import { readerAtFirstChild, skipChildren } from './index.js';
import type { AddrRange } from './ranges.js';
import { pcRangesOf, type Unit } from './unit.js';

export interface TopLevelCode {
  /** The subprogram DIE's offset (u.dieAt gives the DIE, reading the tree only up to it). */
  offset: number;
  ranges: AddrRange[];
}

/**
 * Why not the DIE tree: telling that no function holds a pc (code without a subprogram, such as ld.so's
 * _start inside rtld.c's unit) needed every DIE of the unit parsed; gcc gives big DIEs a DW_AT_sibling,
 * so the walk over the root's children reads a fraction of the unit.
 */
export function topLevelCode(u: Unit): TopLevelCode[] {
  const r = readerAtFirstChild(u);
  if (!r) return [];
  const base = u.section.base;
  const out: TopLevelCode[] = [];
  while (r.pos < r.end) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) break;
    const a = u.abbrev(code, r, at);
    const isFn = a.tag === DW_TAG.subprogram;
    let low: bigint | undefined;
    let high: AttrValue | undefined;
    let ranges: AttrValue | undefined;
    let sibling: number | undefined;
    for (const s of a.specs) {
      const wanted = s.at === DW_AT.sibling || (isFn && (s.at === DW_AT.low_pc || s.at === DW_AT.high_pc || s.at === DW_AT.ranges));
      if (!wanted) {
        skipForm(r, s.form, u);
        continue;
      }
      const v = u.resolve(readForm(r, s.form, u, s.implicitConst));
      if (s.at === DW_AT.low_pc) low = v.kind === 'address' ? v.value : undefined;
      else if (s.at === DW_AT.high_pc) high = v;
      else if (s.at === DW_AT.ranges) ranges = v;
      else if (v.kind === 'ref') sibling = v.value;
    }
    const offset = at + base;
    if (isFn && (low !== undefined || ranges)) {
      const rs = pcRangesOf(u, a.tag, low, high, ranges);
      if (rs.length) out.push({ offset, ranges: rs });
    }
    if (!a.hasChildren) continue;
    if (sibling !== undefined && sibling > offset && sibling - base <= r.end) r.pos = sibling - base;
    else skipChildren(u, r);
  }
  return out;
}
