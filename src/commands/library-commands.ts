// Shared-library commands: info sharedlibrary (gdb's table) and set/show sysroot.
import type { LibraryImage } from '../symbols/image-set.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { needSession } from './context.js';
import type { Command } from './registry.js';

function hex16(a: bigint): string {
  return '0x' + a.toString(16).padStart(16, '0');
}

/** gdb's From/To: the bounds of the library's .text; Syms Read: Yes, "Yes (*)" without debug info, No when unread. */
function row(l: LibraryImage): { from: string; to: string; syms: string; missingDebug: boolean } {
  const p = l.program;
  const text = p?.elf.section('.text');
  const range = text && text.size ? { from: hex16(text.addr), to: hex16(text.addr + BigInt(text.size)) } : { from: '', to: '' };
  if (!p) return { ...range, syms: 'No', missingDebug: false };
  const missingDebug = !p.hasDebugInfo;
  return { ...range, syms: missingDebug ? 'Yes (*)' : 'Yes', missingDebug };
}

/** `info sharedlibrary [REGEX]` in gdb's layout. */
export function sharedLibraryTable(libs: readonly LibraryImage[], regex?: string): string {
  let re: RegExp | undefined;
  try {
    re = regex ? new RegExp(regex) : undefined;
  } catch {
    throw new UserError(`Invalid regexp: ${regex}`);
  }
  const shown = libs.filter((l) => !re || re.test(l.name));
  if (!shown.length) return regex ? 'No shared libraries matched.\n' : 'No shared libraries loaded at this time.\n';
  const lines = [`${'From'.padEnd(20)}${'To'.padEnd(20)}${'Syms Read'.padEnd(12)}Shared Object Library`];
  let footnote = false;
  for (const l of shown) {
    const r = row(l);
    footnote ||= r.missingDebug;
    lines.push(`${r.from.padEnd(20)}${r.to.padEnd(20)}${r.syms.padEnd(12)}${l.name}`);
  }
  if (footnote) lines.push('(*): Shared library is missing debugging information.');
  return lines.join('\n') + '\n';
}

function infoSharedLibrary(args: string, ctx: CommandContext): void {
  const libs = ctx.session ? ctx.session.images.set.libraries : [];
  ctx.out.print(sharedLibraryTable(libs, args.trim() || undefined));
}

/** `set sysroot PATH` (the `set` command hands it here). */
export async function setSysroot(args: string, ctx: CommandContext): Promise<void> {
  const path = args.trim();
  if (!path) throw new UserError('Argument required (directory name).');
  await needSession(ctx).setSysroot(path);
}

export const libraryInfoCommands: Command[] = [
  { name: 'sharedlibrary', aliases: ['dll'], help: 'The shared libraries of the process: info sharedlibrary [REGEX].', run: infoSharedLibrary },
];
