// Data commands: print/read/der, output, x, set var, display, ptype/whatis, info locals/args/display.
import { evaluateExpression, outputCommand, printCommand, PrintAfterHeadError, ptypeCommand, setVarCommand, whatisCommand } from '../eval/commands.js';
import { UserError } from '../util/errors.js';
import { needFrames, needSession, type CommandContext, type DataState, type Display } from './context.js';
import { setSysroot } from './library-commands.js';
import { splitProgramArgs } from './program-args.js';
import { currentScope, frameScope, localsText, staticScopeOf } from './eval-hooks.js';
import type { Command } from './registry.js';
import { examineMemory, parseExamineFormat, rememberExamine, valueAsAddress } from './examine.js';
import { memorySource } from './memory-source.js';
import { needProgram } from './linespec-static.js';

async function print(a: string, ctx: CommandContext): Promise<void> {
  needProgram(ctx);
  try {
    ctx.out.print((await printCommand(await currentScope(ctx), a)) + '\n');
  } catch (e) {
    // Outside a terminal the two halves go where gdb's go: "$N = " to stdout, the error to stderr.
    if (!(e instanceof PrintAfterHeadError) || ctx.fromTerminal) throw e;
    ctx.out.print(e.head);
    throw new UserError(e.detail);
  }
}

function dataState(ctx: CommandContext): DataState {
  return (ctx.data ??= { displays: [], nextDisplay: 1, examine: {} });
}

export async function showDisplays(ctx: CommandContext, only?: Display): Promise<void> {
  const here = ctx.session?.lastStop?.location.function;
  for (const d of only ? [only] : dataState(ctx).displays) {
    if (d.function !== undefined && d.function !== here) continue;
    try {
      const text = await printCommand(await currentScope(ctx), `${d.format ? `/${d.format} ` : ''}${d.expression}`);
      ctx.out.print(`${d.id}: ${d.format ? `/${d.format} ` : ''}${d.expression} = ${text.replace(/^\$\d+ = /, '')}\n`);
    } catch (e) {
      ctx.out.print(`${d.id}: ${d.expression} = <error: ${(e as Error).message}>\n`);
    }
  }
}


export const dataCommands: Command[] = [
  { name: 'print', aliases: ['p', 'inspect'], help: 'Evaluate an expression and print its value: print[/FMT] EXPR.', run: print },
  { name: 'read', help: "Duster's name for print: read VARIABLE.", run: print },
  {
    name: 'der', help: "Duster's dereference: der POINTER prints what it points to (print *POINTER).",
    run: (a, ctx) => {
      if (!a.trim()) throw new UserError('Argument required (a pointer variable).');
      return print(`*(${a.trim()})`, ctx);
    },
  },
  {
    name: 'output', help: 'Print a value without history or newline: output[/FMT] EXPR.',
    run: async (a, ctx) => {
      needProgram(ctx);
      ctx.out.print(await outputCommand(await currentScope(ctx), a));
    },
  },
  {
    name: 'set', help: 'set var EXPR = VALUE: change a variable, register ($rax) or memory.',
    run: async (a, ctx) => {
      const argList = /^args(?:\s+(.*))?$/s.exec(a.trim());
      if (argList) {
        ctx.programArgs = splitProgramArgs(argList[1] ?? '');
        return void (ctx.programArgsText = (argList[1] ?? '').trim());
      }
      const pending = /^breakpoint\s+pending\s+(on|off|auto)$/.exec(a.trim());
      if (pending) return void (ctx.breakpointPending = pending[1] as 'on' | 'off' | 'auto');
      needProgram(ctx);
      // gdb's exec-file-mismatch setting: "off" lets breakpoints be planted in an image that differs from --path.
      const mismatch = /^exec-file-mismatch\s+(ask|warn|off)$/.exec(a.trim());
      if (mismatch) {
        needSession(ctx).setImageMismatchAllowed(mismatch[1] === 'off');
        return void (ctx.execFileMismatch = mismatch[1] as 'ask' | 'warn' | 'off');
      }
      const sysroot = /^(?:sysroot|solib-absolute-prefix)(?:\s+(.*))?$/.exec(a.trim());
      if (sysroot) return setSysroot(sysroot[1] ?? '', ctx);
      // gdb's can-use-hw-watchpoints: 0 makes `watch` a software (single-stepping) watchpoint.
      const hw = /^can-use-hw-watchpoints\s+(\d+)$/.exec(a.trim());
      if (hw) return void (needSession(ctx).watchpoints.hardware = hw[1] !== '0');
      const m = /^(?:var(?:iable)?\s+)?(.*)$/s.exec(a.trim())!;
      if (!m[1]!.includes('=')) throw new UserError(`"set" needs an assignment: set var NAME = VALUE`);
      needSession(ctx).requireStopped();
      await setVarCommand(await currentScope(ctx), m[1]!);
    },
  },
  {
    name: 'x', help: 'Examine memory: x/NFU ADDRESS (F: x d u o t a c f s i; U: b h w g).',
    run: async (a, ctx) => {
      const source = await memorySource(ctx);
      const { examine } = dataState(ctx);
      const { spec, expression } = parseExamineFormat(a, examine);
      let addr: bigint;
      if (expression) {
        const scope = await currentScope(ctx);
        addr = await valueAsAddress(scope, await evaluateExpression(scope, expression));
      } else if (examine.next !== undefined) addr = examine.next;
      else throw new UserError('Argument required (starting display address).');
      ctx.out.print(await examineMemory(source, await currentScope(ctx), addr, spec, examine));
      rememberExamine(examine, spec);
    },
  },
  {
    name: 'display', help: 'Print EXPR after every stop: display[/FMT] EXPR (no argument: show them now).',
    run: async (a, ctx) => {
      needProgram(ctx);
      if (!a.trim()) return showDisplays(ctx);
      const m = /^\/(\w+)\s+(.*)$/s.exec(a.trim());
      const expression = (m ? m[2]! : a).trim();
      // What the expression means without a frame: undefined, or why it cannot be evaluated statically.
      const staticError = ctx.program ? await evaluateExpression(staticScopeOf(ctx.program), expression).then(() => undefined, (e: unknown) => e) : undefined;
      // Without a process gdb still parses the expression: a name it cannot find refuses the display.
      if (ctx.session?.state !== 'stopped' && staticError instanceof UserError && staticError.message.startsWith('No symbol ')) throw staticError;
      const state = dataState(ctx);
      const d: Display = { id: state.nextDisplay++, expression, ...(m ? { format: m[1]! } : {}) };
      const fn = ctx.session?.lastStop?.location.function;
      if (fn && staticError !== undefined) d.function = fn;
      state.displays.push(d);
      if (ctx.session?.state === 'stopped' && ctx.fromTerminal) await showDisplays(ctx, d);
    },
  },
  {
    name: 'undisplay', help: 'Stop displaying: undisplay [N...] (all when none given).',
    run: (a, ctx) => {
      const { displays } = dataState(ctx);
      const ids = a.trim() ? a.trim().split(/\s+/).map(Number) : displays.map((d) => d.id);
      for (const id of ids) {
        const i = displays.findIndex((d) => d.id === id);
        if (i < 0) throw new UserError(`No display number ${id}.`);
        displays.splice(i, 1);
      }
    },
  },
  {
    name: 'ptype', help: 'Print the full type of an expression or type name: ptype EXPR | ptype struct NAME.',
    run: async (a, ctx) => {
      needProgram(ctx);
      ctx.out.print((await ptypeCommand(await currentScope(ctx), a)) + '\n');
    },
  },
  {
    name: 'whatis', help: 'Print the type name of an expression or type.',
    run: async (a, ctx) => {
      needProgram(ctx);
      ctx.out.print((await whatisCommand(await currentScope(ctx), a)) + '\n');
    },
  },
];

export const dataInfoCommands: Command[] = [
  {
    name: 'locals', help: 'Local variables of the selected frame.',
    run: async (_a, ctx) => {
      const s = needFrames(ctx, 'No frame selected.');
      const lines = await localsText(await frameScope(s, s.selectedFrame), false);
      ctx.out.print(lines.length ? lines.join('\n') + '\n' : 'No locals.\n');
    },
  },
  {
    name: 'args', help: 'Arguments of the selected frame.',
    run: async (_a, ctx) => {
      const s = needFrames(ctx, 'No frame selected.');
      const lines = await localsText(await frameScope(s, s.selectedFrame), true);
      ctx.out.print(lines.length ? lines.join('\n') + '\n' : 'No arguments.\n');
    },
  },
  {
    name: 'display', help: 'Expressions shown after every stop.',
    run: (_a, ctx) => {
      const { displays } = dataState(ctx);
      if (!displays.length) return ctx.out.print('There are no auto-display expressions now.\n');
      ctx.out.print('Auto-display expressions now in effect:\nNum Enb Expression\n' + displays.map((d) => `${d.id}:   y  ${d.format ? `/${d.format} ` : ''}${d.expression}`).join('\n') + '\n');
    },
  },
];
