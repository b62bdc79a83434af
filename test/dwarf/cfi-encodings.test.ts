// Hand-assembled CFI: 64-bit entries, CIE versions 1/3/4, every pointer encoding and augmentation, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CfiTable, Cfi, DW_CFA, DW_EH_PE, unwindFrame, unwindRowAt, unwindRows } from '../../src/dwarf/cfi.js';
import { ByteReader } from '../../src/util/byte-reader.js';
import { FormatError } from '../../src/util/errors.js';
import { uleb, sleb } from '../helpers/leb128.js';

const le = (v: bigint | number, size: number): number[] => {
  let x = BigInt.asUintN(size * 8, BigInt(v));
  const out: number[] = [];
  for (let i = 0; i < size; i++, x >>= 8n) out.push(Number(x & 0xffn));
  return out;
};
const str = (s: string): number[] => [...Buffer.from(s), 0];

/** Assembles CFI entries, tracking offsets so CIE pointers and pcrel fields can be computed. */
class Asm {
  bytes: number[] = [];
  /** Appends a 32-bit-length entry whose body `build(bodyStart)` returns; returns the entry's offset. */
  entry(build: (at: number) => number[], wide = false): number {
    const at = this.bytes.length;
    const head = wide ? 12 : 4;
    let body = build(at + head);
    while ((head + body.length) % 8) body = [...body, DW_CFA.nop];
    this.bytes.push(...(wide ? [0xff, 0xff, 0xff, 0xff, ...le(body.length, 8)] : le(body.length, 4)), ...body);
    return at;
  }
  data(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const CIE_INSNS = [DW_CFA.def_cfa, 7, 8, DW_CFA.offset | 16, 1];

test('.debug_frame with 64-bit lengths and a version 4 CIE (address and segment sizes)', () => {
  const a = new Asm();
  const cie = a.entry(() => [...le(-1n, 8), 4, ...str(''), 8, 0, ...uleb(1), ...sleb(-8), ...uleb(16), ...CIE_INSNS], true);
  a.entry(() => [...le(cie, 8), ...le(0x401000n, 8), ...le(0x20, 8), DW_CFA.advance_loc | 4, DW_CFA.def_cfa_offset, 16], true);
  const t = new CfiTable(a.data(), { kind: 'debug_frame' });
  const [fde] = t.fdes();
  assert.ok(fde);
  assert.deepEqual([fde.cie.version, fde.cie.addressSize, fde.cie.raColumn, fde.pcBegin, fde.pcEnd], [4, 8, 16, 0x401000n, 0x401020n]);
  const rows = unwindRows(t, fde);
  assert.deepEqual(rows.map((r) => [r.start, r.end, r.cfa]), [
    [0x401000n, 0x401004n, { kind: 'reg-offset', reg: 7, offset: 8 }],
    [0x401004n, 0x401020n, { kind: 'reg-offset', reg: 7, offset: 16 }],
  ]);
  assert.deepEqual(rows[1]!.registers.get(16), { kind: 'offset', offset: -8 });
});

test('.eh_frame: version 3 CIE, zPLRS augmentations, pcrel/datarel/indirect/aligned pointers', () => {
  const a = new Asm();
  const sectionAddress = 0x2000n;
  const dataBase = 0x5000n;
  let persField = 0;
  const cie = a.entry((at) => {
    const head = [...le(0, 4), 3, ...str('zPLRS'), ...uleb(1), ...sleb(-8), ...uleb(300)];
    // personality: indirect | pcrel | sdata4, pointing at 0x3000
    const persEnc = DW_EH_PE.indirect | DW_EH_PE.pcrel | DW_EH_PE.sdata4;
    const augStart = at + head.length + 1; // after the augmentation length byte
    persField = augStart + 1;
    const aug = [persEnc, ...le(0x3000n - (sectionAddress + BigInt(persField)), 4), DW_EH_PE.datarel | DW_EH_PE.sdata4, DW_EH_PE.pcrel | DW_EH_PE.sdata4];
    return [...head, aug.length, ...aug, ...CIE_INSNS];
  });
  const fdeOff = a.entry((at) => {
    const begin = at + 4;
    return [...le(at - cie, 4), ...le(0x1000n - (sectionAddress + BigInt(begin)), 4), ...le(0x40, 4), 4, ...le(0x100, 4), DW_CFA.nop];
  });
  const t = new CfiTable(a.data(), { kind: 'eh_frame', sectionAddress, dataBase });
  const fde = t.fdes()[0]!;
  assert.equal(fde.offset, fdeOff);
  assert.deepEqual(fde.cie.personality, { value: 0x3000n, indirect: true });
  assert.deepEqual([fde.cie.version, fde.cie.raColumn, fde.cie.signalFrame, fde.pcBegin, fde.pcEnd], [3, 300, true, 0x1000n, 0x1040n]);
  assert.deepEqual(fde.lsda, { value: dataBase + 0x100n, indirect: false });
  assert.equal(t.fdeForPc(0x103fn), fde);
  assert.equal(t.fdeForPc(0x1040n), undefined);
});

test('every pointer format: udata2/4/8, sdata2/8, uleb/sleb, absptr, textrel, funcrel, aligned', () => {
  const formats: [number, (v: bigint) => number[]][] = [
    [DW_EH_PE.udata2, (v) => le(v, 2)], [DW_EH_PE.udata4, (v) => le(v, 4)], [DW_EH_PE.udata8, (v) => le(v, 8)],
    [DW_EH_PE.sdata2, (v) => le(v, 2)], [DW_EH_PE.sdata8, (v) => le(v, 8)], [DW_EH_PE.uleb128, (v) => uleb(Number(v))],
    [DW_EH_PE.sleb128, (v) => sleb(Number(v))], [DW_EH_PE.absptr, (v) => le(v, 8)],
  ];
  for (const [enc, put] of formats) {
    const a = new Asm();
    const cie = a.entry(() => [...le(0, 4), 1, ...str('zR'), 1, ...sleb(-8), 16, 1, enc, ...CIE_INSNS]);
    a.entry((at) => [...le(at - cie, 4), ...put(0x1234n), ...put(0x10n), 0]);
    const fde = new CfiTable(a.data(), { kind: 'eh_frame' }).fdes()[0]!;
    assert.deepEqual([fde.pcBegin, fde.pcEnd], [0x1234n, 0x1244n], `encoding 0x${enc.toString(16)}`);
  }
  const t = new CfiTable(new Uint8Array(16), { kind: 'eh_frame', textBase: 0x400000n });
  // textrel adds the text base, funcrel the function start, aligned skips to the next 8-byte boundary.
  const rd = (bytes: number[], pos = 0): ByteReader => {
    const x = new ByteReader(Uint8Array.from(bytes), 'test');
    x.pos = pos;
    return x;
  };
  assert.equal(t.readPointer(rd(le(0x10, 4)), DW_EH_PE.textrel | DW_EH_PE.udata4, 8).value, 0x400010n);
  assert.equal(t.readPointer(rd(le(0x10, 4)), DW_EH_PE.funcrel | DW_EH_PE.udata4, 8, 0x9000n).value, 0x9010n);
  assert.equal(t.readPointer(rd([0, 0, 0, 0, 0, 0, 0, 0, ...le(0x77, 8)], 3), DW_EH_PE.aligned, 8).value, 0x77n);
  assert.equal(t.readPointer(rd([0xfe, 0xff]), DW_EH_PE.sdata2, 4).value, 0xfffffffen);
  assert.throws(() => t.readPointer(rd(le(0, 4)), DW_EH_PE.datarel | DW_EH_PE.udata4, 8), /datarel pointer without a data base/);
  assert.throws(() => t.readPointer(rd(le(0, 4)), 0x07, 8), /unknown pointer encoding/);
});

test('advance_loc1/2/4, MIPS_advance_loc8 and set_loc scale by the code alignment; rules use the data alignment', () => {
  const a = new Asm();
  const cie = a.entry(() => [...le(0, 4), 1, ...str('zR'), ...uleb(4), ...sleb(-4), 16, 1, DW_EH_PE.udata8, DW_CFA.def_cfa, 7, 8]);
  a.entry((at) => [...le(at - cie, 4), ...le(0x1000n, 8), ...le(0x1000n, 8), 0,
    DW_CFA.advance_loc | 1, DW_CFA.def_cfa_offset, 16, // 0x1004
    DW_CFA.advance_loc1, 2, DW_CFA.offset | 3, 2, // 0x100c: rbx at cfa-8
    DW_CFA.advance_loc2, ...le(4, 2), DW_CFA.offset_extended_sf, 6, ...sleb(-3), // 0x101c: rbp at cfa+12
    DW_CFA.advance_loc4, ...le(4, 4), DW_CFA.val_offset_sf, 12, ...sleb(2), // 0x102c
    DW_CFA.MIPS_advance_loc8, ...le(4, 8), DW_CFA.def_cfa_sf, 6, ...sleb(-4), // 0x103c: rbp+16
    DW_CFA.set_loc, ...le(0x1100n, 8), DW_CFA.GNU_args_size, 32,
    DW_CFA.set_loc, ...le(0x1200n, 8), DW_CFA.GNU_window_save,
  ]);
  const t = new CfiTable(a.data(), { kind: 'eh_frame' });
  const fde = t.fdes()[0]!;
  const rows = unwindRows(t, fde);
  assert.deepEqual(rows.map((r) => r.start), [0x1000n, 0x1004n, 0x100cn, 0x101cn, 0x102cn, 0x103cn, 0x1100n, 0x1200n]);
  const last = unwindRowAt(t, fde, 0x1fffn)!;
  assert.deepEqual(last.cfa, { kind: 'reg-offset', reg: 6, offset: 16 });
  assert.deepEqual([...last.registers], [[3, { kind: 'offset', offset: -8 }], [6, { kind: 'offset', offset: 12 }], [12, { kind: 'val-offset', offset: -8 }]]);
  assert.equal(last.argsSize, 32);
  assert.equal(unwindRowAt(t, fde, 0x100bn)!.start, 0x1004n);
  assert.equal(unwindRowAt(t, fde, 0x2000n), undefined);
});

test('zero terminators are skipped, "eh" augmentations parsed, FDEs found in any order', () => {
  const a = new Asm();
  const cie = a.entry(() => [...le(0, 4), 1, ...str('eh'), ...le(0, 8), 1, ...sleb(-8), 16, ...CIE_INSNS]);
  a.entry((at) => [...le(at - cie, 4), ...le(0x3000n, 8), ...le(0x10n, 8)]);
  a.bytes.push(0, 0, 0, 0);
  a.entry((at) => [...le(at - cie, 4), ...le(0x1000n, 8), ...le(0x10n, 8)]);
  a.entry((at) => [...le(at - cie, 4), ...le(0x2000n, 8), ...le(0n, 8)]); // empty range
  const t = new CfiTable(a.data(), { kind: 'eh_frame' });
  assert.equal(t.fdes().length, 3);
  assert.equal(t.fdeForPc(0x3008n)?.pcBegin, 0x3000n);
  assert.equal(t.fdeForPc(0x1000n)?.pcBegin, 0x1000n);
  assert.equal(t.fdeForPc(0x2000n), undefined);
  assert.equal(t.fdeForPc(0x0fffn), undefined);
});

test('malformed CFI is a FormatError naming the section and offset', () => {
  const bad = (insns: number[], aug = 'zR'): (() => void) => () => {
    const a = new Asm();
    const cie = a.entry(() => [...le(0, 4), 1, ...str(aug), 1, ...sleb(-8), 16, ...(aug === 'zR' ? [1, DW_EH_PE.udata8] : []), ...CIE_INSNS]);
    a.entry((at) => [...le(at - cie, 4), ...le(0x1000n, 8), ...le(0x10n, 8), ...(aug === 'zR' ? [0] : []), ...insns]);
    const t = new CfiTable(a.data(), { kind: 'eh_frame' });
    const fdes = t.fdes();
    // A corrupt entry is skipped (the others still unwind) and its error kept in `problems`.
    if (t.problems.length) throw new FormatError(t.problems.join('; '));
    unwindRows(t, fdes[0]!);
  };
  /** The errors of the entries a table had to skip. */
  const problems = (t: CfiTable, all = t.fdes()): string => (all.length === 0 ? t.problems.join('; ') : `${all.length} FDEs parsed; ${t.problems.join('; ')}`);
  assert.doesNotThrow(bad([]));
  assert.throws(bad([0x3f]), (e: unknown) => e instanceof FormatError && /unknown CFA instruction 0x3f \(in \.eh_frame at offset 0x/.test(e.message));
  assert.throws(bad([DW_CFA.restore_state]), /restore_state without remember_state/);
  assert.throws(bad([DW_CFA.def_cfa_expression, 1, 0x9c, DW_CFA.def_cfa_register, 6]), /while the CFA is an expression/);
  assert.throws(bad([DW_CFA.set_loc, ...le(0x800n, 8)]), /backwards/);
  assert.throws(bad([DW_CFA.def_cfa_expression, 0x7f]), /truncated/);
  assert.throws(bad([], 'xyz'), /unsupported CIE augmentation "xyz"/);
  const notCie = new Asm();
  notCie.entry(() => [...le(0, 4), 1, ...str(''), 1, ...sleb(-8), 16]);
  notCie.entry((at) => [...le(4, 4), ...le(0, 16)]); // points at itself
  assert.match(problems(new CfiTable(notCie.data(), { kind: 'eh_frame' })), /^CIE pointer does not point at a CIE/);
  const outside = new Asm();
  outside.entry((at) => [...le(at + 100, 4), ...le(0, 16)]);
  assert.match(problems(new CfiTable(outside.data(), { kind: 'eh_frame' })), /^bad CIE pointer/);
  const trunc = Uint8Array.from([...le(100, 4), 0, 0, 0, 0]);
  assert.match(problems(new CfiTable(trunc, { kind: 'debug_frame' })), /^truncated/);
  const ver = new Asm();
  ver.entry(() => [...le(0, 4), 2, ...str(''), 1, 0x78, 16]);
  assert.match(problems(new CfiTable(ver.data(), { kind: 'eh_frame' })), /^unsupported CIE version 2/);
});

test('unwindFrame: expression rules, register rules, signal frames and the outermost frame', async () => {
  const a = new Asm();
  const cieS = a.entry(() => [...le(0, 4), 1, ...str('zRS'), 1, ...sleb(-8), 16, 1, DW_EH_PE.udata8,
    DW_CFA.def_cfa_expression, 2, 0x77, 0x10, // CFA = rsp + 16
    DW_CFA.expression, 16, 2, 0x23, 0x08, // rip saved at CFA + 8
    DW_CFA.val_expression, 3, 3, 0x23, 0x20, 0x9f, // rbx = CFA + 32 (stack value)
    DW_CFA.register, 12, 1, // r12 is in rdx
    DW_CFA.same_value, 0]);
  a.entry((at) => [...le(at - cieS, 4), ...le(0x1000n, 8), ...le(0x10n, 8), 0]);
  const cieU = a.entry(() => [...le(0, 4), 1, ...str('zR'), 1, ...sleb(-8), 16, 1, DW_EH_PE.udata8, DW_CFA.def_cfa, 7, 8, DW_CFA.undefined, 16]);
  a.entry((at) => [...le(at - cieU, 4), ...le(0x0ff0n, 8), ...le(0x10n, 8), 0]);
  const cfi = new Cfi([new CfiTable(a.data(), { kind: 'eh_frame' })]);
  const regs = new Map<number, bigint>([[7, 0x7000n], [1, 0xd00dn], [0, 0xaan], [3, 0x33n], [6, 0x66n]]);
  const mem = async (addr: bigint, n: number) => Uint8Array.from(le(addr === 0x7018n ? 0x401234n : 0xdeadn, n));
  const access = { readRegister: async (r: number) => regs.get(r), readMemory: mem };
  const u = (await unwindFrame(cfi, 0x1000n, access))!;
  assert.equal(u.fde.pcBegin, 0x1000n);
  assert.equal(u.callerPcIsReturnAddress, false, 'the caller of a signal frame was interrupted, not calling');
  assert.equal((await unwindFrame(cfi, 0x1000n, access, { isReturnAddress: true }))!.fde.pcBegin, 0x0ff0n, 'return addresses are looked up at pc-1');
  assert.equal(u.cfa, 0x7010n);
  assert.equal(u.returnAddress, 0x401234n);
  assert.deepEqual([u.registers.get(16), u.registers.get(3), u.registers.get(12), u.registers.get(0), u.registers.get(7), u.registers.get(6)],
    [0x401234n, 0x7030n, 0xd00dn, 0xaan, 0x7010n, 0x66n]);
  const outer = (await unwindFrame(cfi, 0x0ff4n, access))!;
  assert.equal(outer.returnAddress, undefined);
  assert.equal(outer.registers.has(16), false);
  assert.equal(await unwindFrame(cfi, 0x5000n, access), undefined);
  await assert.rejects(unwindFrame(cfi, 0x1000n, { readRegister: async () => undefined, readMemory: mem }), /register 7 is needed/);
});

test('x86-64 DWARF register numbers and names map both ways', async () => {
  const { dwarfRegName, dwarfRegNumber } = await import('../../src/arch/x86-64/dwarf-regs.js');
  const expected: [number, string][] = [[0, 'rax'], [1, 'rdx'], [2, 'rcx'], [3, 'rbx'], [4, 'rsi'], [5, 'rdi'], [6, 'rbp'], [7, 'rsp'],
    [8, 'r8'], [15, 'r15'], [16, 'rip'], [17, 'xmm0'], [32, 'xmm15'], [49, 'rflags'], [50, 'es'], [51, 'cs'], [52, 'ss'],
    [53, 'ds'], [54, 'fs'], [55, 'gs'], [58, 'fs_base'], [59, 'gs_base']];
  for (const [n, name] of expected) {
    assert.equal(dwarfRegName(n), name);
    assert.equal(dwarfRegNumber(name), n);
  }
  assert.equal(dwarfRegNumber('EFLAGS'), 49);
  assert.equal(dwarfRegNumber('pc'), 16);
  assert.equal(dwarfRegNumber('nonsense'), undefined);
  assert.equal(dwarfRegName(1000), 'r1000');
});

test('one corrupt FDE does not stop unwinding through the others (.eh_frame is loaded entry by entry)', () => {
  const a = new Asm();
  const cie = a.entry(() => [...le(0, 4), 1, ...str('zR'), 1, ...sleb(-8), 16, 1, DW_EH_PE.udata8, ...CIE_INSNS]);
  a.entry((at) => [...le(at - cie, 4), ...le(0x1000n, 8), ...le(0x10n, 8), 0]);
  a.entry(() => [...le(0x7fff0000, 4), ...le(0x2000n, 8), ...le(0x10n, 8), 0]); // CIE pointer far outside the section
  a.entry((at) => [...le(at - cie, 4), ...le(0x3000n, 8), ...le(0x10n, 8), 0]);
  const t = new CfiTable(a.data(), { kind: 'eh_frame' });
  assert.deepEqual(t.fdes().map((f) => f.pcBegin), [0x1000n, 0x3000n]);
  assert.equal(t.problems.length, 1);
  assert.match(t.problems[0]!, /^bad CIE pointer 0x7fff0000 \(in \.eh_frame at offset 0x/);
  assert.equal(t.fdeForPc(0x3004n)?.pcBegin, 0x3000n);
  assert.equal(t.fdeForPc(0x2004n), undefined);
});
