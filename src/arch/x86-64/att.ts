// Capstone AT&T text -> structured operands, and -> the text objdump/gdb print (mnemonic and operand rules).
import { gprBits, isGpr } from './registers.js';

/** A parsed operand, in AT&T order (source first). */
export type Operand =
  | { type: 'reg'; reg: string }
  | { type: 'imm'; value: bigint } // `$imm`, as the instruction's operand size sees it (unsigned)
  | { type: 'addr'; value: bigint } // a branch target (absolute)
  | { type: 'mem'; segment?: string; disp: bigint; base?: string; index?: string; scale: number };

/** Split "a, (b, c), d" at top-level commas. */
function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseNumber(s: string): bigint | undefined {
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (!m) return undefined;
  const v = BigInt(m[2]!);
  return m[1] ? -v : v;
}

/** Parse one capstone AT&T operand. `indirect` is set for `*`-prefixed branch operands. */
export function parseOperand(text: string): { op: Operand; indirect: boolean } | undefined {
  let s = text.trim();
  const indirect = s.startsWith('*');
  if (indirect) s = s.slice(1);
  if (s.startsWith('$')) {
    const v = parseNumber(s.slice(1));
    return v === undefined ? undefined : { op: { type: 'imm', value: v }, indirect };
  }
  let segment: string | undefined;
  const seg = /^%([cdefgs]s):/.exec(s);
  if (seg) {
    segment = seg[1];
    s = s.slice(seg[0].length);
  }
  if (!segment && /^%[a-z0-9]+$/.test(s)) return { op: { type: 'reg', reg: s.slice(1) }, indirect };
  const m = /^([-0-9a-fx]*)(?:\((%[a-z0-9]+)?(?:,\s*(%[a-z0-9]+))?(?:,\s*(\d+))?\))?$/i.exec(s);
  if (!m) return undefined;
  const hasParen = s.includes('(');
  const disp = m[1] ? parseNumber(m[1]) : 0n;
  if (disp === undefined) return undefined;
  if (!hasParen && !segment && !indirect) return { op: { type: 'addr', value: disp }, indirect };
  const op: Operand = { type: 'mem', disp, scale: m[4] ? Number(m[4]) : 1 };
  if (segment) op.segment = segment;
  if (m[2]) op.base = m[2].slice(1);
  if (m[3]) op.index = m[3].slice(1);
  return { op, indirect };
}

const SUFFIXED = new Set(['mov', 'add', 'sub', 'and', 'or', 'xor', 'cmp', 'test', 'adc', 'sbb', 'inc', 'dec',
  'neg', 'not', 'mul', 'imul', 'div', 'idiv', 'shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'rcl', 'rcr', 'lea',
  'xchg', 'cmpxchg', 'xadd', 'bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'shld', 'shrd', 'movabs', 'popcnt',
  'lzcnt', 'tzcnt', 'bswap', 'cvtsi2ss', 'cvtsi2sd', 'movnti', 'stos', 'lods', 'scas', 'andn', 'bextr',
  'blsi', 'blsr', 'sarx', 'shlx', 'shrx', 'rorx', 'pdep', 'pext', 'mulx', 'adcx', 'adox', 'movbe',
  'vcvtsi2ss', 'vcvtsi2sd', 'blsmsk', 'bzhi']);
const SHIFTS = new Set(['shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'rcl', 'rcr', 'shld', 'shrd']);
/** 64-bit-mode stack / branch instructions objdump prints without the `q`. */
const NO_Q = new Map([['callq', 'call'], ['retq', 'ret'], ['pushq', 'push'], ['popq', 'pop'], ['jmpq', 'jmp'],
  ['leaveq', 'leave'], ['pushfq', 'pushf'], ['popfq', 'popf'], ['lretq', 'lretq'], ['enterq', 'enter'],
  ['ljmpl', 'ljmp'], ['lcalll', 'lcall'], ['lretl', 'lret']]);
const STRING_OPS = /^(movs|cmps|stos|lods|scas|ins|outs)[bwlq]$/;
const LEGACY_PREFIX = new Set([0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0xf0]);

/** Where the opcode starts and whether a ModRM follows it (legacy/0F/0F38/0F3A maps; not VEX). */
function modrmOf(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length && LEGACY_PREFIX.has(bytes[i]!)) i++;
  if (i < bytes.length && (bytes[i]! & 0xf0) === 0x40) i++;
  const op = bytes[i];
  if (op === undefined || op === 0xc4 || op === 0xc5 || op === 0x62 || op === 0x8f) return undefined;
  if (op === 0x0f) {
    const op2 = bytes[i + 1];
    return op2 === 0x38 || op2 === 0x3a ? bytes[i + 3] : bytes[i + 2];
  }
  if ((op >= 0xa0 && op <= 0xaf) || op === 0xd7) return undefined; // moffs, string ops, xlat
  return bytes[i + 1];
}

function opcodeByte(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length && (LEGACY_PREFIX.has(bytes[i]!) || (bytes[i]! & 0xf0) === 0x40)) i++;
  return bytes[i];
}

function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

/** Operand size in bits implied by the mnemonic suffix or a register operand (for immediates). */
function operandBits(mnemonic: string, ops: Operand[]): number {
  for (const o of ops) if (o.type === 'reg' && isGpr(o.reg)) return gprBits(o.reg)!;
  const last = mnemonic.at(-1);
  return last === 'b' ? 8 : last === 'w' ? 16 : last === 'l' ? 32 : 64;
}

function formatOperand(o: Operand, indirect: boolean, bits: number, forceDisp: boolean, stringOp: boolean): string {
  const star = indirect ? '*' : '';
  switch (o.type) {
    case 'reg': return `${star}%${o.reg}`;
    case 'imm': return `$${hex(BigInt.asUintN(bits, o.value))}`;
    case 'addr': return `${star}${hex(BigInt.asUintN(64, o.value))}`;
    case 'mem': {
      let seg = o.segment ? `%${o.segment}:` : '';
      if (stringOp && !seg) seg = o.base === 'rdi' || o.base === 'edi' ? '%es:' : '%ds:';
      const regs = o.index ? `(${o.base ? `%${o.base}` : ''},%${o.index},${o.scale})` : o.base ? `(%${o.base})` : '';
      const disp = o.disp !== 0n || forceDisp || !regs || !o.base ? hex(o.disp) : '';
      return `${star}${seg}${disp}${regs}`;
    }
  }
}

export interface Formatted {
  mnemonic: string;
  operands: string;
  ops: Operand[];
  indirect: boolean;
}

/** Turn capstone's AT&T output into objdump's (as gdb prints it), plus structured operands. */
export function formatAtt(mnemonicIn: string, opStr: string, bytes: Uint8Array): Formatted {
  const words = mnemonicIn.trim().split(/\s+/);
  let mn = words.pop() ?? '';
  const prefixes = words.map((w) => (w === 'repe' ? 'repz' : w === 'repne' ? 'repnz' : w));
  // AVX-512 decorations ("{%k1}", "{z}") ride along after an operand; objdump prints them unspaced.
  const texts = opStr.trim() ? splitOperands(opStr) : [];
  const decos = texts.map((t) => (/(\s*\{[^}]*\})+$/.exec(t)?.[0] ?? '').replace(/\s+/g, ''));
  const parsed = texts.map((t) => parseOperand(t.replace(/(\s*\{[^}]*\})+$/, '')));
  const ok = parsed.every((p) => p !== undefined);
  const ops = ok ? parsed.map((p) => p!.op) : [];
  const indirect = ok && parsed.some((p) => p!.indirect);
  const st = /^%st\(\d\)$/.exec(opStr.trim());
  if (st && mn.startsWith('f')) {
    // x87 register forms: objdump spells out both operands (D8/DB/DF: st(i),st; DC/DE: st,st(i)).
    const op = opcodeByte(bytes);
    const m2 = mn === 'wait' ? 'fwait' : /^fu?comp?i$/.test(mn) ? mn.replace(/pi$/, 'ip') : mn;
    const both = op === 0xd8 || op === 0xdb || op === 0xdf ? `${st[0]},%st` : op === 0xdc || op === 0xde ? `%st,${st[0]}` : st[0];
    return { mnemonic: [...prefixes, m2].join(' '), operands: both, ops, indirect };
  }
  if (!ok) return { mnemonic: [...prefixes, mn].join(' '), operands: opStr.replace(/,\s+/g, ',').replace(/\s+\{/g, '{'), ops, indirect };

  const rawMn = mn;
  if (mn === 'wait') mn = 'fwait';
  if (/^fu?comp?i$/.test(mn)) mn = mn.replace(/pi$/, 'ip');
  const hasVector = ops.some((o) => o.type === 'reg' && /^(x|y|z)mm|^mm|^st/.test(o.reg));
  const sizingRegs = ops.filter((o, i) => o.type === 'reg' && isGpr(o.reg) &&
    !(SHIFTS.has(mn.slice(0, -1)) && o.reg === 'cl' && i === 0));
  const stringOp = STRING_OPS.test(mn);
  if (NO_Q.has(mn)) mn = NO_Q.get(mn)!;
  else if (/[bwlq]$/.test(mn) && sizingRegs.length > 0 && (!hasVector || mn.startsWith('cvtsi2') || mn.startsWith('vcvtsi2'))) {
    const base = mn.slice(0, -1);
    if (SUFFIXED.has(base) || (base.startsWith('cmov') && base.length <= 7)) mn = base;
  }
  const opcode = opcodeByte(bytes);
  let shown = ops;
  if ((opcode === 0xd0 || opcode === 0xd1) && ops.length === 2 && ops[0]!.type === 'imm') shown = ops.slice(1);
  // Segment overrides on nops are printed as prefixes by objdump ("cs nopw 0x0(%rax,%rax,1)").
  if (mn.startsWith('nop') && shown[0]?.type === 'mem' && shown[0].segment) {
    prefixes.push(shown[0].segment);
    shown = [{ ...shown[0], segment: undefined } as Operand];
  }
  let p66 = 0;
  for (const b of bytes) if (b === 0x66) p66++; else if (!LEGACY_PREFIX.has(b)) break;
  if (p66 > 1 && mn.startsWith('nop')) for (let k = 1; k < p66; k++) prefixes.unshift('data16');
  if (bytes[0] === 0xf3 && mn === 'ret' && !prefixes.includes('repz')) prefixes.push('repz');
  if (bytes[0] === 0x67 && (mn === 'call' || mn === 'jmp') && !indirect) prefixes.push('addr32');
  if (opcodeByte(bytes) === 0xd7 && mn === 'xlatb') return { mnemonic: [...prefixes, 'xlat'].join(' '), operands: '%ds:(%rbx)', ops, indirect };
  if (bytes[0] === 0x66 && bytes[1] === 0x90 && bytes.length === 2) return { mnemonic: 'xchg', operands: '%ax,%ax', ops: [], indirect };
  if (bytes[0] === 0x3e && indirect && (mn === 'jmp' || mn === 'call')) prefixes.push('notrack');
  const modrm = modrmOf(bytes);
  const mod = modrm === undefined ? 0 : modrm >> 6;
  const forceDisp = mod === 1 || mod === 2;
  const bits = mn === 'xabort' ? 8 : operandBits(rawMn, ops);
  const operands = shown.map((o) => formatOperand(o, indirect && o.type !== 'imm', bits, forceDisp, stringOp) +
    (decos[ops.indexOf(o)] ?? '')).join(',');
  return { mnemonic: [...prefixes, mn].join(' '), operands, ops, indirect };
}
