// Whether a spin site may go on a one-byte instruction: its `jmp .` also covers the next instruction's first byte.
import { x86_64 } from '../arch/arch.js';
import type { Target } from '../target/contract.js';
import type { Program } from '../symbols/program.js';

/** How far above each vCPU's stack pointer saved contexts are looked for (interrupt frames of the code it runs now). */
const STACK_SCAN = 16 * 1024;
/** Functions larger than this are not decoded for the check (the site is refused instead). */
const MAX_FUNCTION = 512 * 1024;

/**
 * Why nothing but the instruction at `address` may ever run the byte after it, or the reason it might (a sentence
 * for the refusal). The patch is sound when the next instruction is only reached through the one-byte one: core
 * steps a vCPU out of the covered byte before it plants again (RunControl.siteCovering). What else could enter it:
 * a branch of the function to that byte, a vCPU sitting there now, or a context saved there by an interrupt (on the
 * stack of the code a vCPU runs now). Most -O2 functions begin with `push %rbp`, so `break FUNC` needs this.
 */
export async function secondByteReachable(
  address: bigint,
  program: Program,
  target: Target,
  read: (a: bigint, n: number) => Promise<Uint8Array>,
): Promise<string | undefined> {
  const next = address + 1n;
  const fn = program.functionAt(address);
  const sym = fn ? undefined : program.symbols.lookup(address);
  const ranges = fn?.ranges ?? (sym && sym.symbol.size > 0 ? [{ start: address - sym.offset, end: address - sym.offset + BigInt(sym.symbol.size) }] : []);
  if (ranges.length === 0) return 'no function around it tells which code may jump to the next one';
  for (const r of ranges) {
    if (r.end - r.start > BigInt(MAX_FUNCTION)) return 'its function is too large to check for jumps to the next one';
    for (const insn of await x86_64.disassemble(await read(r.start, Number(r.end - r.start)), r.start)) {
      if (insn.target === next) return `the ${insn.mnemonic} at 0x${insn.address.toString(16)} goes to the next one`;
    }
  }
  const want = Buffer.alloc(8);
  want.writeBigUInt64LE(next);
  for (const v of (await target.listVcpus()).filter((x) => x.online)) {
    const regs = await target.readRegisters(v.id);
    if (regs.get(x86_64.pcRegister) === next) return `${v.name} is at the next one`;
    const sp = regs.get(x86_64.spRegister);
    if (sp === undefined) continue;
    for (let page = sp & ~0xfffn; page < sp + BigInt(STACK_SCAN); page += 0x1000n) {
      let bytes: Uint8Array;
      try {
        bytes = await read(page, 0x1000);
      } catch {
        break; // the top of the stack
      }
      if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(want) >= 0) return `a context saved on ${v.name}'s stack returns to the next one`;
    }
  }
  return undefined;
}
