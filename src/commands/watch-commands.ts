// Watchpoint commands: watch, rwatch, awatch (hardware, gdb's messages) and info watchpoints.
import type { WatchKind } from '../target/contract.js';
import { watchTitle, type WatchRequest } from '../core/watchpoints.js';
import { evaluateExpression, valueSize } from '../eval/commands.js';
import { formatValue } from '../eval/format.js';
import { Value } from '../eval/value.js';
import { UserError } from '../util/errors.js';
import { formatBreakpointTable, splitCondition } from './breakpoint-commands.js';
import { needSession, type CommandContext } from './context.js';
import { frameScope, staticScopeOf } from './eval-hooks.js';
import type { Command } from './registry.js';

/** Identifiers of an expression that name variables (not members after `.` or `->`). */
function variableNames(expression: string): Set<string> {
  const names = new Set<string>();
  for (const m of expression.matchAll(/(->|\.)?\s*\b([A-Za-z_]\w*)/g)) if (!m[1]) names.add(m[2]!);
  return names;
}

async function createWatch(kind: WatchKind, args: string, ctx: CommandContext): Promise<void> {
  const s = needSession(ctx);
  s.requireStopped();
  const { spec, condition } = splitCondition(args);
  // -l / -location: watch the address the expression names now, whatever frame it came from.
  const loc = /^(-l|-location)\s+(.*)$/s.exec(spec);
  const expression = (loc ? loc[2]! : spec).trim();
  if (!expression) throw new UserError('Argument required (expression to compute).');
  const level = s.selectedFrame;
  const scope = await frameScope(s, level);
  const v = await evaluateExpression(scope, expression);
  if (v.lval.kind !== 'memory') {
    if (v.lval.kind === 'none' && !/[A-Za-z_$]/.test(expression)) throw new UserError(`Cannot watch constant value \`${expression}'.`);
    if (kind !== 'write') throw new UserError('Expression cannot be implemented with read/access watchpoint.');
    // gdb would watch every lvalue the value is computed from, or single-step (a software watchpoint).
    throw new UserError(`Cannot watch \`${expression}': it is not in memory, and software watchpoints (single-stepping) are not supported; watch a variable, a member or *POINTER.`);
  }
  const length = valueSize(v);
  if (length <= 0) throw new UserError(`Cannot watch \`${expression}': its size is not known.`);
  const statics = staticScopeOf(s.program);
  const req: WatchRequest = {
    kind,
    expression: loc ? `-location ${expression}` : expression,
    address: v.lval.address,
    length,
    format: (bytes) => formatValue(Value.fromBytes(v.type, bytes), statics),
    ...(condition ? { condition } : {}),
  };
  // gdb binds an expression on locals or arguments to their frame: it is deleted when that frame returns.
  const names = variableNames(expression);
  const onLocals = !loc && scope.frameVariables().some((x) => (x.kind === 'local' || x.kind === 'param') && names.has(x.name));
  if (onLocals) {
    const frames = await s.frames(level + 2);
    const frame = frames[level];
    const caller = frames.slice(level + 1).find((f) => !f.tailCall); // a tail-call frame is never returned to
    // The caller's pc even past main (the backtrace stops there): a watchpoint on main's locals ends when main returns into libc.
    const resume = caller?.pc ?? (await s.frameDetail(level)).callerPc;
    if (frame?.cfa !== undefined && resume !== undefined) req.scope = { cfa: frame.cfa, resume };
  }
  const bp = await s.watchpoints.add(req);
  s.emit({ type: 'breakpoints-changed' });
  ctx.out.print(`${watchTitle(bp.watch!)} ${bp.id}: ${req.expression}\n`);
}

export const watchCommands: Command[] = [
  { name: 'watch', aliases: ['wa'], help: 'Stop when EXPR changes: watch EXPR [if COND] (hardware watchpoint; -l watches its address).', run: (a, ctx) => createWatch('write', a, ctx) },
  { name: 'rwatch', help: 'Stop when EXPR is read: rwatch EXPR [if COND].', run: (a, ctx) => createWatch('read', a, ctx) },
  { name: 'awatch', help: 'Stop when EXPR is read or written: awatch EXPR [if COND].', run: (a, ctx) => createWatch('access', a, ctx) },
];

export const watchInfoCommands: Command[] = [
  {
    name: 'watchpoints', help: 'List watchpoints with hit counts.',
    run: (_a, ctx) => {
      const s = ctx.session; // before run: gdb's "No watchpoints."
      ctx.out.print(formatBreakpointTable(s?.breakpoints.all().filter((b) => b.watch) ?? [], 'No watchpoints.', s?.state === 'stopped' || s?.state === 'running'));
    },
  },
];
