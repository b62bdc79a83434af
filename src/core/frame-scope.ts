// An EvalScope for a live frame: locals and arguments located with DWARF expressions and location lists.
import { evaluateWith, type Piece } from '../dwarf/expr.js';
import { locationAt, readLocList } from '../dwarf/loclists.js';
import { dwarfRegName, dwarfRegNumber } from '../dwarf/dwarf-regs.js';
import { StaticScope } from '../eval/static-scope.js';
import { BYTE_OPTIMIZED_OUT, Value, bigIntToBytes } from '../eval/value.js';
import type { ValueHistory } from '../eval/history.js';
import type { EvalScope, FunctionSymbol } from '../eval/scope.js';
import type { Variable } from '../symbols/functions.js';
import { sizeOf, type Type } from '../symbols/types.js';
import { MemoryError } from '../target/contract.js';
import type { Frame } from './frames.js';
import type { Session } from './session.js';

/**
 * Locals and parameters come from the frame; types, functions, globals and statics from the
 * session-wide StaticScope (shared so its type cache lives as long as the session).
 */
export class FrameScope implements EvalScope {
  readonly history: ValueHistory;
  readonly types: StaticScope['types'];

  constructor(
    readonly session: Session,
    readonly frame: Frame,
    private readonly statics: StaticScope,
  ) {
    this.history = statics.history;
    this.types = statics.types;
  }

  readMemory = (addr: bigint, len: number): Promise<Uint8Array> => this.session.readMemory(addr, len);
  writeMemory = (addr: bigint, data: Uint8Array): Promise<void> => this.session.writeMemory(addr, data);

  lookupFunction(name: string): FunctionSymbol | undefined {
    return this.statics.lookupFunction(name);
  }
  symbolize(addr: bigint): string | undefined {
    return this.statics.symbolize(addr);
  }
  lookupTypedef(name: string): Type | undefined {
    return this.statics.lookupTypedef(name);
  }
  lookupTag(kind: 'struct' | 'union' | 'enum', name: string): Type | undefined {
    return this.statics.lookupTag(kind, name);
  }

  /** Globals and statics live in the process, not in the file: read them through the target. */
  private async staticValue(name: string): Promise<Value | undefined> {
    const v = this.statics.lookupVariable(name);
    return v;
  }

  /** Pc used for scope and location-list lookups: a caller's pc is a return address, so look at the call. */
  get lookupPc(): bigint {
    return this.frame.level > 0 ? this.frame.pc - 1n : this.frame.pc;
  }

  /** Visible variables at this frame, innermost first (locals, params, statics, globals). */
  visible(): Variable[] {
    return this.session.program.scopeAt(this.lookupPc);
  }

  async lookupVariable(name: string): Promise<Value | undefined> {
    const v = this.session.program.scopeAt(this.lookupPc).find((x) => x.name === name);
    if (v) return this.variableValue(v);
    return this.staticValue(name);
  }

  async readRegister(name: string): Promise<bigint | undefined> {
    const n = dwarfRegNumber(name);
    return n === undefined ? undefined : this.frame.regs.get(n);
  }

  async writeRegister(name: string, value: bigint): Promise<void> {
    await this.session.writeRegister(name === 'eflags' ? 'eflags' : name, value);
  }

  /** The value of a local or parameter in this frame (optimized out where the location list has a gap). */
  async variableValue(v: Variable): Promise<Value> {
    const type = this.types.typeAt(v.typeOffset);
    const loc = v.location;
    if (loc.kind === 'optimizedOut') return Value.optimizedOut(type);
    if (loc.kind === 'const') return (await this.staticValue(v.name)) ?? Value.optimizedOut(type);
    let expr: Uint8Array | undefined;
    if (loc.kind === 'expr') expr = loc.bytes;
    else {
      const section = this.session.program.dwarf.sectionBytes(loc.section);
      const entries = readLocList(section, loc.offset, {
        version: loc.unit.version,
        addressSize: loc.unit.addressSize,
        baseAddress: loc.unit.baseAddress,
        addrx: (i: number) => v.unit.addrx(i),
      });
      expr = locationAt(entries, this.lookupPc);
    }
    if (!expr || expr.length === 0) return Value.optimizedOut(type);
    const pieces = await this.evaluateLocation(expr, v);
    return this.assemble(type, pieces);
  }

  private async evaluateLocation(expr: Uint8Array, v: Variable): Promise<Piece[]> {
    const unit = v.unit;
    const fn = this.session.program.functionAt(this.lookupPc);
    return evaluateWith(expr, { addressSize: unit.addressSize, offsetSize: unit.offsetSize, version: unit.version }, {
      readRegister: async (reg) => {
        const val = this.frame.regs.get(reg);
        if (val === undefined) throw new MemoryError(0n);
        return val;
      },
      readMemory: (a, n) => this.readMemory(a, n),
      cfa: async () => {
        if (this.frame.cfa === undefined) throw new Error('frame has no CFA');
        return this.frame.cfa;
      },
      frameBase: async () => {
        const fb = fn?.frameBase;
        if (!fb || fb.kind !== 'expr') throw new Error('function has no frame base');
        const p = await evaluateWith(fb.bytes, { addressSize: unit.addressSize }, {
          readRegister: async (reg) => this.frame.regs.get(reg) ?? 0n,
          readMemory: (a, n) => this.readMemory(a, n),
          cfa: async () => this.frame.cfa ?? 0n,
        });
        const first = p[0];
        if (first?.kind === 'memory') return first.address;
        if (first?.kind === 'value') return first.value;
        if (first?.kind === 'register') return this.frame.regs.get(first.reg) ?? 0n;
        throw new Error('unsupported frame base');
      },
      addrx: (i) => unit.addrx(i),
    });
  }

  /** Builds a value from location pieces: memory stays lazy, registers and implicit values become bytes. */
  private async assemble(type: Type, pieces: Piece[]): Promise<Value> {
    const size = sizeOf(type) ?? 0;
    if (pieces.length === 1 && pieces[0]!.sizeBits === undefined) {
      const p = pieces[0]!;
      switch (p.kind) {
        case 'memory': return Value.at(type, p.address);
        case 'register': {
          const raw = this.frame.regs.get(p.reg);
          if (raw === undefined) return Value.optimizedOut(type);
          return new Value(type, { kind: 'register', name: dwarfRegName(p.reg) }, bigIntToBytes(raw, Math.max(size, 8)).subarray(0, size));
        }
        case 'value': return Value.fromBytes(type, bigIntToBytes(p.value, Math.max(size, 8)).subarray(0, size));
        case 'implicit': return Value.fromBytes(type, p.bytes.slice(0, size));
        default: return Value.optimizedOut(type);
      }
    }
    // Composite location (DW_OP_piece): gather bytes piece by piece.
    const bytes = new Uint8Array(size);
    const state = new Uint8Array(size).fill(BYTE_OPTIMIZED_OUT);
    let off = 0;
    for (const p of pieces) {
      const n = Math.ceil((p.sizeBits ?? (size - off) * 8) / 8);
      let chunk: Uint8Array | undefined;
      if (p.kind === 'memory') chunk = await this.readMemory(p.address, n).catch(() => undefined);
      else if (p.kind === 'register') {
        const raw = this.frame.regs.get(p.reg);
        chunk = raw === undefined ? undefined : bigIntToBytes(raw, Math.max(n, 8)).subarray(0, n);
      } else if (p.kind === 'value') chunk = bigIntToBytes(p.value, Math.max(n, 8)).subarray(0, n);
      else if (p.kind === 'implicit') chunk = p.bytes.subarray(0, n);
      if (chunk) {
        for (let i = 0; i < n && off + i < size; i++) {
          bytes[off + i] = chunk[i] ?? 0;
          state[off + i] = 0;
        }
      }
      off += n;
    }
    return new Value(type, { kind: 'none' }, bytes, state);
  }
}
