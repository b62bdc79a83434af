// What the evaluator needs from a live frame: registers unwound to it, memory, and DWARF locations computed here.
import { evaluateWith, type Piece } from '../dwarf/expr.js';
import { baseTypeReader } from '../dwarf/base-type.js';
import { DW_REG_RIP, dwarfRegNumber } from '../arch/x86-64/dwarf-regs.js';
import type { Unit } from '../dwarf/unit.js';
import type { FrameAccess } from '../eval/frame-scope.js';
import { bigIntToBytes } from '../eval/value.js';
import type { Variable } from '../symbols/functions.js';
import { UserError } from '../util/errors.js';
import { lookupPc, type Frame } from './frames.js';
import type { Session } from './session.js';
import { entryValueOf, locationBytesAt, parameterEntryValue } from './entry-values.js';

export { lookupPc };

export function frameAccess(session: Session, frame: Frame): FrameAccess {
  const inFrame = (f: Frame, e: Uint8Array, u: Unit) => frameAccess(session, f).evaluateExpression!(e, u);
  const pc = lookupPc(frame);
  const known = (n: number): bigint => {
    const v = frame.regs.get(n);
    if (v === undefined) throw new UserError(`value has been optimized out`);
    return v;
  };
  // A stop report's frame 0 holds the stop reply's registers only: the rest are read when first needed.
  const complete = async (): Promise<void> => frame.completeRegisters?.();
  const reg = (n: number): bigint | Promise<bigint> =>
    frame.regs.has(n) || !frame.completeRegisters ? known(n) : complete().then(() => known(n));
  const readMemory = (a: bigint, n: number) => session.readMemory(a, n);
  const evaluate = (expr: Uint8Array, unit: Unit): Promise<Piece[]> => {
    const fn = session.programAt(pc).functionAt(pc);
    return evaluateWith(expr, { addressSize: unit.addressSize, offsetSize: unit.offsetSize, version: unit.version, loadBias: unit.bias, baseType: baseTypeReader(unit) }, {
      readRegister: reg,
      readMemory,
      cfa: () => {
        if (frame.cfa === undefined) throw new UserError('the frame has no CFA here');
        return frame.cfa;
      },
      frameBase: async () => {
        const fb = fn?.frameBase;
        if (!fb || fb.kind !== 'expr') throw new UserError('the function has no frame base');
        const [p] = await evaluateWith(fb.bytes, { addressSize: unit.addressSize }, { readRegister: reg, readMemory, cfa: () => frame.cfa ?? 0n });
        if (p?.kind === 'memory') return p.address;
        if (p?.kind === 'value') return p.value;
        if (p?.kind === 'register') return reg(p.reg);
        throw new UserError('unsupported frame base');
      },
      addrx: (i) => unit.addrxRaw(i),
      tlsAddress: (offset) => session.images.threadLocalAddress(unit.dwarf, offset, session.vcpu),
      entryValue: async (r, derefSize) => {
        const v = await entryValueOf(session, frame, { reg: r }, derefSize, inFrame);
        return 'value' in v ? v.value : undefined;
      },
    });
  };
  return {
    pc,
    inlineDepth: frame.inlineDepth ?? 0,
    readMemory,
    writeMemory: (a, d) => session.writeMemory(a, d),
    readRegister: async (name) => {
      const n = dwarfRegNumber(name);
      if (n !== undefined && !frame.regs.has(n)) await complete();
      const v = n === undefined ? undefined : frame.regs.get(n);
      if (v !== undefined || (n !== undefined && n <= DW_REG_RIP)) return v;
      // What CFI never describes (vector, x87, flags, segments...) is the innermost value in every frame:
      // gdb's dwarf2 unwinder takes an unspecified register for "same value".
      return (await session.rawRegisters()).get(name);
    },
    writeRegister: (name, value) => session.writeRegister(name, value),
    registerUnavailable: (name) => session.unavailableRegisters().has(name),
    readDwarfRegister: async (n) => bigIntToBytes(await reg(n), n >= 17 && n <= 32 ? 16 : 8),
    locate: async (v: Variable) => {
      const expr = locationBytesAt(v, pc);
      if (!expr || expr.length === 0) return [{ kind: 'optimized-out' }];
      return evaluate(expr, v.unit);
    },
    evaluateExpression: evaluate,
    entryValue: (v, size) => parameterEntryValue(session, frame, v, size, inFrame),
    symbolize: (a, linkage) => session.programAt(a).symbolLabel(a, linkage),
    frameBase: async () => {
      const fn = session.programAt(pc).functionAt(pc);
      if (!fn?.frameBase || fn.frameBase.kind !== 'expr') return undefined;
      const [p] = await evaluate(fn.frameBase.bytes, fn.unit);
      return p?.kind === 'memory' ? p.address : p?.kind === 'value' ? p.value : undefined;
    },
  };
}
