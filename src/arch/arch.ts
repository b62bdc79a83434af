// The architecture object (Delve's Arch): every x86-64 fact core, eval, ui and targets need, in one place.
import type { InstructionStepper, MemoryRead } from './types.js';
import { disassemble, disassemblyLine, formatInstruction, type DisassembleOptions, type Instruction, type Symbolizer } from './x86-64/decode.js';
import { CALLEE_SAVED, DW_REG_RBP, DW_REG_RIP, DW_REG_RSP, dwarfRegName, dwarfRegNumber } from './x86-64/dwarf-regs.js';
import { formatEflags } from './x86-64/eflags.js';
import { framePrologueLength } from './x86-64/prologue.js';
import { ARCHITECTURE_NAME, FLAGS_REGISTER, FP_REGISTER, GENERAL_REGISTERS, PC_REGISTER, SP_REGISTER } from './x86-64/registers.js';
import { returnValueLocation, type ReturnClass, type ReturnLocation } from './x86-64/return-value.js';
import { instructionAt, x86Stepper } from './x86-64/stepper.js';

export type { InstructionStepper, MemoryRead } from './types.js';
export type { Instruction, Symbolizer } from './x86-64/decode.js';
export type { ReturnClass, ReturnLocation } from './x86-64/return-value.js';

export interface Arch {
  /** gdb's name of the architecture (target.xml <architecture>). */
  readonly name: string;
  readonly pcRegister: string;
  readonly spRegister: string;
  readonly fpRegister: string;
  readonly flagsRegister: string;
  /** Register names core reads and writes; a backend maps them onto its own layout. */
  readonly generalRegisters: readonly string[];
  /** The trapping breakpoint instruction (int3): the pc a trap reports is just past it. */
  readonly breakpointInstruction: Uint8Array;
  /** A branch to itself (`jmp .`): a vCPU reaching it spins there until we find it. */
  readonly spinInstruction: Uint8Array;
  /** DWARF register numbering (psABI): pc/sp/fp columns, callee-saved registers, names both ways. */
  readonly dwarf: {
    readonly pc: number;
    readonly sp: number;
    readonly fp: number;
    readonly calleeSaved: readonly number[];
    name(n: number): string;
    number(name: string): number | undefined;
  };
  /** The flags register as gdb prints it after its hex value: "[ PF ZF IF ]". */
  formatFlags(value: bigint): string;
  /** Bytes of frame-setup prologue at the start of `code` (0 when there is none). */
  prologueLength(code: Uint8Array): number;
  /** Where a returning function left a value of `size` bytes and class `cls`. */
  returnValue(size: number, cls: ReturnClass, reg: (name: string) => bigint | undefined): ReturnLocation | undefined;
  /** Decode-and-predict stepping for targets without hardware single-step. */
  readonly stepper: InstructionStepper;
  instructionAt(address: bigint, read: MemoryRead): Promise<Instruction>;
  disassemble(bytes: Uint8Array, address: bigint, opts?: DisassembleOptions): Promise<Instruction[]>;
  /** An instruction as gdb prints it: "mov    %rsp,%rbp", "call   0x1040 <printf@plt>". */
  formatInstruction(insn: Instruction, symbolize?: Symbolizer): string;
  /** A `disassemble` / `x/i` line: "=> ADDRESS-COLUMN\tINSTRUCTION". */
  disassemblyLine(insn: Instruction, addressColumn: string, isPc: boolean, symbolize?: Symbolizer): string;
}

export const x86_64: Arch = {
  name: ARCHITECTURE_NAME,
  pcRegister: PC_REGISTER,
  spRegister: SP_REGISTER,
  fpRegister: FP_REGISTER,
  flagsRegister: FLAGS_REGISTER,
  generalRegisters: GENERAL_REGISTERS,
  breakpointInstruction: Uint8Array.of(0xcc),
  spinInstruction: Uint8Array.of(0xeb, 0xfe),
  dwarf: { pc: DW_REG_RIP, sp: DW_REG_RSP, fp: DW_REG_RBP, calleeSaved: CALLEE_SAVED, name: dwarfRegName, number: dwarfRegNumber },
  formatFlags: formatEflags,
  prologueLength: framePrologueLength,
  returnValue: returnValueLocation,
  stepper: x86Stepper,
  instructionAt,
  disassemble,
  formatInstruction,
  disassemblyLine,
};
