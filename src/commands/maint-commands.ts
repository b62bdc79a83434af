// Maintenance commands for testing the debugger itself (gdb has the same family): maint crash.
import type { Command, CommandTable } from './registry.js';
import { CommandTable as Table } from './registry.js';

const maint: CommandTable = new Table('maintenance').add(
  {
    name: 'crash', help: 'Throw an internal error outside any command (tests that every way out restores the target).',
    run: () => {
      setTimeout(() => {
        throw new Error('maint crash: deliberate internal error');
      }, 0);
    },
  },
  { name: 'set-crash-hook', help: 'No-op kept for scripts.', run: () => {} },
);

export const maintCommands: Command[] = [{ name: 'maintenance', aliases: ['maint', 'mt'], help: 'Commands for testing duster-tui itself.', sub: maint }];
