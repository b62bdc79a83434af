// Every location list of the optimised fixtures reads as `readelf --debug-dump=loc` shows it (DWARF 4 and 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openElf } from '../../src/elf/elf.js';
import { locationAt, readLocList, type LocListEntry } from '../../src/dwarf/loclists.js';
import { compileFixture } from '../helpers/build.js';
import { exprText } from './expr-readelf-text.js';

interface Unit {
  version: number;
  lowPc: bigint;
  lists: number[];
}

/** Units of readelf's info dump: version, DW_AT_low_pc of the unit DIE, and location-list offsets. */
function units(exe: string): Unit[] {
  const text = execFileSync('readelf', ['--debug-dump=info', exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: Unit[] = [];
  let cur: Unit | undefined;
  let inUnitDie = false;
  for (const line of text.split('\n')) {
    if (/Compilation Unit @ offset/.test(line)) {
      cur = { version: 0, lowPc: 0n, lists: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const v = /^\s+Version:\s+(\d+)/.exec(line);
    if (v) cur.version = Number(v[1]);
    if (/Abbrev Number: .*\(DW_TAG_/.test(line)) inUnitDie = /DW_TAG_(compile|partial|skeleton)_unit/.test(line) && cur.lists.length === 0;
    const low = /DW_AT_low_pc\s*: (0x[0-9a-f]+)/.exec(line);
    if (low && inUnitDie) cur.lowPc = BigInt(low[1]!);
    const ll = /DW_AT_location\s*: (0x[0-9a-f]+) \(location list\)/.exec(line);
    if (ll) cur.lists.push(parseInt(ll[1]!, 16));
  }
  return out;
}

type RLine = { offset: number; kind: 'range'; begin: bigint; end: bigint; text: string } | { offset: number; kind: 'other' | 'end' };

/** readelf's loc dump as a sequence of entries (view pairs and base-address entries as 'other'). */
function locDump(exe: string): RLine[] {
  const text = execFileSync('readelf', ['--debug-dump=loc', exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: RLine[] = [];
  let pendingView: number | undefined;
  for (const line of text.split('\n')) {
    const range = /^\s+(?:([0-9a-f]{8}) )?([0-9a-f]{16}) ([0-9a-f]{16}) \((.*)\)$/.exec(line);
    if (range) {
      const offset = range[1] ? parseInt(range[1], 16) : pendingView;
      assert.ok(offset !== undefined, line);
      out.push({ offset, kind: 'range', begin: BigInt(`0x${range[2]}`), end: BigInt(`0x${range[3]}`), text: range[4]! });
      pendingView = undefined;
      continue;
    }
    const views = /^\s+([0-9a-f]{8}) v[0-9a-f]+ v[0-9a-f]+ views at [0-9a-f]+ for:/.exec(line);
    if (views) {
      pendingView = parseInt(views[1]!, 16);
      continue;
    }
    const end = /^\s+([0-9a-f]{8}) <End of list>/.exec(line);
    if (end) {
      out.push({ offset: parseInt(end[1]!, 16), kind: 'end' });
      continue;
    }
    const other = /^\s+([0-9a-f]{8}) (?:[0-9a-f]{16} \(base address\)|v[0-9a-f]+ v[0-9a-f]+ location view pair)/.exec(line);
    if (other) out.push({ offset: parseInt(other[1]!, 16), kind: 'other' });
  }
  return out;
}

function readelfList(dump: RLine[], offset: number): { offset: number; begin: bigint; end: bigint; text: string }[] {
  const start = dump.findIndex((l) => l.offset >= offset);
  assert.ok(start >= 0 && dump[start]!.offset === offset, `readelf has no list at 0x${offset.toString(16)}`);
  const out: { offset: number; begin: bigint; end: bigint; text: string }[] = [];
  for (let i = start; i < dump.length; i++) {
    const l = dump[i]!;
    if (l.kind === 'end') return out;
    if (l.kind === 'range') out.push({ offset: l.offset, begin: l.begin, end: l.end, text: l.text });
  }
  return assert.fail('list without end');
}

function ranges(entries: LocListEntry[]): Extract<LocListEntry, { kind: 'range' }>[] {
  return entries.filter((e): e is Extract<LocListEntry, { kind: 'range' }> => e.kind === 'range');
}

for (const dwarf of [4, 5]) {
  test(`location lists match readelf: optvars.c and kernel.c, DWARF ${dwarf} -O2`, () => {
    let lists = 0;
    for (const src of ['cfi/optvars.c', 'demo/kernel.c']) {
      const exe = compileFixture([src], ['-g', `-gdwarf-${dwarf}`, '-O2']);
      const elf = openElf(exe);
      const section = elf.sectionData(dwarf === 5 ? '.debug_loclists' : '.debug_loc');
      assert.ok(section, 'the -O2 build has location lists');
      const dump = locDump(exe);
      for (const u of units(exe)) {
        assert.equal(u.version, dwarf);
        for (const off of u.lists) {
          const where = `${src} DWARF ${dwarf} list 0x${off.toString(16)}`;
          const mine = readLocList(section, off, { version: u.version, addressSize: 8, baseAddress: u.lowPc });
          const theirs = readelfList(dump, off);
          const r = ranges(mine);
          assert.equal(r.length, mine.length, `${where}: only ranges`);
          assert.deepEqual(
            r.map((e) => ({ offset: e.offset, begin: e.begin, end: e.end, text: exprText(e.expr, { addressSize: 8, version: u.version }) })),
            theirs,
            where,
          );
          for (const e of r) {
            if (e.end <= e.begin) continue;
            const first = r.find((x) => x.begin <= e.begin && e.begin < x.end)!;
            assert.equal(locationAt(mine, e.begin), first.expr, `${where}: locationAt 0x${e.begin.toString(16)}`);
            assert.equal(locationAt(mine, e.end - 1n), r.find((x) => x.begin <= e.end - 1n && e.end - 1n < x.end)!.expr);
          }
          assert.equal(locationAt(mine, 0n), undefined);
          lists++;
        }
      }
    }
    assert.ok(lists >= 20, `compared ${lists} lists`);
  });
}
