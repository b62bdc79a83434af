// `file PROG` (alias exec-file): load the program whose symbols the static commands use, as gdb does before `run`.
import { openElf } from '../elf/elf.js';
import { Program } from '../symbols/program.js';
import { UserError } from '../util/errors.js';
import type { Command } from './registry.js';

export const fileCommands: Command[] = [
  {
    name: 'file', aliases: ['exec-file', 'symbol-file'], help: 'Use FILE as the program to debug: its symbols, lines and types (file PROG).',
    run: (args, ctx) => {
      const path = args.trim();
      if (!path) throw new UserError('No executable file now.');
      if (ctx.session) throw new UserError('A program is being debugged already; the file cannot be changed under it (detach or kill it first).');
      let program: Program;
      try {
        program = new Program(openElf(path));
      } catch (e) {
        if (e instanceof UserError) throw new UserError(e.message.startsWith(`${path}: `) ? e.message : `${path}: ${e.message}`);
        throw e;
      }
      program.dwarf.onWarning((m) => ctx.out.error(m));
      if (ctx.fromTerminal) ctx.out.print(`Reading symbols from ${path}...\n`); // gdb says it at a terminal only
      if (!program.dwarf.hasDebugInfo) ctx.out.print(`(No debugging symbols found in ${path})\n`);
      ctx.program = program;
      ctx.list = {};
    },
  },
];
