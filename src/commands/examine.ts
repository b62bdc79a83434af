// gdb's x/NFU: memory shown in hex/decimal/octal/binary/char/float/address, strings and instructions.
import type { Program } from '../symbols/program.js';
import { x86_64 } from '../arch/arch.js';
import { charLiteral } from '../eval/chars.js';
import { readCString } from '../eval/format.js';
import { formatFloatBytes } from '../eval/floats.js';
import type { EvalScope } from '../eval/scope.js';
import { UserError } from '../util/errors.js';
import { Evaluator } from '../eval/evaluate.js';
import { readPartial, unpackLong, type Value } from '../eval/value.js';
import { resolve } from '../symbols/types.js';

export interface ExamineSpec {
  count: number;
  format: string;
  size: number;
}

/** What x remembers between uses: last format, size and count, and where to continue. */
export interface ExamineState {
  format?: string;
  size?: number;
  count?: number;
  next?: bigint;
}

const SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const MAX_ITEMS = 100_000;

/**
 * gdb's decode_format for x: letters after the count set the size (b h w g) or the format; what is
 * missing comes from the last x. A size alone keeps the last format, except 'i' which becomes 'x'; a
 * format alone takes its own default size (a: pointer, c: byte, f: the last size if w or g, else g,
 * s: bytes) or the last size. A bare `x` repeats the last count too, unless that read backward.
 */
export function parseExamineFormat(arg: string, state: ExamineState): { spec: ExamineSpec; expression: string } {
  const m = /^\s*\/(-?\d*)([a-z]*)\s*(.*)$/s.exec(arg);
  const oformat = state.format ?? 'x';
  const osize = state.size ?? 4;
  if (!m) {
    const expression = arg.trim();
    const count = expression === '' && state.count !== undefined && state.count > 0 ? state.count : 1;
    return { spec: { count, format: oformat, size: osize }, expression };
  }
  // x/-N reads backward (gdb: "-" alone is -1).
  const count = m[1] === '-' ? -1 : m[1] ? Number(m[1]) : 1;
  let format: string | undefined;
  let size: number | undefined;
  for (const c of m[2]!) {
    if (c in SIZES) size = SIZES[c]!;
    else if ('xduotacfsiz'.includes(c)) format = c;
    else throw new UserError(`Undefined output format "${c}".`);
  }
  if (format === undefined) format = size === undefined ? oformat : oformat === 'i' ? 'x' : oformat;
  if (size === undefined) {
    if (format === 'a') size = 8;
    else if (format === 'f') size = osize === 4 || osize === 8 ? osize : 8;
    else if (format === 'c' || format === 's') size = 1;
    else size = osize;
  }
  if (Math.abs(count) > MAX_ITEMS) throw new UserError(`Count ${count} is too large.`);
  if (count < 0 && (format === 'i' || format === 's')) throw new UserError(`Reading backward (x/-N) is not supported for format '${format}'.`);
  return { spec: { count, format, size }, expression: m[3]!.trim() };
}

/** After an x that succeeded, gdb remembers its format, size (bytes after strings) and count. */
export function rememberExamine(state: ExamineState, spec: ExamineSpec): void {
  state.format = spec.format;
  state.size = spec.format === 's' ? 1 : spec.size;
  state.count = spec.count;
}

/** gdb's value_as_address: an array or a function in memory stands for its address; anything else is read as an integer. */
export async function valueAsAddress(scope: EvalScope, v: Value): Promise<bigint> {
  const t = resolve(v.type);
  // A GNU vector does not decay (gdb: "Value can't be converted to integer.").
  if (((t.kind === 'array' && !t.vector) || t.kind === 'function') && v.address !== undefined) return v.address;
  await new Evaluator(scope).fetch(v);
  return BigInt.asUintN(64, unpackLong(v));
}

/**
 * Where x and disassemble read: the stopped program (through core, our patches masked), or before it
 * runs and after it exits the executable file itself, as gdb reads its sections.
 */
export interface MemorySource {
  /** The image (program or shared library) holding an address. */
  programAt(addr: bigint): Program;
  readMemory(addr: bigint, len: number): Promise<Uint8Array>;
  /** The selected frame's pc (marked "=> "); undefined without a process. */
  pc?: bigint;
}

// x prints names as gdb's print_address does: linkage names ("counter.2"), not print names.
function label(scope: EvalScope, addr: bigint): string {
  const sym = scope.symbolize(addr, true);
  return `0x${addr.toString(16)}${sym ? ` <${sym}>` : ''}:`;
}

function le(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

function item(bytes: Uint8Array, format: string, scope: EvalScope): string {
  const size = bytes.length;
  const u = le(bytes);
  const s = BigInt.asIntN(size * 8, u);
  switch (format) {
    case 'x': return `0x${u.toString(16).padStart(size * 2, '0')}`;
    case 'z': return `0x${u.toString(16).padStart(size * 2, '0')}`;
    case 'd': return s.toString();
    case 'u': return u.toString();
    case 'o': return u === 0n ? '0' : `0${u.toString(8)}`;
    case 't': return u.toString(2).padStart(size * 8, '0');
    case 'c': return `${Number(BigInt.asIntN(8, u & 0xffn))} ${charLiteral(Number(u & 0xffn))}`;
    case 'a': {
      const sym = scope.symbolize(u, true);
      return `0x${u.toString(16)}${sym ? ` <${sym}>` : ''}`;
    }
    case 'f':
      if (size === 4) return formatFloatBytes(bytes, 'ieee32');
      if (size === 8) return formatFloatBytes(bytes, 'ieee64');
      return s.toString();
    default: return `0x${u.toString(16)}`;
  }
}

function perLine(format: string, size: number): number {
  if (format === 'c') return 8;
  if (format === 'a') return 2;
  return size === 8 ? 2 : size === 4 ? 4 : 8;
}

export async function examineMemory(session: MemorySource, scope: EvalScope, addr: bigint, spec: ExamineSpec, state: ExamineState): Promise<string> {
  const lines: string[] = [];
  if (spec.format === 's') {
    let a = addr;
    for (let i = 0; i < spec.count; i++) {
      const text = await readCString(a, { env: scope, limit: 200, threshold: 10 });
      lines.push(`${label(scope, a)}\t${text}`);
      // Advance past the terminating NUL.
      let len = 0;
      for (;;) {
        // Byte by byte where a chunk would run off the end of readable memory (a section's end in the file).
        const { bytes: chunk, error } = await readPartial((x, n) => session.readMemory(x, n), a + BigInt(len), 64);
        const z = chunk.indexOf(0);
        if (z >= 0) {
          len += z + 1;
          break;
        }
        len += chunk.length;
        if (error || len > 1 << 20) break;
      }
      a += BigInt(len);
    }
    state.next = a;
    return lines.join('\n') + '\n';
  }
  if (spec.format === 'i') {
    const pc = session.pc;
    // As many bytes as the instructions may need, fewer where readable memory ends first.
    const { bytes, error } = await readPartial((x, n) => session.readMemory(x, n), addr, Math.min(spec.count * 15, 4096));
    if (bytes.length === 0 && error) throw error;
    const insns = await x86_64.disassemble(bytes, addr, { count: spec.count });
    for (const i of insns) lines.push(x86_64.disassemblyLine(i, label(scope, i.address), i.address === pc, (x) => scope.symbolize(x, true)));
    const last = insns.at(-1);
    state.next = last ? last.address + BigInt(last.size) : addr;
    return lines.join('\n') + '\n';
  }
  if (spec.count < 0) {
    // Backward: the |N| units that end at addr; the next bare x goes further back from their start.
    const start = addr - BigInt(-spec.count * spec.size);
    await examineMemory(session, scope, start, { ...spec, count: -spec.count }, state).then((t) => lines.push(t.replace(/\n$/, '')));
    state.next = start;
    return lines.join('\n') + '\n';
  }
  const total = spec.count * spec.size;
  const bytes = await session.readMemory(addr, total);
  const n = perLine(spec.format, spec.size);
  for (let i = 0; i < spec.count; i += n) {
    const a = addr + BigInt(i * spec.size);
    const items: string[] = [];
    for (let j = i; j < Math.min(i + n, spec.count); j++) items.push(item(bytes.subarray(j * spec.size, (j + 1) * spec.size), spec.format, scope));
    lines.push(`${label(scope, a)}\t${items.join('\t')}`);
  }
  state.next = addr + BigInt(total);
  return lines.join('\n') + '\n';
}
