// `core FILE` / `core-file FILE`: opens a Linux core or an `xl dump-core` image as a post-mortem session, with gdb's load messages.
import type { Session } from '../core/session.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { SessionEvaluation } from './eval-hooks.js';
import type { Command } from './registry.js';
import { backtraceLine, printSourceLine, sourceLine } from './report.js';

/**
 * Opens `path` as the session of `ctx` and prints what gdb prints on loading it: the load messages,
 * frame 0 and its source line, and the current thread when there are several. A core already open is
 * replaced; a live program is not (gdb would ask to kill it).
 */
export async function openCoreSession(ctx: CommandContext, path: string): Promise<void> {
  const program = ctx.program;
  if (!program) throw new UserError('No executable file specified: use --path ELF (the program the core belongs to).');
  if (ctx.session?.target.capabilities.canExecute) throw new UserError('A program is being debugged already; detach or kill it first.');
  // Loaded here, not at start: the session and the core readers are 31 modules a static query never needs.
  const [{ Session: SessionClass }, { openCoreFile }] = await Promise.all([import('../core/session.js'), import('../target/core-file/open.js')]);
  const target = openCoreFile(path, program.elf);
  let session: Session;
  try {
    session = await SessionClass.start({ program, target, ...(target.processId !== undefined ? { pid: target.processId } : {}) });
  } catch (e) {
    target.close();
    throw e;
  }
  await ctx.session?.shutdown();
  ctx.session = session;
  ctx.list.file = undefined;
  session.setEvaluation(new SessionEvaluation(session));
  const lines = [...target.loadMessages];
  const frame = (await session.backtrace(1).catch(() => []))[0];
  if (frame) lines.push(backtraceLine(frame, session));
  if (lines.length) ctx.out.print(lines.join('\n') + '\n');
  if (frame) printSourceLine(ctx, sourceLine(ctx.sources, frame.location, false));
  const threads = await session.listVcpus();
  if (threads.length > 1) ctx.out.print(`[Current thread is 1 (${threads[0]!.name})]\n`);
}

export const coreCommands: Command[] = [
  {
    name: 'core-file', aliases: ['core'], help: 'Debug a core file post mortem: core FILE (a Linux core or an xl dump-core image).',
    run: async (args, ctx) => {
      const path = args.trim();
      if (!path) throw new UserError('No core file now.');
      await openCoreSession(ctx, path);
    },
  },
];
