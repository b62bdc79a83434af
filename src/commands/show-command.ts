// show SETTING: the settings duster-tui has, in gdb's sentences (show version: our own name and version).
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import type { Command } from './registry.js';
import { packageRoot } from '../util/package-root.js';
import { join } from 'node:path';

/** `--version` and `show version`: our name and version (package.json), then what we debug with, as gdb's first lines. */
export function versionText(): string {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // a copy without package.json still answers
  }
  return `duster-tui ${version}\nA full-screen debugger for C programs over the GDB remote protocol and for Xen PV guests.\nNode ${process.versions.node}.\n`;
}

const SETTINGS: { name: RegExp; text: (ctx: CommandContext) => string }[] = [
  { name: /^version$/, text: () => versionText() },
  { name: /^args$/, text: (ctx) => `Argument list to give program being debugged when it is started is "${ctx.programArgsText ?? (ctx.programArgs ?? ctx.session?.programArgs ?? []).join(' ')}".\n` },
  { name: /^breakpoint\s+pending$/, text: (ctx) => `Debugger's behavior regarding pending breakpoints is ${ctx.breakpointPending ?? 'auto'}.\n` },
  { name: /^(sysroot|solib-absolute-prefix)$/, text: (ctx) => `The current system root is "${ctx.session?.images.sysroot ?? '/'}".\n` },
  { name: /^can-use-hw-watchpoints$/, text: (ctx) => `Debugger's willingness to use watchpoint hardware is ${ctx.session?.watchpoints.hardware === false ? 0 : 1}.\n` },
  { name: /^exec-file-mismatch$/, text: (ctx) => `exec-file-mismatch handling is currently "${ctx.execFileMismatch ?? 'ask'}".\n` },
  { name: /^confirm$/, text: () => 'Whether to confirm potentially dangerous operations is on.\n' },
  { name: /^listsize$/, text: () => 'Number of source lines gdb will list by default is 10.\n' },
];

function show(args: string, ctx: CommandContext): void {
  const what = args.trim().replace(/\s+/g, ' ');
  if (!what) throw new UserError('"show" needs a setting: show version | args | breakpoint pending | sysroot | can-use-hw-watchpoints | exec-file-mismatch | confirm | listsize.');
  const s = SETTINGS.find((x) => x.name.test(what));
  if (!s) throw new UserError(`Undefined show command: "${what}".  Try "help show".`);
  ctx.out.print(s.text(ctx));
}

export const showCommands: Command[] = [
  { name: 'show', help: 'Show a setting: show version | args | breakpoint pending | sysroot | can-use-hw-watchpoints | exec-file-mismatch | confirm | listsize.', run: show },
];
