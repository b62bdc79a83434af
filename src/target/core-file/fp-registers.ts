// NT_FPREGSET (FXSAVE) values as gdb shows them: st0-7, fctrl, fstat, the full ftag, fiseg/fioff, foseg/fooff, fop, xmm0-15, mxcsr.

/** Tag of one x87 register from its 80-bit contents: 0 valid, 1 zero, 2 special (FXSAVE keeps only empty / not empty). */
function fullTag(value: bigint): bigint {
  const exponent = (value >> 64n) & 0x7fffn;
  const mantissa = value & 0xffff_ffff_ffff_ffffn;
  if (exponent === 0x7fffn) return 2n;
  if (exponent === 0n) return mantissa === 0n ? 1n : 2n;
  return mantissa >> 63n ? 0n : 2n;
}

export function fpRegistersInGdbOrder(fp: ReadonlyMap<string, bigint>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (!fp.size) return out;
  const get = (n: string): bigint => fp.get(n) ?? 0n;
  for (let i = 0; i < 8; i++) out.set(`st${i}`, get(`st${i}`));
  const fstat = get('fstat');
  const top = Number((fstat >> 11n) & 7n);
  const abridged = get('ftag_abridged');
  let ftag = 0n;
  for (let phys = 0; phys < 8; phys++) {
    // Physical register `phys` is st((phys - top) mod 8).
    const tag = abridged & (1n << BigInt(phys)) ? fullTag(get(`st${(phys - top + 8) % 8}`)) : 3n;
    ftag |= tag << BigInt(2 * phys);
  }
  out.set('fctrl', get('fctrl'));
  out.set('fstat', fstat);
  out.set('ftag', ftag);
  // The 64-bit FXSAVE image keeps 64-bit instruction/operand pointers; gdb splits them into segment:offset halves.
  out.set('fiseg', (get('fioff') >> 32n) & 0xffffn);
  out.set('fioff', get('fioff') & 0xffff_ffffn);
  out.set('foseg', (get('fooff') >> 32n) & 0xffffn);
  out.set('fooff', get('fooff') & 0xffff_ffffn);
  out.set('fop', get('fop'));
  for (let i = 0; i < 16; i++) out.set(`xmm${i}`, get(`xmm${i}`));
  out.set('mxcsr', get('mxcsr'));
  return out;
}
