// EvalScope: everything the evaluator asks of the outside world (symbols, memory, registers, history).
import type { ArrayBound, FunctionType, Type } from '../symbols/types.js';
import type { ReadMemory, Value, WriteMemory } from './value.js';
import type { TypeLookup } from './parse-type.js';
import type { ValueHistory } from './history.js';

export interface FunctionSymbol {
  type: FunctionType;
  address: bigint;
}

/**
 * The context an expression is evaluated in. core builds one from a live frame; tests build one
 * from an ELF file's initialised data (see static-scope.ts).
 */
export interface EvalScope extends TypeLookup {
  readMemory: ReadMemory;
  /** Absent: writes fail with "Cannot access memory at address 0x...", as gdb on an unstarted program. */
  writeMemory?: WriteMemory;
  /**
   * A variable (or enumerator constant) visible here: locals, then file statics, then globals — the
   * caller decides the order. Memory variables are best returned lazy (Value.at). `avoidSideEffects` (sizeof,
   * ptype, whatis): only the type matters, so a location that cannot be evaluated gives zeros (gdb's value_zero).
   */
  lookupVariable(name: string, avoidSideEffects?: boolean): Promise<Value | undefined> | Value | undefined;
  /** Whether the frame's own block chain (or its program's statics) names `name`: no other image is searched. */
  seesHere?(name: string): boolean;
  /** gdb's `NAME@entry` (a parameter's value when its function was called); absent without a frame. */
  entryValue?(name: string): Promise<Value>;
  /** What a synthetic pointer points to (`offset` bytes into the object of DIE `dieOffset`), as a value of `type`. */
  implicitPointerTarget?(dieOffset: number, offset: bigint, type: Type): Promise<Value>;
  /** A function by name (its type and entry address). */
  lookupFunction(name: string): FunctionSymbol | undefined;
  /**
   * gdb's <symbol+offset> for an address (ELF symbols: functions and data objects), or undefined. `linkage`: the ELF
   * name as written ("counter.2"), as gdb's x and /a print it, rather than its print name ("counter").
   */
  symbolize(addr: bigint, linkage?: boolean): string | undefined;
  /**
   * A 64-bit register of the selected frame by its base name (rax, rip, eflags...). Undefined when the
   * program has no registers (not running): the evaluator then reports "No registers.".
   */
  readRegister?(name: string): Promise<bigint | undefined>;
  writeRegister?(name: string, value: bigint): Promise<void>;
  /** True for a register the target has but cannot give the value of (printed <unavailable>). */
  registerUnavailable?(name: string): boolean;
  /** gdb's $fp: the selected frame's base address (not rbp). Without it $fp reads rbp. */
  frameBase?(): Promise<bigint | undefined>;
  /** The value of a run-time array bound (a VLA's DW_AT_upper_bound or DW_AT_count) in this frame. */
  resolveBound?(bound: ArrayBound): Promise<bigint | undefined>;
  /** Value history ($1, $, $$n) and convenience variables ($foo); shared across evaluations. */
  history: ValueHistory;
}

/** The type of a register as gdb presents it on x86-64. */
export interface RegisterInfo {
  /** Base register holding the bits (rax for eax). */
  base: string;
  type: Type;
  /** Bit offset and width inside the base register. */
  shift: number;
  bits: number;
  /** A pseudo register (ymm, zmm): the raw registers it is made of, low bits first (base is the first). */
  parts?: readonly { name: string; bits: number }[];
  /**
   * Not a general register: a target without it has no such register (gdb then takes `$name` for a
   * convenience variable), and the CFI never tracks it (callers' frames have the innermost value).
   */
  extended?: boolean;
}
