// Frame commands: backtrace, frame/up/down, disassemble; info frame/registers/breakpoints.
import { UserError } from '../util/errors.js';
import { formatBreakpointTable } from './breakpoint-commands.js';
import type { CommandContext } from './context.js';
import type { Command } from './registry.js';
import { backtraceLine, printSourceLine, sourceLine } from './report.js';
import { needFrames, needSession } from './context.js';
import { disassembleText, parseDisassemble } from './disassemble.js';
import { memorySource } from './memory-source.js';
import { currentScope } from './eval-hooks.js';
import { infoFrameText } from './info-frame.js';
import { infoRegisters } from './register-info.js';

/** gdb's frame line and source line for the selected frame (frame, up, down, thread N). */
export async function printSelectedFrame(ctx: CommandContext): Promise<void> {
  const s = needSession(ctx);
  const f = (await s.backtrace(s.selectedFrame + 1))[s.selectedFrame];
  if (!f) return;
  const loc = { ...f.location };
  ctx.out.print(`${backtraceLine(f, s)}\n`);
  printSourceLine(ctx, sourceLine(ctx.sources, { ...loc, ...(f.caller ? { address: f.pc - 1n } : {}) }, false));
}

export const frameCommands: Command[] = [
  {
    name: 'backtrace', aliases: ['bt', 'where'], help: 'Print the call stack: backtrace [N] [full].',
    run: async (a, ctx) => {
      const s = needFrames(ctx, 'No stack.');
      const words = a.trim().split(/\s+/).filter(Boolean);
      const full = words.includes('full') || words.includes('-full');
      const nWord = words.find((w) => /^-?\d+$/.test(w));
      const frames = await s.backtrace();
      const n = nWord ? Number(nWord) : frames.length;
      const shown = n >= 0 ? frames.slice(0, n) : frames.slice(n);
      const out: string[] = [];
      for (const f of shown) {
        out.push(backtraceLine(f, s));
        if (full && s.evaluation) {
          const locals = await s.evaluation.frameLocals(f.level).catch((e: Error) => [`<${e.message}>`]);
          out.push(...(locals.length ? locals.map((l) => `        ${l}`) : ['No locals.']));
        }
      }
      // gdb says so only when the command came from a terminal (from_tty): never in batch mode or scripts.
      if (n >= 0 && n < frames.length && ctx.fromTerminal) out.push('(More stack frames follow...)');
      ctx.out.print(out.join('\n') + '\n');
    },
  },
  {
    name: 'frame', aliases: ['f'], help: 'Select and print a stack frame: frame [N].',
    run: async (a, ctx) => {
      const s = needFrames(ctx, 'No stack.');
      if (a.trim()) {
        const n = Number(a.trim().replace(/^level\s+/, ''));
        if (!Number.isInteger(n)) throw new UserError(`Invalid frame number "${a.trim()}".`);
        await s.selectFrame(n);
      }
      await printSelectedFrame(ctx);
    },
  },
  {
    name: 'up', help: 'Select the caller of the selected frame: up [N].',
    run: async (a, ctx) => {
      const s = needFrames(ctx, 'No stack.');
      const n = a.trim() ? Number(a) : 1;
      const frames = await s.frames();
      // gdb goes as far as it can; a plain `up` at the outermost frame is an error.
      if (!a.trim() && s.selectedFrame + 1 >= frames.length) throw new UserError('Initial frame selected; you cannot go up.');
      await s.selectFrame(Math.min(s.selectedFrame + n, frames.length - 1));
      await printSelectedFrame(ctx);
    },
  },
  {
    name: 'down', aliases: ['do'], help: 'Select the frame called by the selected one: down [N].',
    run: async (a, ctx) => {
      const s = needFrames(ctx, 'No stack.');
      const n = a.trim() ? Number(a) : 1;
      if (!a.trim() && s.selectedFrame === 0) throw new UserError('Bottom (innermost) frame selected; you cannot go down.');
      await s.selectFrame(Math.max(s.selectedFrame - n, 0));
      await printSelectedFrame(ctx);
    },
  },
  {
    name: 'disassemble', aliases: ['disas'], help: 'Disassemble the function around pc, or: disassemble FUNCTION | START,END | START,+LEN.',
    run: async (a, ctx) => {
      const source = await memorySource(ctx);
      const scope = await currentScope(ctx);
      const req = await parseDisassemble(a, source, scope);
      ctx.out.print(await disassembleText(req, source, ctx.sources, scope));
    },
  },
];

export const sessionInfoCommands: Command[] = [
  { name: 'breakpoints', aliases: ['b', 'break'], help: 'List breakpoints with hit counts.', run: (_a, ctx) => {
    // Before run: gdb's "No breakpoints or watchpoints."
    const s = ctx.session;
    ctx.out.print(formatBreakpointTable(s?.breakpoints.all() ?? [], undefined, s?.state === 'stopped' || s?.state === 'running'));
  } },
  { name: 'registers', aliases: ['r'], help: 'General registers of the selected frame: info registers [NAME|GROUP...] (groups: general, float, vector, sse, system, all).', run: (a, ctx) => infoRegisters(a, ctx, false) },
  { name: 'all-registers', help: 'Every register the target reports.', run: (a, ctx) => infoRegisters(a, ctx, true) },
  {
    name: 'frame', aliases: ['f'], help: 'Describe the selected frame.',
    run: async (_a, ctx) => {
      const s = needFrames(ctx, 'No stack.');
      ctx.out.print(await infoFrameText(s));
    },
  },
];

