// The gdb commands over expressions: print[/FMT], output, ptype, whatis, set var — returning gdb's exact text.
import { UserError } from '../util/errors.js';
import { MemoryError } from '../target/contract.js';
import { ptypeString, whatisString } from '../symbols/type-format.js';
import { resolve, sizeOf } from '../symbols/types.js';
import { parseExpression } from './parser.js';
import { Evaluator } from './evaluate.js';
import { formatValue, type PrintOptions } from './format.js';
import { Value } from './value.js';
import type { EvalScope } from './scope.js';

/** A print that failed after gdb had written "$N = " (value_print errors): the message names it as gdb shows it. */
export class PrintAfterHeadError extends UserError {
  constructor(readonly head: string, readonly detail: string) {
    super(head + detail);
  }
}

/** Splits gdb's "/FMT rest" argument syntax: "/x foo" -> { format: 'x', expression: 'foo' }. */
export function parseFormatArg(arg: string): { format?: string; expression: string } {
  const s = arg.trimStart();
  if (!s.startsWith('/')) return { expression: s.trim() };
  const m = /^\/(\S*)\s*(.*)$/s.exec(s)!;
  const letters = m[1]!.replace(/\d+/g, '');
  let format: string | undefined;
  for (const c of letters) {
    if (c === 'r') continue;
    if (!'xduotacfsz'.includes(c)) throw new UserError(`Undefined output format "${c}".`);
    if ('bhwg'.includes(c)) throw new UserError('Size letters are meaningless in "print" command.');
    format = c;
  }
  return { ...(format ? { format } : {}), expression: m[2]!.trim() };
}

/** Evaluate an expression to a value (for core: conditions, display, watch). `warnings` collects gdb's warnings. */
export async function evaluateExpression(scope: EvalScope, text: string, warnings?: string[]): Promise<Value> {
  const e = parseExpression(text, scope);
  const ev = new Evaluator(scope);
  try {
    return await ev.run(e);
  } finally {
    warnings?.push(...ev.warnings);
  }
}

/**
 * `print[/FMT] expr`: "$N = text", recording the value in the history. `arg` may start with /FMT.
 * gdb's warnings come first, one "warning: ..." line each (gdb writes them to stderr).
 */
export async function printCommand(scope: EvalScope, arg: string, opts: PrintOptions = {}): Promise<string> {
  const { format, expression } = parseFormatArg(arg);
  let v: Value;
  const warnings: string[] = [];
  if (expression === '') v = scope.history.relative(0);
  else v = await evaluateExpression(scope, expression, warnings);
  const ev = new Evaluator(scope);
  await ev.fetch(v);
  const n = scope.history.record(v);
  const head = warnings.map((w) => `warning: ${w}\n`).join('') + `$${n} = `;
  try {
    return head + (await formatValue(v, scope, { ...opts, ...(format ? { format } : {}) }));
  } catch (e) {
    // gdb has already written "$N = " when printing fails; the error message follows it.
    if (e instanceof UserError || e instanceof MemoryError) throw new PrintAfterHeadError(head, e.message);
    throw e;
  }
}

/** `output[/FMT] expr`: the value's text alone (no history, no newline). */
export async function outputCommand(scope: EvalScope, arg: string, opts: PrintOptions = {}): Promise<string> {
  const { format, expression } = parseFormatArg(arg);
  const v = await evaluateExpression(scope, expression);
  await new Evaluator(scope).fetch(v);
  return formatValue(v, scope, { ...opts, ...(format ? { format } : {}) });
}

/** `set var expr` (an assignment evaluated for its effect). */
export async function setVarCommand(scope: EvalScope, text: string): Promise<void> {
  await evaluateExpression(scope, text);
}

async function typeOf(scope: EvalScope, text: string): Promise<{ isTypeName: boolean; type: Value['type'] }> {
  if (text.trim() === '') throw new UserError('Argument required (one or more choice items).');
  const e = parseExpression(text, scope);
  if (e.kind === 'type') return { isTypeName: true, type: e.type };
  const ev = new Evaluator(scope, { noSideEffects: true });
  try {
    const v = await ev.run(e);
    return { isTypeName: false, type: v.type };
  } catch (err) {
    if (err instanceof MemoryError) throw err;
    throw err;
  }
}

/** `ptype expr-or-type`: "type = ..." with struct bodies and typedefs expanded. */
export async function ptypeCommand(scope: EvalScope, text: string): Promise<string> {
  const { type } = await typeOf(scope, text);
  return `type = ${ptypeString(type)}`;
}

/** `whatis expr-or-type`: "type = name" (one typedef level stripped for a type name). */
export async function whatisCommand(scope: EvalScope, text: string): Promise<string> {
  const { type, isTypeName } = await typeOf(scope, text);
  return `type = ${whatisString(type, isTypeName)}`;
}

/** sizeof a value's type in bytes (for the TUI's memory views). */
export function valueSize(v: Value): number {
  return sizeOf(resolve(v.type)) ?? 0;
}
