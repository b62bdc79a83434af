// Commands that need no program: echo, help, quit.
import type { CommandContext } from './context.js';
import { QuitRequest, unescapeEcho } from './interpreter.js';
import type { Command, CommandTable } from './registry.js';

export function basicCommands(table: () => CommandTable): Command[] {
  return [
    { name: 'echo', help: 'Print text (C escapes such as \\n are understood).', run: (a, ctx) => ctx.out.print(unescapeEcho(a)) },
    {
      name: 'help', aliases: ['h'], help: 'List commands, or describe one: help COMMAND.',
      run: (a, ctx: CommandContext) => {
        const t = table();
        if (a.trim()) {
          const { command } = t.resolve(a.trim());
          const subs = command.sub ? '\n\nSubcommands:\n' + command.sub.all().map((c) => `  ${command.name} ${c.name} -- ${c.help}`).join('\n') : '';
          ctx.out.print(`${command.help}${command.aliases?.length ? `\nAliases: ${command.aliases.join(', ')}` : ''}${subs}\n`);
          return;
        }
        const rows = t.all().map((c) => `  ${c.name.padEnd(12)} ${c.aliases?.length ? `(${c.aliases.join(', ')}) ` : ''}-- ${c.help}`);
        ctx.out.print(`List of commands:\n\n${rows.join('\n')}\n\nType "help" followed by a command name for more.\n`);
      },
    },
    {
      name: 'quit', aliases: ['q', 'exit'], help: 'Leave the debugger (restores every patched byte and detaches).',
      run: () => {
        throw new QuitRequest();
      },
    },
  ];
}
