// Real expressions from the fixtures (every exprloc readelf shows): they decode as readelf reads them, and
// evaluate asking for the frame base / CFA / registers exactly where their operations need them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { evaluate, decodeExpression, DW_OP, type ExprStep, type Piece } from '../../src/dwarf/expr.js';
import { MATRIX, compileFixture } from '../helpers/build.js';
import { exprText } from './expr-readelf-text.js';

interface Block {
  attr: string;
  bytes: Uint8Array;
  text: string;
  version: number;
}

/** Every "N byte block: .. (ops)" attribute of readelf's info dump, with its unit's version. */
function blocks(exe: string): Block[] {
  const text = execFileSync('readelf', ['--debug-dump=info', exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: Block[] = [];
  let version = 5;
  for (const line of text.split('\n')) {
    const v = /^\s+Version:\s+(\d+)/.exec(line);
    if (v) version = Number(v[1]);
    const m = /(DW_AT_\w+)\s*: (\d+) byte block: ([0-9a-f ]*?) ?\t\((.*)\)\s*$/.exec(line);
    if (!m) continue;
    const bytes = Uint8Array.from(m[3]!.split(' ').filter(Boolean).map((b) => parseInt(b, 16)));
    assert.equal(bytes.length, Number(m[2]), line);
    out.push({ attr: m[1]!, bytes, text: m[4]!, version });
  }
  return out;
}

const FB = 0x7ffe0000n;
const CFA = 0x7ffe1000n;

/** Evaluates with fixed answers, returning the pieces and the requests in order. */
function drive(bytes: Uint8Array): { pieces: Piece[]; asked: string[] } {
  const asked: string[] = [];
  let s: ExprStep = evaluate(bytes, { addressSize: 8 });
  for (;;) {
    switch (s.kind) {
      case 'complete': return { pieces: s.pieces, asked };
      case 'need-register': asked.push(`reg${s.reg}`); s = s.resume(0x1000n * BigInt(s.reg + 1)); break;
      case 'need-memory': asked.push('mem'); s = s.resume(0n); break;
      case 'need-frame-base': asked.push('fb'); s = s.resume(FB); break;
      case 'need-cfa': asked.push('cfa'); s = s.resume(CFA); break;
      case 'need-entry-value': s = s.resume(undefined); break; // no caller here: the value is optimized out
      default: assert.fail(`unexpected request ${s.kind}`);
    }
  }
}

/** The requests an expression must make: one per breg/fbreg/call_frame_cfa/deref before any entry value. */
function expectedRequests(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (const d of decodeExpression(bytes, { addressSize: 8 })) {
    if (d.op === DW_OP.entry_value || d.op === DW_OP.GNU_entry_value) break;
    if (d.op >= DW_OP.breg0 && d.op <= DW_OP.breg31) out.push(`reg${d.op - DW_OP.breg0}`);
    else if (d.op === DW_OP.bregx || d.op === DW_OP.regval_type || d.op === DW_OP.GNU_regval_type) out.push(`reg${d.args[0]}`);
    else if (d.op === DW_OP.fbreg) out.push('fb');
    else if (d.op === DW_OP.call_frame_cfa) out.push('cfa');
    else if (d.op === DW_OP.deref || d.op === DW_OP.deref_size) out.push('mem');
  }
  return out;
}

const builds = [
  ...MATRIX.map((m) => ({ label: `kernel.c ${m.label}`, src: 'demo/kernel.c', flags: m.flags })),
  ...MATRIX.map((m) => ({ label: `optvars.c ${m.label}`, src: 'cfi/optvars.c', flags: m.flags })),
];

for (const b of builds) {
  test(`exprlocs decode as readelf prints them and ask for what they use: ${b.label}`, () => {
    const all = blocks(compileFixture([b.src], b.flags));
    assert.ok(all.length > 5, 'readelf showed expressions');
    let frameBases = 0;
    let fbregs = 0;
    for (const blk of all) {
      const where = `${b.label} ${blk.attr} ${blk.text}`;
      assert.equal(exprText(blk.bytes, { addressSize: 8, version: blk.version }), blk.text, where);
      const { pieces, asked } = drive(blk.bytes);
      assert.deepEqual(asked, expectedRequests(blk.bytes), where);
      const ops = decodeExpression(blk.bytes, { addressSize: 8 });
      const only = ops.length === 1 ? ops[0]! : undefined;
      if (blk.attr === 'DW_AT_frame_base') {
        // gcc 12: the frame base is the CFA (never a hard-coded rbp+16).
        assert.deepEqual({ asked, pieces }, { asked: ['cfa'], pieces: [{ kind: 'memory', address: CFA }] }, where);
        frameBases++;
      } else if (only?.op === DW_OP.fbreg) {
        assert.deepEqual(pieces, [{ kind: 'memory', address: FB + only.args[0]! }], where);
        fbregs++;
      } else if (only?.op === DW_OP.addr) {
        assert.deepEqual(pieces, [{ kind: 'memory', address: only.args[0] }], where);
      } else if (only && only.op >= DW_OP.reg0 && only.op <= DW_OP.reg31) {
        assert.deepEqual(pieces, [{ kind: 'register', reg: only.op - DW_OP.reg0 }], where);
      } else if (ops[0]?.op === DW_OP.entry_value || ops[0]?.op === DW_OP.GNU_entry_value) {
        assert.equal(pieces[0]?.kind, 'optimized-out', where);
      }
    }
    assert.ok(frameBases > 0, 'some DW_AT_frame_base was checked');
    if (b.flags.includes('-O0')) assert.ok(fbregs > 0, 'some fbreg variable was checked');
  });
}
