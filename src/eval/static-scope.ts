// An EvalScope over a program file alone (no process): globals read from the ELF's initialised data, as gdb does.
import { MemoryError } from '../target/contract.js';
import { SHT_NOBITS } from '../elf/elf.js';

import { evaluate as evalLocation, type ExprStep } from '../dwarf/expr.js';
import type { Program } from '../symbols/program.js';
import type { Variable } from '../symbols/functions.js';
import { DwarfTypes } from '../symbols/types-dwarf.js';
import { builtin, resolve, type FunctionType, type Type } from '../symbols/types.js';
import { ValueHistory } from './history.js';
import { Value, bigIntToBytes } from './value.js';
import type { EvalScope, FunctionSymbol } from './scope.js';

/** Static memory image of the file as gdb reads it without a process: allocated sections (.bss as zeros). */
export function fileMemory(program: Program): (addr: bigint, len: number) => Promise<Uint8Array> {
  const elf = program.elf;
  const secs = elf.loadedSections();
  const byteAt = (a: bigint): number | undefined => {
    for (const s of secs) {
      if (a < s.addr || a >= s.addr + BigInt(s.size)) continue;
      if (s.type === SHT_NOBITS) return 0;
      return elf.data(s)[Number(a - s.addr)];
    }
    return undefined;
  };
  return async (addr, len) => {
    const out = new Uint8Array(len);
    for (const s of secs) {
      // Fast path: the whole range inside one section.
      if (addr >= s.addr && addr + BigInt(len) <= s.addr + BigInt(s.size)) {
        if (s.type === SHT_NOBITS) return out;
        const off = Number(addr - s.addr);
        return Uint8Array.from(elf.data(s).subarray(off, off + len));
      }
    }
    for (let i = 0; i < len; i++) {
      const b = byteAt(addr + BigInt(i));
      if (b === undefined) throw new MemoryError(addr + BigInt(i));
      out[i] = b;
    }
    return out;
  };
}

/** The address of a static variable's DW_AT_location (DW_OP_addr / DW_OP_addrx), when it has one. */
export function staticAddress(v: Variable): bigint | undefined {
  if (v.location.kind !== 'expr') return undefined;
  let step: ExprStep = evalLocation(v.location.bytes, {
    addressSize: v.unit.addressSize, offsetSize: v.unit.offsetSize, version: v.unit.version, loadBias: v.unit.bias,
  });
  for (let i = 0; i < 16; i++) {
    if (step.kind === 'complete') {
      const p = step.pieces[0];
      return step.pieces.length === 1 && p?.kind === 'memory' ? p.address : undefined;
    }
    if (step.kind === 'need-addrx') step = step.resume(v.unit.addrxRaw(step.index));
    else return undefined;
  }
  return undefined;
}

export interface StaticScopeOptions {
  /** Accept writes into a private copy of the image (gdb cannot write without a process; tests and scratch sessions can). */
  writable?: boolean;
  /** Register values to present ($rax, $pc...); without them registers report "No registers.". */
  registers?: Map<string, bigint>;
  /** Share an existing type reader (and its cache). */
  types?: DwarfTypes;
}

/** gdb's type for a code symbol without debug info: printed by its name, its return type unknown (an int's size). */
const NODEBUG_TEXT: FunctionType = {
  kind: 'function', name: '<text variable, no debug info>', returnType: { ...builtin.int, name: '<unknown return type>' }, params: [], prototyped: false, varargs: false,
};

export class StaticScope implements EvalScope {
  readonly types: DwarfTypes;
  readonly readMemory: (addr: bigint, len: number) => Promise<Uint8Array>;
  readonly writeMemory?: (addr: bigint, data: Uint8Array) => Promise<void>;
  readonly readRegister?: (name: string) => Promise<bigint | undefined>;
  readonly writeRegister?: (name: string, value: bigint) => Promise<void>;

  constructor(readonly program: Program, readonly history = new ValueHistory(), opts: StaticScopeOptions = {}) {
    this.types = opts.types ?? new DwarfTypes(program.dwarf);
    const file = fileMemory(program);
    if (opts.writable) {
      const overlay = new Map<bigint, number>();
      this.readMemory = async (addr, len) => {
        const out = await file(addr, len);
        for (let i = 0; i < len; i++) {
          const b = overlay.get(addr + BigInt(i));
          if (b !== undefined) out[i] = b;
        }
        return out;
      };
      this.writeMemory = async (addr, data) => {
        await file(addr, data.length); // unmapped addresses fail like reads
        data.forEach((b, i) => overlay.set(addr + BigInt(i), b));
      };
    } else this.readMemory = file;
    const regs = opts.registers;
    if (regs) {
      this.readRegister = async (name) => regs.get(name);
      this.writeRegister = async (name, value) => {
        regs.set(name, BigInt.asUintN(64, value));
      };
    }
  }

  lookupVariable(name: string): Value | undefined {
    return this.lookupDefinedVariable(name) ?? this.declaredVariable(name);
  }

  /**
   * A global with storage or a constant value here (not an extern declaration), or an enumerator: what another
   * image's scope answers for a name the frame's image does not define (`print environ` in libc).
   */
  lookupDefinedVariable(name: string): Value | undefined {
    const vars = this.program.lookupGlobal(name);
    const defined = vars.filter((x) => x.location.kind === 'const' || staticAddress(x) !== undefined);
    const v = defined.find((x) => x.kind === 'global') ?? defined[0];
    if (v) {
      const type = this.types.typeAt(v.typeOffset);
      if (v.location.kind === 'const') return constValue(type, v.location.value);
      return Value.at(type, staticAddress(v)!);
    }
    const e = this.types.lookupEnumerator(name);
    if (e) return Value.fromBigInt(e.type, e.value);
    return undefined;
  }

  /**
   * A global whose location only a live process can compute (a thread-local variable: DW_OP_form_tls_address),
   * with its type from this image's debug info.
   */
  computedGlobal(name: string): { variable: Variable; type: Type } | undefined {
    const v = this.program.lookupGlobal(name).find((x) => (x.location.kind === 'expr' || x.location.kind === 'loclist') && staticAddress(x) === undefined);
    return v ? { variable: v, type: this.types.typeAt(v.typeOffset) } : undefined;
  }

  /** A global known here only by a declaration, or whose location is not static storage (optimized out for us). */
  private declaredVariable(name: string): Value | undefined {
    const type = this.declaredType(name);
    return type ? Value.optimizedOut(type) : undefined;
  }

  /** The type of a global this image declares or defines (`extern char **environ;`). */
  declaredType(name: string): Type | undefined {
    const vars = this.program.lookupGlobal(name);
    const v = vars.find((x) => x.kind === 'global') ?? vars[0];
    return v ? this.types.typeAt(v.typeOffset) : undefined;
  }

  /** The address of this image's data symbol `name` (gdb's minimal symbol), when it has one. */
  dataSymbol(name: string): bigint | undefined {
    return this.program.symbols.objectNamed(name)?.value;
  }

  lookupFunction(name: string): FunctionSymbol | undefined {
    for (const e of this.program.dwarf.index.definedFunctions(name)) {
      const die = this.program.dwarf.dieAt(e.offset);
      const address = e.lowPc ?? die.pcRanges()[0]?.start;
      if (address === undefined) continue;
      const type: FunctionType = this.types.functionType(die);
      return { type, address };
    }
    // An ELF alias of a function the debug info knows by another name (libc's malloc is __libc_malloc), as gdb
    // finds it through the minimal symbol and types it by the function at that address.
    const sym = this.program.symbols.functionNamed(name);
    const fn = sym ? this.program.functionAt(sym.value) : undefined;
    if (sym && fn && fn.entryPc === sym.value) return { type: this.types.functionType(this.program.dwarf.dieAt(fn.dieOffset)), address: sym.value };
    // Code the debug info does not describe (an assembler entry, a library without debug info): gdb's minimal symbol.
    if (sym && !fn) return { type: NODEBUG_TEXT, address: sym.value };
    return undefined;
  }

  symbolize(addr: bigint, linkage = false): string | undefined {
    return this.program.symbolLabel(addr, linkage);
  }

  lookupTypedef(name: string): Type | undefined {
    return this.types.lookupTypedef(name);
  }

  lookupTag(kind: 'struct' | 'union' | 'enum', name: string): Type | undefined {
    return this.types.lookupTag(kind, name);
  }
}

function constValue(type: Type, v: { kind: string; value: unknown }): Value {
  const size = 'size' in resolve(type) ? (resolve(type) as { size: number }).size : 8;
  if (v.kind === 'block' && v.value instanceof Uint8Array) return Value.fromBytes(type, Uint8Array.from(v.value.subarray(0, size)));
  if (typeof v.value === 'number' || typeof v.value === 'bigint') return Value.fromBytes(type, bigIntToBytes(BigInt(v.value), size));
  return Value.optimizedOut(type);
}
