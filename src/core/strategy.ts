// The two software breakpoint strategies (DESIGN.md): `trap` = int3 reported by the target, `spin` = `jmp .` found by polling.
import { x86_64 } from '../arch/arch.js';
import type { TrapPc } from '../target/contract.js';

export type StrategyName = 'trap' | 'spin';

export interface BreakpointStrategy {
  readonly name: StrategyName;
  /** Bytes written at a breakpoint address. */
  readonly bytes: Uint8Array;
  /** Whether an instruction of this length can carry the patch without touching the next one. */
  fits(instructionLength: number): boolean;
  /**
   * Given the pc a vCPU reports after a trap, the breakpoint address it hit, or undefined. For trap
   * the target's rule says where pc is (after-int3: pc-1, the CPU moved past the int3; at-int3: pc).
   */
  hitAddress(pc: bigint, isSite: (a: bigint) => boolean, trapPc: TrapPc): bigint | undefined;
}

export const TRAP: BreakpointStrategy = {
  name: 'trap',
  bytes: x86_64.breakpointInstruction,
  fits: () => true,
  hitAddress: (pc, isSite, trapPc) => {
    const at = trapPc === 'after-int3' ? pc - 1n : pc;
    return isSite(at) ? at : undefined;
  },
};

export const SPIN: BreakpointStrategy = {
  name: 'spin',
  bytes: x86_64.spinInstruction,
  fits: (len) => len >= 2,
  // A vCPU spinning on `jmp .` sits exactly at the site: no rewind.
  hitAddress: (pc, isSite) => (isSite(pc) ? pc : undefined),
};

export function strategyByName(name: StrategyName): BreakpointStrategy {
  return name === 'trap' ? TRAP : SPIN;
}
