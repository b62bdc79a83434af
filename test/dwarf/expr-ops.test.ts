// Hand-assembled DWARF expressions: every DW_OP group computes what the standard says and asks for what it needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, evaluateWith, formatExpression, DW_OP, DwarfExpressionError, type ExprOptions, type ExprStep, type Piece } from '../../src/dwarf/expr.js';
import { FormatError, UserError } from '../../src/util/errors.js';
import { uleb } from '../helpers/leb128.js';

const O8: ExprOptions = { addressSize: 8 };
const M64 = (1n << 64n) - 1n;

/** Answers every request with fixed, recognisable values; returns the pieces and the requests seen. */
function run(bytes: number[], opts: ExprOptions = O8, calls: Record<number, number[]> = {}): { pieces: Piece[]; asked: string[] } {
  const asked: string[] = [];
  let s: ExprStep = evaluate(Uint8Array.from(bytes), opts);
  for (;;) {
    switch (s.kind) {
      case 'complete': return { pieces: s.pieces, asked };
      case 'need-register': asked.push(`reg${s.reg}`); s = s.resume(0x1000n + BigInt(s.reg)); break;
      case 'need-memory': asked.push(`mem${s.address.toString(16)}/${s.size}`); s = s.resume(Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])); break;
      case 'need-frame-base': asked.push('fb'); s = s.resume(0x7000n); break;
      case 'need-cfa': asked.push('cfa'); s = s.resume(0x8000n); break;
      case 'need-tls': asked.push(`tls${s.offset}`); s = s.resume(0x9000n + s.offset); break;
      case 'need-object-address': asked.push('obj'); s = s.resume(0xa000n); break;
      case 'need-addrx': asked.push(`${s.constant ? 'constx' : 'addrx'}${s.index}`); s = s.resume(0x400000n + BigInt(s.index) * 8n); break;
      case 'need-call': asked.push(`call${s.unitRelative ? '' : '_ref'}${s.dieOffset}`); s = s.resume(calls[s.dieOffset] && Uint8Array.from(calls[s.dieOffset]!)); break;
      case 'need-entry-value': asked.push(`entry${s.reg}${s.derefSize ? `*${s.derefSize}` : ''}`); s = s.resume(0x5000n + BigInt(s.reg)); break;
    }
  }
}

/** Value left by `bytes` followed by DW_OP_stack_value. */
function value(bytes: number[], opts: ExprOptions = O8): bigint {
  const { pieces } = run([...bytes, DW_OP.stack_value], opts);
  assert.equal(pieces.length, 1);
  const p = pieces[0]!;
  assert.equal(p.kind, 'value');
  return p.kind === 'value' ? p.value : 0n;
}


test('literals and constants push their operands (signed ones wrap to the address size)', () => {
  for (let i = 0; i < 32; i++) assert.equal(value([DW_OP.lit0 + i]), BigInt(i));
  assert.equal(value([DW_OP.const1u, 0xff]), 255n);
  assert.equal(value([DW_OP.const1s, 0xff]), M64);
  assert.equal(value([DW_OP.const2u, 0x34, 0x12]), 0x1234n);
  assert.equal(value([DW_OP.const2s, 0xfe, 0xff]), M64 - 1n);
  assert.equal(value([DW_OP.const4u, 0x78, 0x56, 0x34, 0x12]), 0x12345678n);
  assert.equal(value([DW_OP.const4s, 0xff, 0xff, 0xff, 0xff]), M64);
  assert.equal(value([DW_OP.const8u, 1, 2, 3, 4, 5, 6, 7, 8]), 0x0807060504030201n);
  assert.equal(value([DW_OP.const8s, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), M64);
  assert.equal(value([DW_OP.constu, 0xe5, 0x8e, 0x26]), 624485n);
  assert.equal(value([DW_OP.consts, 0x7f]), M64);
  assert.equal(value([DW_OP.const1s, 0xff], { addressSize: 4 }), 0xffffffffn);
  assert.deepEqual(run([DW_OP.addr, 0x34, 0x40, 0, 0, 0, 0, 0, 0]).pieces, [{ kind: 'memory', address: 0x4034n }]);
  assert.deepEqual(run([DW_OP.addr, 0x34, 0x40, 0, 0], { addressSize: 4 }).pieces, [{ kind: 'memory', address: 0x4034n }]);
});

test('stack operations: dup, drop, over, pick, swap, rot', () => {
  assert.equal(value([DW_OP.lit3, DW_OP.dup, DW_OP.plus]), 6n);
  assert.equal(value([DW_OP.lit3, DW_OP.lit4, DW_OP.drop]), 3n);
  assert.equal(value([DW_OP.lit3, DW_OP.lit4, DW_OP.over, DW_OP.minus, DW_OP.plus]), 4n); // 3 + (4-3)
  assert.equal(value([DW_OP.lit1, DW_OP.lit2, DW_OP.lit3, DW_OP.pick, 2, DW_OP.plus, DW_OP.plus, DW_OP.plus]), 7n);
  assert.equal(value([DW_OP.lit9, DW_OP.lit2, DW_OP.swap, DW_OP.minus]), M64 - 6n); // 2 - 9
  // rot: (a b c) -> (c a b); then minus gives a - b.
  assert.equal(value([DW_OP.lit1, DW_OP.lit5, DW_OP.lit3, DW_OP.rot, DW_OP.minus, DW_OP.swap, DW_OP.drop]), M64 - 3n);
  assert.throws(() => run([DW_OP.drop]), FormatError);
  assert.throws(() => run([DW_OP.lit1, DW_OP.pick, 1]), /underflow/);
});

test('arithmetic and logic wrap at the address size; div is signed, mod unsigned', () => {
  const neg5 = [DW_OP.const1s, 0xfb];
  assert.equal(value([...neg5, DW_OP.abs]), 5n);
  assert.equal(value([DW_OP.const1u, 0xf0, DW_OP.const1u, 0x3c, DW_OP.and]), 0x30n);
  assert.equal(value([DW_OP.const1u, 0xf0, DW_OP.const1u, 0x0f, DW_OP.or]), 0xffn);
  assert.equal(value([DW_OP.const1u, 0xff, DW_OP.const1u, 0x0f, DW_OP.xor]), 0xf0n);
  assert.equal(value([...neg5, DW_OP.lit2, DW_OP.div]), M64 - 1n); // -5 / 2 = -2 (truncating)
  assert.equal(value([...neg5, DW_OP.lit2, DW_OP.div, DW_OP.neg]), 2n);
  assert.equal(value([DW_OP.lit17, DW_OP.lit5, DW_OP.mod]), 2n);
  assert.equal(value([DW_OP.lit6, DW_OP.lit7, DW_OP.mul]), 42n);
  assert.equal(value([DW_OP.lit0, DW_OP.not]), M64);
  assert.equal(value([DW_OP.lit0, DW_OP.not], { addressSize: 4 }), 0xffffffffn);
  assert.equal(value([DW_OP.lit0, DW_OP.not, DW_OP.lit1, DW_OP.plus]), 0n); // wraps
  assert.equal(value([DW_OP.lit0, DW_OP.lit1, DW_OP.minus]), M64);
  assert.equal(value([DW_OP.lit1, DW_OP.plus_uconst, ...uleb(1000)]), 1001n);
  assert.equal(value([DW_OP.lit1, DW_OP.const1u, 63, DW_OP.shl]), 1n << 63n);
  assert.equal(value([DW_OP.lit1, DW_OP.const1u, 64, DW_OP.shl]), 0n);
  assert.equal(value([...neg5, DW_OP.lit1, DW_OP.shr]), (M64 - 4n) >> 1n);
  assert.equal(value([...neg5, DW_OP.lit1, DW_OP.shra]), M64 - 2n); // -5 >> 1 = -3
  assert.throws(() => run([DW_OP.lit1, DW_OP.lit0, DW_OP.div]), /division by zero/);
  assert.throws(() => run([DW_OP.lit1, DW_OP.lit0, DW_OP.mod]), /division by zero/);
});

test('comparisons are signed; skip and bra jump relative to the next operation', () => {
  const neg1 = [DW_OP.const1s, 0xff];
  assert.equal(value([...neg1, DW_OP.lit1, DW_OP.lt]), 1n);
  assert.equal(value([...neg1, DW_OP.lit1, DW_OP.gt]), 0n);
  assert.equal(value([DW_OP.lit1, DW_OP.lit1, DW_OP.ge]), 1n);
  assert.equal(value([DW_OP.lit1, DW_OP.lit1, DW_OP.le]), 1n);
  assert.equal(value([DW_OP.lit1, DW_OP.lit2, DW_OP.eq]), 0n);
  assert.equal(value([DW_OP.lit1, DW_OP.lit2, DW_OP.ne]), 1n);
  assert.equal(value([DW_OP.lit1, DW_OP.skip, 1, 0, DW_OP.lit2]), 1n);
  // sum = 0; n = 5; loop: sum += n; n -= 1; while n != 0
  const loop = [
    DW_OP.lit0, DW_OP.lit5, // sum n
    DW_OP.dup, DW_OP.rot, DW_OP.plus, DW_OP.swap, // n sum+n -> sum' n
    DW_OP.lit1, DW_OP.minus, DW_OP.dup, DW_OP.bra, 0xf6, 0xff, // back 10 bytes to the first dup
    DW_OP.drop,
  ];
  assert.equal(value(loop), 15n);
  assert.throws(() => run([DW_OP.skip, 0xfd, 0xff]), /more than 100000 steps/);
  assert.throws(() => run([DW_OP.skip, 0xfd, 0xff], { addressSize: 8, maxSteps: 50 }), /more than 50 steps/);
  assert.throws(() => run([DW_OP.skip, 5, 0]), /outside the expression/);
  assert.throws(() => run([DW_OP.lit1, DW_OP.dup, DW_OP.skip, 0xfc, 0xff], { addressSize: 8, maxStack: 100 }), /stack overflow/);
});

test('registers: reg0-31 and regx name a register, breg/bregx ask for its value', () => {
  for (let i = 0; i < 32; i++) assert.deepEqual(run([DW_OP.reg0 + i]).pieces, [{ kind: 'register', reg: i }]);
  assert.deepEqual(run([DW_OP.regx, ...uleb(49)]).pieces, [{ kind: 'register', reg: 49 }]);
  const b = run([DW_OP.breg0 + 7, 0x78]); // rsp - 8
  assert.deepEqual(b.asked, ['reg7']);
  assert.deepEqual(b.pieces, [{ kind: 'memory', address: 0x1007n - 8n }]);
  for (let i = 0; i < 32; i++) assert.deepEqual(run([DW_OP.breg0 + i, 0]).asked, [`reg${i}`]);
  const x = run([DW_OP.bregx, 17, 0x10]);
  assert.deepEqual(x.asked, ['reg17']);
  assert.deepEqual(x.pieces, [{ kind: 'memory', address: 0x1011n + 16n }]);
  // gdb's message, and an ordinary command error (not a corrupt-file one), so batch sessions go on.
  assert.throws(() => run([DW_OP.reg0, DW_OP.lit1]), (e: unknown) => e instanceof DwarfExpressionError
    && e.message === "DWARF-2 expression error: `DW_OP_reg' operations must be used either alone or in conjunction with DW_OP_piece or DW_OP_bit_piece.");
  assert.throws(() => run([DW_OP.lit1, DW_OP.stack_value, DW_OP.lit2]), /`DW_OP_stack_value' operations must be used/);
});

test('memory: deref reads an address-sized word, deref_size n bytes; xderef is refused', () => {
  const d = run([DW_OP.lit8, DW_OP.deref, DW_OP.stack_value]);
  assert.deepEqual(d.asked, ['mem8/8']);
  assert.deepEqual(d.pieces, [{ kind: 'value', value: 0x8877665544332211n, size: 8 }]);
  const d4 = run([DW_OP.lit8, DW_OP.deref], { addressSize: 4 });
  assert.deepEqual(d4.asked, ['mem8/4']);
  assert.deepEqual(d4.pieces, [{ kind: 'memory', address: 0x44332211n }]);
  const s = run([DW_OP.lit8, DW_OP.deref_size, 2, DW_OP.stack_value]);
  assert.deepEqual(s.asked, ['mem8/2']);
  assert.deepEqual(s.pieces, [{ kind: 'value', value: 0x2211n, size: 8 }]);
  // A bigint answer is truncated to the size read.
  const step = evaluate(Uint8Array.from([DW_OP.lit8, DW_OP.deref_size, 1, DW_OP.stack_value]), O8);
  assert.equal(step.kind, 'need-memory');
  if (step.kind === 'need-memory') assert.deepEqual(step.resume(0x1234n), { kind: 'complete', pieces: [{ kind: 'value', value: 0x34n, size: 8 }] });
  assert.throws(() => run([DW_OP.lit8, DW_OP.lit0, DW_OP.xderef]), /not supported/);
  assert.throws(() => run([DW_OP.lit8, DW_OP.lit0, DW_OP.xderef_size, 4]), /not supported/);
});

test('fbreg, call_frame_cfa, push_object_address and TLS ask the caller', () => {
  assert.deepEqual(run([DW_OP.fbreg, 0x6c]), { pieces: [{ kind: 'memory', address: 0x7000n - 20n }], asked: ['fb'] });
  assert.deepEqual(run([DW_OP.call_frame_cfa]), { pieces: [{ kind: 'memory', address: 0x8000n }], asked: ['cfa'] });
  assert.deepEqual(run([DW_OP.push_object_address, DW_OP.plus_uconst, 8]), { pieces: [{ kind: 'memory', address: 0xa008n }], asked: ['obj'] });
  assert.deepEqual(run([DW_OP.const1u, 0x10, DW_OP.form_tls_address]), { pieces: [{ kind: 'memory', address: 0x9010n }], asked: ['tls16'] });
  assert.deepEqual(run([DW_OP.const1u, 0x10, DW_OP.GNU_push_tls_address]).asked, ['tls16']);
  assert.deepEqual(run([DW_OP.addrx, 3]), { pieces: [{ kind: 'memory', address: 0x400018n }], asked: ['addrx3'] });
  assert.deepEqual(run([DW_OP.GNU_addr_index, 3]).asked, ['addrx3']);
  assert.deepEqual(run([DW_OP.constx, 2, DW_OP.stack_value]), { pieces: [{ kind: 'value', value: 0x400010n, size: 8 }], asked: ['constx2'] });
  assert.deepEqual(run([DW_OP.GNU_const_index, 2]).asked, ['constx2']);
});

test('pieces: register, memory, value, implicit and optimized-out parts with byte and bit sizes', () => {
  const { pieces } = run([
    DW_OP.reg0, DW_OP.piece, 4,
    DW_OP.fbreg, 0x70, DW_OP.piece, 4,
    DW_OP.lit7, DW_OP.stack_value, DW_OP.piece, 2,
    DW_OP.piece, 2,
    DW_OP.implicit_value, 2, 0xab, 0xcd, DW_OP.piece, 2,
    DW_OP.reg3, DW_OP.bit_piece, 5, 3,
  ]);
  assert.deepEqual(pieces, [
    { kind: 'register', reg: 0, sizeBits: 32 },
    { kind: 'memory', address: 0x7000n - 16n, sizeBits: 32 },
    { kind: 'value', value: 7n, size: 8, sizeBits: 16 },
    { kind: 'optimized-out', reason: 'empty', sizeBits: 16 },
    { kind: 'implicit', bytes: Uint8Array.from([0xab, 0xcd]), sizeBits: 16 },
    { kind: 'register', reg: 3, sizeBits: 5, bitOffset: 3 },
  ]);
  assert.deepEqual(run([]).pieces, [{ kind: 'optimized-out', reason: 'empty' }]);
  assert.deepEqual(run([DW_OP.implicit_value, 1, 9]).pieces, [{ kind: 'implicit', bytes: Uint8Array.from([9]) }]);
});

test('bit pieces keep their offsets (ULEB operands), empty ones are optimized out, stack values carry their type\'s size', () => {
  const int32 = { addressSize: 8, baseType: (o: number) => (o === 0x2a ? { size: 4, signed: true } : undefined) };
  const { pieces } = run([
    DW_OP.bit_piece, 5, 0,
    DW_OP.fbreg, 0x70, DW_OP.bit_piece, 11, 13,
    DW_OP.lit9, DW_OP.convert, 0x2a, DW_OP.stack_value, DW_OP.bit_piece, 16, 24,
    DW_OP.reg1, DW_OP.bit_piece, ...uleb(130), ...uleb(129),
    DW_OP.reg0, DW_OP.piece, 2,
  ], int32);
  assert.deepEqual(pieces, [
    { kind: 'optimized-out', reason: 'empty', sizeBits: 5, bitOffset: 0 },
    { kind: 'memory', address: 0x7000n - 16n, sizeBits: 11, bitOffset: 13 },
    { kind: 'value', value: 9n, size: 4, sizeBits: 16, bitOffset: 24 },
    { kind: 'register', reg: 1, sizeBits: 130, bitOffset: 129 },
    { kind: 'register', reg: 0, sizeBits: 16 },
  ]);
});

test('entry values ask for the caller\'s value (a register, or what it pointed to); other forms and GNU parameter refs make their piece optimized out', () => {
  const ev = run([DW_OP.entry_value, 1, DW_OP.reg5, DW_OP.stack_value]);
  assert.deepEqual(ev, { pieces: [{ kind: 'value', value: 0x5005n, size: 8 }], asked: ['entry5'] });
  const derefOk = run([DW_OP.entry_value, 4, DW_OP.breg0 + 5, 0, DW_OP.deref_size, 4, DW_OP.lit1, DW_OP.plus, DW_OP.stack_value]);
  assert.deepEqual(derefOk, { pieces: [{ kind: 'value', value: 0x5006n, size: 8 }], asked: ['entry5*4'] });
  // Unknown (no call site): the whole object is optimized out, not only its piece (gdb's NO_ENTRY_VALUE_ERROR).
  const s = evaluate(Uint8Array.from([DW_OP.lit1, DW_OP.stack_value, DW_OP.piece, 4, DW_OP.entry_value, 1, DW_OP.reg5, DW_OP.stack_value, DW_OP.piece, 4]), O8);
  assert.equal(s.kind, 'need-entry-value');
  if (s.kind === 'need-entry-value') assert.deepEqual(s.resume(undefined), { kind: 'complete', pieces: [{ kind: 'optimized-out', reason: 'entry-value' }] });
  const mixed = run([DW_OP.GNU_entry_value, 2, DW_OP.breg0 + 4, 0, DW_OP.lit1, DW_OP.plus, DW_OP.stack_value, DW_OP.piece, 4, DW_OP.reg1, DW_OP.piece, 4]);
  assert.deepEqual(mixed.pieces, [{ kind: 'optimized-out', reason: 'entry-value', sizeBits: 32 }, { kind: 'register', reg: 1, sizeBits: 32 }]);
  assert.deepEqual(run([DW_OP.GNU_parameter_ref, 1, 2, 0, 0, DW_OP.stack_value]).pieces, [{ kind: 'optimized-out', reason: 'parameter-ref' }]);
});

test('implicit pointers carry the target DIE and offset (DWARF 5, GNU, 64-bit DWARF, DWARF 2)', () => {
  assert.deepEqual(run([DW_OP.implicit_pointer, 0x42, 4, 0, 0, 0x08]).pieces, [{ kind: 'implicit-pointer', dieOffset: 0x442, offset: 8n }]);
  assert.deepEqual(run([DW_OP.GNU_implicit_pointer, 0x42, 4, 0, 0, 0x7c]).pieces, [{ kind: 'implicit-pointer', dieOffset: 0x442, offset: -4n }]);
  assert.deepEqual(run([DW_OP.implicit_pointer, 1, 0, 0, 0, 0, 0, 0, 0, 0], { addressSize: 8, offsetSize: 8 }).pieces, [{ kind: 'implicit-pointer', dieOffset: 1, offset: 0n }]);
  assert.deepEqual(run([DW_OP.GNU_implicit_pointer, 1, 0, 0, 0, 0, 0, 0, 0, 0], { addressSize: 8, version: 2 }).pieces, [{ kind: 'implicit-pointer', dieOffset: 1, offset: 0n }]);
});

test('call2/call4/call_ref ask for the callee expression and run it on the same stack', () => {
  const r = run([DW_OP.lit2, DW_OP.call2, 0x30, 0, DW_OP.call4, 0x40, 0, 0, 0, DW_OP.call_ref, 0x50, 0, 0, 0, DW_OP.stack_value], O8, {
    0x30: [DW_OP.lit3, DW_OP.mul],
    0x50: [DW_OP.plus_uconst, 1],
  });
  assert.deepEqual(r.asked, ['call48', 'call64', 'call_ref80']);
  assert.deepEqual(r.pieces, [{ kind: 'value', value: 7n, size: 8 }]);
  assert.throws(() => run([DW_OP.call2, 1, 0], O8, { 1: [DW_OP.call2, 1, 0] }), /nested too deeply/);
});

test('typed operations act on generic values, or fit them to base types when told', () => {
  const constType = [DW_OP.const_type, 0x2a, 4, 0xff, 0xff, 0xff, 0xff];
  assert.equal(value(constType), 0xffffffffn);
  const signed32 = { addressSize: 8, baseType: (o: number) => (o === 0x2a ? { size: 4, signed: true } : { size: 1, signed: false }) };
  assert.equal(value(constType, signed32), M64);
  assert.equal(value([DW_OP.GNU_const_type, 0x2a, 8, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]), 0x3ff8000000000000n);
  assert.deepEqual(run([DW_OP.regval_type, 17, 0x2a, DW_OP.stack_value]).asked, ['reg17']);
  assert.deepEqual(run([DW_OP.GNU_regval_type, 3, 0x2a, DW_OP.stack_value], signed32).pieces, [{ kind: 'value', value: 0x1003n, size: 4 }]);
  assert.deepEqual(run([DW_OP.lit8, DW_OP.deref_type, 4, 0x2a, DW_OP.stack_value]), { pieces: [{ kind: 'value', value: 0x44332211n, size: 8 }], asked: ['mem8/4'] });
  assert.deepEqual(run([DW_OP.lit8, DW_OP.GNU_deref_type, 2, 0x2b, DW_OP.stack_value], signed32).pieces, [{ kind: 'value', value: 0x11n, size: 1 }]);
  assert.equal(value([DW_OP.const2u, 0x80, 0x01, DW_OP.convert, 0x2b], signed32), 0x80n);
  assert.equal(value([DW_OP.const2u, 0x80, 0x01, DW_OP.GNU_convert, 0x2b]), 0x180n); // no type info: unchanged
  assert.equal(value([DW_OP.const1s, 0x80, DW_OP.convert, 0]), M64 - 127n); // type 0: generic
  assert.equal(value([DW_OP.const1u, 0xff, DW_OP.reinterpret, 0x2a, DW_OP.GNU_reinterpret, 0x2a], signed32), 0xffn);
});

test('typed arithmetic on floating base types is IEEE arithmetic; DW_OP_convert keeps the number between int and float', () => {
  const bits = (x: number, size: 4 | 8): number[] => {
    const dv = new DataView(new ArrayBuffer(size));
    if (size === 8) dv.setFloat64(0, x, true);
    else dv.setFloat32(0, x, true);
    return Array.from(new Uint8Array(dv.buffer));
  };
  const dbl = (x: number): number[] => [DW_OP.const_type, 0x30, 8, ...bits(x, 8)];
  const flt = (x: number): number[] => [DW_OP.const_type, 0x31, 4, ...bits(x, 4)];
  const asDouble = (v: bigint): number => new DataView(Uint8Array.from(bits(0, 8).map((_, i) => Number((v >> BigInt(8 * i)) & 0xffn))).buffer).getFloat64(0, true);
  const asFloat = (v: bigint): number => new DataView(Uint8Array.from([0, 1, 2, 3].map((i) => Number((v >> BigInt(8 * i)) & 0xffn))).buffer).getFloat32(0, true);
  const types: ExprOptions = {
    addressSize: 8,
    baseType: (o) => (o === 0x30 ? { size: 8, signed: true, float: true } : o === 0x31 ? { size: 4, signed: true, float: true } : o === 0x2a ? { size: 4, signed: true } : undefined),
  };
  // gcc's `w * *scale` (DW_OP_deref_type; DW_OP_regval_type xmm0; DW_OP_mul) in its simplest form.
  assert.equal(asDouble(value([...dbl(50.5), ...dbl(2), DW_OP.mul], types)), 101);
  assert.equal(asDouble(value([...dbl(1), ...dbl(4), DW_OP.div], types)), 0.25);
  assert.equal(asDouble(value([...dbl(1), ...dbl(0.5), DW_OP.minus, ...dbl(3), DW_OP.swap, DW_OP.plus], types)), 3.5);
  assert.equal(asFloat(value([...flt(1.5), DW_OP.dup, DW_OP.mul], types)), 2.25);
  assert.equal(asDouble(value([DW_OP.lit3, DW_OP.convert, 0x30], types)), 3);
  assert.equal(value([...dbl(-2.75), DW_OP.convert, 0x2a], types), M64 - 1n);
  // Without type information the same bytes stay integers, as before.
  assert.equal(value([DW_OP.lit3, DW_OP.lit4, DW_OP.mul], types), 12n);
});

test('bad bytes are FormatErrors naming the offset; nop and GNU_uninit do nothing', () => {
  assert.throws(() => run([DW_OP.lit1, 0x01]), (e: unknown) => e instanceof FormatError && /opcode 0x1.*offset 0x1/.test(e.message));
  assert.throws(() => run([DW_OP.const4u, 1, 2]), /truncated/);
  assert.throws(() => run([DW_OP.implicit_value, 5, 1]), /truncated/);
  assert.throws(() => run([DW_OP.lit1], { addressSize: 3 }), FormatError);
  assert.deepEqual(run([DW_OP.nop, DW_OP.reg3, DW_OP.GNU_uninit, DW_OP.nop]).pieces, [{ kind: 'register', reg: 3 }]);
});

test('a request can be answered once only', () => {
  const s = evaluate(Uint8Array.from([DW_OP.call_frame_cfa]), O8);
  assert.equal(s.kind, 'need-cfa');
  if (s.kind !== 'need-cfa') return;
  s.resume(1n);
  assert.throws(() => s.resume(2n), /resumed twice/);
});

test('initialStack seeds the stack (CFI expressions start with the CFA)', () => {
  assert.deepEqual(run([DW_OP.lit8, DW_OP.minus], { addressSize: 8, initialStack: [0x100n] }).pieces, [{ kind: 'memory', address: 0xf8n }]);
});

test('evaluateWith drives the machine with async handlers and names what is missing', async () => {
  const pieces = await evaluateWith(Uint8Array.from([DW_OP.breg0 + 6, 0x10, DW_OP.deref, DW_OP.fbreg, 0, DW_OP.plus, DW_OP.stack_value]), O8, {
    readRegister: async (r) => BigInt(r) * 0x100n,
    readMemory: async (a, n) => BigInt(n) + a,
    frameBase: async () => 5n,
  });
  assert.deepEqual(pieces, [{ kind: 'value', value: 0x610n + 8n + 5n, size: 8 }]);
  await assert.rejects(evaluateWith(Uint8Array.from([DW_OP.call_frame_cfa]), O8, { readRegister: () => 0n, readMemory: () => 0n }), (e: unknown) => e instanceof UserError && /CFA/.test(e.message));
});

test('formatExpression prints operations and operands', () => {
  assert.equal(formatExpression(Uint8Array.from([DW_OP.breg0 + 7, 8, DW_OP.deref]), O8), 'DW_OP_breg7: 8; DW_OP_deref');
  assert.equal(formatExpression(Uint8Array.from([DW_OP.entry_value, 1, DW_OP.reg5, DW_OP.stack_value]), O8), 'DW_OP_entry_value: (DW_OP_reg5); DW_OP_stack_value');
  assert.equal(formatExpression(Uint8Array.from([DW_OP.addr, 0x34, 0x40, 0, 0, 0, 0, 0, 0]), O8), 'DW_OP_addr: 0x4034');
});
