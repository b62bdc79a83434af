// print/FMT of scalars (gdb's print_scalar_formatted): /x /z /o /t /d /u /c /a /f on the value's bytes.
import { UserError } from '../util/errors.js';
import { resolve, isSigned, builtin, type FloatType, type Type } from '../symbols/types.js';
import { Value, bytesToBigInt, unpackLong } from './value.js';
import { formatFloatBytes } from './floats.js';
import { charLiteral } from './chars.js';

export const FORMAT_LETTERS = 'xduotacfszi';

/** A float type of the same length as `t` (gdb's float_type_from_length), else undefined. */
function floatOfLength(len: number): FloatType | undefined {
  if (len === 4) return builtin.float;
  if (len === 8) return builtin.double;
  if (len === 16) return builtin.longDouble;
  return undefined;
}

function hex(n: bigint): string {
  return n.toString(16);
}

/** Print a scalar value's bytes in format `fmt`. `addressText` renders /a addresses with their symbol. */
export function printScalarFormatted(v: Value, fmt: string, addressText: (addr: bigint) => string): string {
  const t: Type = resolve(v.type);
  const bytes = v.bytes;
  const len = bytes.length;
  let format = fmt;
  if (format === 'f' && t.kind !== 'float') {
    const ft = floatOfLength(len);
    if (ft) return formatFloatBytes(bytes, ft.format);
    format = '';
  }
  const unsigned = bytesToBigInt(bytes, false);
  // A function's "value" is its first code byte, which gdb treats as signed.
  const signed = t.kind === 'function' || isSigned(t);
  switch (format) {
    case 'x': return `0x${hex(unsigned)}`;
    case 'z': return `0x${hex(unsigned).padStart(len * 2, '0')}`;
    case 'o': return unsigned === 0n ? '0' : `0${unsigned.toString(8)}`;
    case 't': return unsigned.toString(2);
    case 'd': return bytesToBigInt(bytes, true).toString();
    case 'u': return unsigned.toString();
    case 'f':
    case '':
      if (t.kind === 'float') return formatFloatBytes(bytes, t.format);
      return bytesToBigInt(bytes, signed).toString();
    case 'c': {
      const n = unpackLong(v);
      const unsignedType = !isSigned(t) && t.kind !== 'float';
      const ch = unsignedType ? BigInt.asUintN(8, n) : BigInt.asIntN(8, n);
      return `${ch} ${charLiteral(Number(BigInt.asUintN(8, n)))}`;
    }
    case 'a': return addressText(BigInt.asUintN(64, unpackLong(v)));
    case 's': return bytesToBigInt(bytes, signed).toString();
    default:
      throw new UserError(`Undefined output format "${format}".`);
  }
}
