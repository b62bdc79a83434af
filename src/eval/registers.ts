// x86-64 registers as gdb names and types them: $rip, $sp, $eax, $al, $eflags... (names from the arch table).
import { EFLAGS_FIELDS } from '../arch/x86-64/eflags.js';
import { FLAGS_REGISTER, FP_REGISTER, PC_REGISTER, SEGMENT_BASES, SEGMENT_REGISTERS, SP_REGISTER, SUB_REGISTERS } from '../arch/x86-64/registers.js';
import { pseudoParts, X87_CONTROL, X87_REGISTERS, MXCSR_REGISTER } from '../arch/x86-64/register-groups.js';
import { builtin, pointerTo, type FlagsType, type Type } from '../symbols/types.js';
import { I387_EXT, MXCSR_TYPE, UINT64, VEC128, VEC256, VEC512, YMMH_TYPE, ZMMH_TYPE } from './register-types.js';
import type { RegisterInfo } from './scope.js';

const codePtr: Type = pointerTo({ kind: 'function', returnType: builtin.void, params: [], prototyped: false, varargs: false });
const dataPtr: Type = pointerTo(builtin.void);

export const EFLAGS_TYPE: FlagsType = { kind: 'flags', name: 'i386_eflags', size: 4, fields: EFLAGS_FIELDS };

const TABLE = new Map<string, RegisterInfo>();

function add(name: string, base: string, type: Type, shift: number, bits: number): void {
  TABLE.set(name, { base, type, shift, bits });
}

const INT_BY_BITS: Record<number, Type> = { 64: builtin.int64, 32: builtin.int32, 16: builtin.int16, 8: builtin.int8 };
for (const [name, s] of SUB_REGISTERS) {
  const type = name === PC_REGISTER ? codePtr : name === SP_REGISTER || name === FP_REGISTER ? dataPtr : INT_BY_BITS[s.bits]!;
  add(name, s.full, type, s.shift, s.bits);
}
add('pc', PC_REGISTER, codePtr, 0, 64);
add('sp', SP_REGISTER, dataPtr, 0, 64);
add('fp', FP_REGISTER, dataPtr, 0, 64);
add(FLAGS_REGISTER, FLAGS_REGISTER, EFLAGS_TYPE, 0, 32);
add('ps', FLAGS_REGISTER, EFLAGS_TYPE, 0, 32);
for (const s of SEGMENT_REGISTERS) add(s, s, builtin.int32, 0, 32);
for (const b of SEGMENT_BASES) add(b, b, builtin.long, 0, 64);

function addExtended(name: string, type: Type, bits: number): void {
  const parts = pseudoParts(name);
  TABLE.set(name, { base: parts ? parts[0]!.name : name, type, shift: 0, bits, extended: true, ...(parts ? { parts } : {}) });
}
for (const r of X87_REGISTERS) addExtended(r, I387_EXT, 80);
for (const r of X87_CONTROL) addExtended(r, builtin.int, 32);
addExtended(MXCSR_REGISTER, MXCSR_TYPE, 32);
for (let i = 0; i < 32; i++) {
  addExtended(`xmm${i}`, VEC128, 128);
  addExtended(`ymm${i}`, VEC256, 256);
  addExtended(`zmm${i}`, VEC512, 512);
  addExtended(`ymm${i}h`, YMMH_TYPE, 128);
  addExtended(`zmm${i}h`, ZMMH_TYPE, 256);
}
for (let i = 0; i < 8; i++) addExtended(`k${i}`, UINT64, 64);
addExtended('orig_rax', builtin.long, 64);

/** The register called `name` ($ omitted), or undefined when it is not a register name. */
export function registerInfo(name: string): RegisterInfo | undefined {
  return TABLE.get(name);
}
