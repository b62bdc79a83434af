// What the evaluator needs from a live frame: registers unwound to it, memory, and DWARF locations computed here.
import { evaluateWith, type Piece } from '../dwarf/expr.js';
import { baseTypeReader } from '../dwarf/base-type.js';
import { locationAt, readLocList } from '../dwarf/loclists.js';
import { dwarfRegNumber } from '../arch/x86-64/dwarf-regs.js';
import type { Unit } from '../dwarf/unit.js';
import type { FrameAccess } from '../eval/frame-scope.js';
import { bigIntToBytes } from '../eval/value.js';
import type { Variable } from '../symbols/functions.js';
import { UserError } from '../util/errors.js';
import type { Frame } from './frames.js';
import type { Session } from './session.js';

/** A caller's pc is a return address: blocks and location lists are looked up at the call (pc-1), as gdb does. */
export function lookupPc(frame: Frame): bigint {
  return frame.level > 0 ? frame.pc - 1n : frame.pc;
}

export function frameAccess(session: Session, frame: Frame): FrameAccess {
  const pc = lookupPc(frame);
  const reg = (n: number): bigint => {
    const v = frame.regs.get(n);
    if (v === undefined) throw new UserError(`value has been optimized out`);
    return v;
  };
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
    });
  };
  return {
    pc,
    readMemory,
    writeMemory: (a, d) => session.writeMemory(a, d),
    readRegister: async (name) => {
      const n = dwarfRegNumber(name);
      if (n === undefined) return undefined;
      const v = frame.regs.get(n);
      if (v !== undefined || frame.level === 0) return v;
      // Not recovered by unwinding: gdb's "same value" ($rax in a caller is the callee's rax).
      const regs = await session.frameRegisters(frame.level);
      return regs.find((r) => !r.notSaved && dwarfRegNumber(r.name) === n)?.value;
    },
    writeRegister: (name, value) => session.writeRegister(name, value),
    readDwarfRegister: async (n) => bigIntToBytes(reg(n), n >= 17 && n <= 32 ? 16 : 8),
    locate: async (v: Variable) => {
      const loc = v.location;
      let expr: Uint8Array | undefined;
      if (loc.kind === 'expr') expr = loc.bytes;
      else if (loc.kind === 'loclist') {
        const entries = readLocList(v.unit.dwarf.sectionBytes(loc.section), loc.offset, {
          version: loc.unit.version,
          addressSize: loc.unit.addressSize,
          baseAddress: loc.unit.baseAddress,
          bias: v.unit.bias,
          addrx: (i: number) => v.unit.addrx(i),
        });
        expr = locationAt(entries, pc);
      }
      if (!expr || expr.length === 0) return [{ kind: 'optimized-out' }];
      return evaluate(expr, v.unit);
    },
    evaluateExpression: evaluate,
    symbolize: (a, linkage) => session.programAt(a).symbolLabel(a, linkage),
    frameBase: async () => {
      const fn = session.programAt(pc).functionAt(pc);
      if (!fn?.frameBase || fn.frameBase.kind !== 'expr') return undefined;
      const [p] = await evaluate(fn.frameBase.bytes, fn.unit);
      return p?.kind === 'memory' ? p.address : p?.kind === 'value' ? p.value : undefined;
    },
  };
}
