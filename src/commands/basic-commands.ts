// Commands that need no program: echo, help, apropos, quit.
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { HELP_DOCS } from './help-docs.js';
import { QuitRequest, unescapeEcho } from './interpreter.js';
import type { Command, CommandTable } from './registry.js';

/** "break, b, br" as gdb names a command with its aliases. */
function namesOf(c: Command, prefix: string): string {
  return [c.name, ...(c.aliases ?? [])].map((n) => (prefix ? `${prefix} ${n}` : n)).join(', ');
}

/** The command a help topic names ("info line"): words looked up table by table, so a prefix command alone is found too. */
function topic(t: CommandTable, text: string): { command: Command; path: string } {
  let table: CommandTable | undefined = t;
  let found: { command: Command; path: string } | undefined;
  for (const word of text.split(/\s+/)) {
    const c: Command | undefined = table?.lookup(word);
    if (!c) throw new UserError(`Undefined ${found ? `${found.path} ` : ''}command: "${word}".  Try "help${found ? ` ${found.path}` : ''}".${(table ?? t).didYouMean(word)}`);
    found = { command: c, path: found ? `${found.path} ${c.name}` : c.name };
    table = c.sub;
  }
  return found!;
}

/** `help COMMAND`: names, the summary, the long help, subcommands. */
function describe(command: Command, path: string): string {
  const prefix = path.split(' ').slice(0, -1).join(' ');
  const doc = HELP_DOCS[path];
  const subs = command.sub ? `\n\nList of ${command.name} subcommands:\n\n${command.sub.all().map((c) => `${namesOf(c, command.name)} -- ${c.help}`).join('\n')}` : '';
  return `${namesOf(command, prefix)}\n${command.help}${doc ? `\n${doc}` : ''}${subs}\n`;
}

/** Every command of the table and its subtables, with the path it is typed as. */
function everyCommand(t: CommandTable, prefix = ''): { command: Command; prefix: string }[] {
  return t.all().flatMap((c) => [{ command: c, prefix }, ...(c.sub ? everyCommand(c.sub, prefix ? `${prefix} ${c.name}` : c.name) : [])]);
}

export function basicCommands(table: () => CommandTable): Command[] {
  return [
    { name: 'echo', help: 'Print text (C escapes such as \\n are understood).', run: (a, ctx) => ctx.out.print(unescapeEcho(a)) },
    {
      name: 'help', aliases: ['h'], help: 'List commands, or describe one: help COMMAND.',
      run: (a, ctx: CommandContext) => {
        const t = table();
        if (a.trim()) {
          const { command, path } = topic(t, a.trim());
          ctx.out.print(describe(command, path));
          return;
        }
        const rows = t.all().map((c) => `  ${c.name.padEnd(12)} ${c.aliases?.length ? `(${c.aliases.join(', ')}) ` : ''}-- ${c.help}`);
        ctx.out.print(`List of commands:\n\n${rows.join('\n')}\n\nType "help" followed by a command name for more; "apropos WORD" searches them.\n`);
      },
    },
    {
      name: 'apropos', help: 'Search the commands\' names and help: apropos REGEXP.',
      run: (a, ctx) => {
        const text = a.trim();
        if (!text) throw new UserError('REGEXP string is empty');
        let re: RegExp;
        try {
          re = new RegExp(text, 'i');
        } catch (e) {
          throw new UserError(`Invalid regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
        }
        const rows = everyCommand(table())
          .filter(({ command: c, prefix }) => re.test(namesOf(c, prefix)) || re.test(c.help) || re.test(HELP_DOCS[prefix ? `${prefix} ${c.name}` : c.name] ?? ''))
          .map(({ command: c, prefix }) => `${namesOf(c, prefix)} -- ${c.help}`)
          .sort();
        if (!rows.length) throw new UserError(`No command matches "${text}".`);
        ctx.out.print(rows.join('\n') + '\n');
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
