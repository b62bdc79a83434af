// The memory x and disassemble read: the stopped process through core, else the executable's own sections.
import type { CommandContext } from './context.js';
import { staticScopeOf } from './eval-hooks.js';
import type { MemorySource } from './examine.js';
import { needProgram } from './linespec-static.js';

/** The stopped program (patches masked by core); before `run` and after exit, the file as gdb reads it. */
export async function memorySource(ctx: CommandContext): Promise<MemorySource> {
  const program = needProgram(ctx);
  const s = ctx.session;
  if (s && s.state !== 'exited') {
    s.requireStopped();
    return { program: s.program, readMemory: (a, n) => s.readMemory(a, n), pc: (await s.frame()).pc };
  }
  return { program, readMemory: staticScopeOf(program).readMemory };
}
