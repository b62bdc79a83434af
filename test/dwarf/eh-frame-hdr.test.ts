// Finding a pc's FDE through .eh_frame_hdr gives the FDE a parse of all of .eh_frame gives, for every FDE's edges and middle.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Cfi, CfiTable } from '../../src/dwarf/cfi.js';
import { openElf, type ElfFile } from '../../src/elf/elf.js';
import { compileFixture } from '../helpers/build.js';

const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';

function withoutHeader(elf: ElfFile): CfiTable {
  const eh = elf.section('.eh_frame')!;
  return new CfiTable(elf.data(eh), { kind: 'eh_frame', sectionAddress: eh.addr, dataBase: elf.section('.got')?.addr, textBase: elf.section('.text')?.addr, loadBias: elf.bias });
}

function compare(elf: ElfFile): number {
  const viaHeader = Cfi.fromElf(elf).tables.find((t) => t.kind === 'eh_frame')!;
  const whole = withoutHeader(elf);
  const fdes = whole.fdes();
  assert.ok(fdes.length > 0);
  const pcs: bigint[] = [];
  for (const f of fdes) pcs.push(f.pcBegin, f.pcBegin + 1n, (f.pcBegin + f.pcEnd) / 2n, f.pcEnd - 1n, f.pcEnd, f.pcBegin - 1n);
  let checked = 0;
  for (const pc of pcs) {
    assert.equal(viaHeader.fdeForPc(pc)?.offset, whole.fdeForPc(pc)?.offset, `pc 0x${pc.toString(16)} in ${elf.path}`);
    checked++;
  }
  return checked;
}

test('libc (a PIE library, loaded at a bias too): every FDE found through the header is the one the full parse finds', { skip: !existsSync(LIBC) && `${LIBC} is not there` }, () => {
  const elf = openElf(LIBC);
  assert.ok(elf.section('.eh_frame_hdr'), 'libc has .eh_frame_hdr');
  assert.ok(compare(elf) > 1000);
  assert.ok(compare(elf.rebased(0x7ffff7d80000n)) > 1000);
});

test('programs built the default way and at -O2: the same FDEs through the header', () => {
  for (const flags of [['-g'], ['-g', '-O2'], ['-g', '-O2', '-no-pie']]) compare(openElf(compileFixture(['demo/kernel.c'], flags, 'demo')));
});
