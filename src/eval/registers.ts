// x86-64 registers as gdb names and types them: $rip, $sp, $eax, $al, $eflags...
import { builtin, pointerTo, type FlagsType, type Type } from '../symbols/types.js';
import type { RegisterInfo } from './scope.js';

const codePtr: Type = pointerTo({ kind: 'function', returnType: builtin.void, params: [], prototyped: false, varargs: false });
const dataPtr: Type = pointerTo(builtin.void);

export const EFLAGS_TYPE: FlagsType = {
  kind: 'flags', name: 'i386_eflags', size: 4,
  fields: [
    ['CF', 0], ['', 1], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10], ['OF', 11],
    ['NT', 14], ['RF', 16], ['VM', 17], ['AC', 18], ['VIF', 19], ['VIP', 20], ['ID', 21],
  ].map(([name, bit]) => ({ name: name as string, bit: bit as number })),
};

const TABLE = new Map<string, RegisterInfo>();

function add(name: string, base: string, type: Type, shift: number, bits: number): void {
  TABLE.set(name, { base, type, shift, bits });
}

const LEGACY = ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp', 'sp'];
for (const r of LEGACY) {
  const base = `r${r}`;
  add(base, base, r === 'sp' || r === 'bp' ? dataPtr : builtin.int64, 0, 64);
  add(`e${r}`, base, builtin.int32, 0, 32);
  add(r, base, builtin.int16, 0, 16);
  add(r.length === 2 && r.endsWith('x') ? `${r[0]}l` : `${r}l`, base, builtin.int8, 0, 8);
  if (r.endsWith('x')) add(`${r[0]}h`, base, builtin.int8, 8, 8);
}
for (let i = 8; i <= 15; i++) {
  const base = `r${i}`;
  add(base, base, builtin.int64, 0, 64);
  add(`r${i}d`, base, builtin.int32, 0, 32);
  add(`r${i}w`, base, builtin.int16, 0, 16);
  add(`r${i}l`, base, builtin.int8, 0, 8);
}
add('rip', 'rip', codePtr, 0, 64);
add('pc', 'rip', codePtr, 0, 64);
add('sp', 'rsp', dataPtr, 0, 64);
add('fp', 'rbp', dataPtr, 0, 64);
add('eflags', 'eflags', EFLAGS_TYPE, 0, 32);
add('ps', 'eflags', EFLAGS_TYPE, 0, 32);
for (const s of ['cs', 'ss', 'ds', 'es', 'fs', 'gs']) add(s, s, builtin.int32, 0, 32);
add('fs_base', 'fs_base', builtin.long, 0, 64);
add('gs_base', 'gs_base', builtin.long, 0, 64);

/** The register called `name` ($ omitted), or undefined when it is not a register name. */
export function registerInfo(name: string): RegisterInfo | undefined {
  return TABLE.get(name);
}
