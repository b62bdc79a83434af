// The whole command language, assembled into one table (line mode, batch mode and the TUI share it).
import { basicCommands } from './basic-commands.js';
import { breakpointCommands } from './breakpoint-commands.js';
import { CommandTable } from './registry.js';
import { runCommands } from './run-commands.js';
import { staticCommands, staticInfoCommands } from './static-commands.js';
import { sessionInfoCommands, frameCommands } from './frame-commands.js';
import { dataCommands, dataInfoCommands } from './data-commands.js';
import { maintCommands } from './maint-commands.js';
import { xenCommands, xenInfoCommands } from './xen-commands.js';
import { coreCommands } from './core-command.js';
import { libraryInfoCommands } from './library-commands.js';
import { watchCommands, watchInfoCommands } from './watch-commands.js';
import { fileCommands } from './file-command.js';
import { threadCommands, threadInfoCommands } from './thread-commands.js';
import { registerSignalCommands } from './signal-commands.js';
import { showCommands } from './show-command.js';

export function buildCommandTable(): CommandTable {
  const table = new CommandTable();
  const info = new CommandTable('info');
  info.add(...staticInfoCommands, ...sessionInfoCommands, ...dataInfoCommands, ...xenInfoCommands, ...threadInfoCommands, ...libraryInfoCommands, ...watchInfoCommands);
  table.add(
    ...basicCommands(() => table),
    ...runCommands,
    ...breakpointCommands,
    ...watchCommands,
    ...frameCommands,
    ...dataCommands,
    ...staticCommands,
    ...maintCommands,
    ...xenCommands,
    ...coreCommands,
    ...fileCommands,
    ...showCommands,
    ...threadCommands(() => table),
    { name: 'info', aliases: ['i', 'inf'], help: 'Show things about the program: info breakpoints, registers, frame, line, source, locals ...', sub: info },
  );
  registerSignalCommands(table, info);
  return table;
}
