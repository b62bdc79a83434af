// Struct/union member access on values, including bitfields and anonymous members (searched like gdb).
import { nestedType, resolve, isSigned, type Member, type StructType, type Type } from '../symbols/types.js';
import { Value, valueSize, bigIntToBytes, BYTE_OK } from './value.js';

/** The value of member `m` of struct/union value `v`. Bitfields need `v` fetched. */
export function memberValue(v: Value, m: Member): Value {
  if (!m.bitSize) return v.component(m.type, m.bitPos / 8);
  const size = valueSize(m.type, 4);
  const first = Math.floor(m.bitPos / 8);
  const last = Math.floor((m.bitPos + m.bitSize - 1) / 8);
  const src = v.bytes;
  let raw = 0n;
  for (let i = last; i >= first; i--) raw = (raw << 8n) | BigInt(src[i] ?? 0);
  raw = (raw >> BigInt(m.bitPos - first * 8)) & ((1n << BigInt(m.bitSize)) - 1n);
  const t = resolve(m.type);
  if (isSigned(t) && t.kind !== 'float') raw = BigInt.asIntN(m.bitSize, raw);
  const st = v.stateOfBits(m.bitPos, m.bitSize);
  const state = st === BYTE_OK ? undefined : new Uint8Array(size).fill(st);
  return new Value(m.type, v.lval, bigIntToBytes(raw, size), state, { bitPos: m.bitPos + bitfieldBase(v), bitSize: m.bitSize });
}

function bitfieldBase(v: Value): number {
  return v.bitfield ? v.bitfield.bitPos : 0;
}

/** A member path: the chain of members (through anonymous structs/unions) leading to `name`. */
export function findMember(t: StructType, name: string): Member[] | undefined {
  for (const m of t.members) {
    if (m.name === name) return [m];
  }
  for (const m of t.members) {
    if (m.name === undefined || m.name === '') {
      const inner = resolve(m.type);
      if (inner.kind === 'struct' || inner.kind === 'union') {
        const path = nestedType(() => findMember(inner, name));
        if (path) return [m, ...path];
      }
    }
  }
  return undefined;
}

/** Follow a member path from a struct value. */
export function memberPathValue(v: Value, path: Member[]): Value {
  let cur = v;
  for (const m of path) cur = memberValue(cur, m);
  return cur;
}

export function isAggregate(t: Type): t is StructType {
  const k = t.kind;
  return k === 'struct' || k === 'union';
}
