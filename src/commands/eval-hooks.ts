// C expression evaluation for the session (its EvaluationPort): scopes per frame, breakpoint conditions, frame arguments, returned values.
import type { Session } from '../core/session.js';
import type { EvaluationPort } from '../core/evaluation-port.js';
import { frameAccess } from '../core/frame-access.js';
import { lookupPc, type Frame } from '../core/frames.js';
import { FrameScope } from '../eval/frame-scope.js';
import { evaluateExpression } from '../eval/commands.js';
import { Evaluator } from '../eval/evaluate.js';
import { formatInner, formatValue } from '../eval/format.js';
import { isZero } from '../eval/arith.js';
import { StaticScope } from '../eval/static-scope.js';
import { Value, unpackLong } from '../eval/value.js';
import { x86_64 } from '../arch/arch.js';
import type { EvalScope } from '../eval/scope.js';
import { resolve, sizeOf, type Type } from '../symbols/types.js';
import type { Program } from '../symbols/program.js';
import type { CommandContext } from './context.js';

const staticScopes = new WeakMap<Program, StaticScope>();

/** The session-wide scope of a program (type cache and value history live here). */
export function staticScopeOf(program: Program): StaticScope {
  let s = staticScopes.get(program);
  // A program moved to another load bias (rebase) has a new DwarfFile: its old scope would read the old addresses.
  if (!s || s.types.dwarf !== program.dwarf) staticScopes.set(program, (s = new StaticScope(program, s?.history)));
  return s;
}

/** An address expression's value (gdb's `info symbol EXPR`, `info line *EXPR`): numbers as they are; functions and arrays by their address. */
export async function addressOfExpression(scope: EvalScope, text: string): Promise<bigint> {
  const t = text.trim();
  if (/^(0x[0-9a-f]+|\d+)$/i.test(t)) return BigInt(t);
  const v = await evaluateExpression(scope, t);
  const ty = resolve(v.type);
  if ((ty.kind === 'function' || ty.kind === 'array') && v.lval.kind === 'memory') return v.lval.address;
  await new Evaluator(scope).fetch(v);
  return BigInt.asUintN(64, unpackLong(v));
}

/** Scope for expressions typed by the user: the selected frame when stopped, else the file alone. */
export async function currentScope(ctx: CommandContext): Promise<EvalScope> {
  const s = ctx.session;
  if (!ctx.program) throw new Error('no program');
  const statics = staticScopeOf(ctx.program);
  if (s && s.state === 'stopped') return scopeOfFrame(s, await s.frame());
  return statics;
}

export function scopeOfFrame(session: Session, frame: Frame): FrameScope {
  // A frame in a shared library reads that library's debug info (its types, its globals); value history is one for all.
  const program = session.programAt(lookupPc(frame));
  const history = staticScopeOf(session.program).history;
  const others = function* (): Generator<StaticScope> {
    for (const p of session.images.set.programs()) if (p !== program) yield staticScopeOf(p);
  };
  return new FrameScope(program, frameAccess(session, frame), history, staticScopeOf(program).types, others);
}

export async function frameScope(session: Session, level: number): Promise<FrameScope> {
  return scopeOfFrame(session, await session.frame(level));
}

/** gdb's frame-line argument values ("print frame-arguments scalars": aggregates show as "..."). */
async function formatArg(v: Value, scope: EvalScope): Promise<string> {
  const t = resolve(v.type);
  if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'array') return '...';
  try {
    return await formatInner(v, scope);
  } catch (e) {
    return `<error: ${(e as Error).message}>`;
  }
}

/** The value a function returned, from the SysV x86-64 return registers. */
async function returnedValue(session: Session, type: Type, vcpu: number): Promise<Value | undefined> {
  const t = resolve(type);
  if (t.kind === 'void') return undefined;
  const size = sizeOf(type) ?? 0;
  const regs = await session.rawRegisters(vcpu);
  const loc = x86_64.returnValue(size, t.kind === 'float' ? 'float' : t.kind === 'struct' ? 'struct' : 'integer', (r) => regs.get(r));
  if (!loc) return undefined;
  return loc.kind === 'memory' ? Value.at(type, loc.address) : Value.fromBytes(type, loc.bytes);
}

/** The session's evaluation port: C expressions evaluated in the session's frames (given with Session.setEvaluation). */
export class SessionEvaluation implements EvaluationPort {
  constructor(private readonly session: Session) {}

  async conditionHolds(expression: string): Promise<boolean> {
    const scope = await frameScope(this.session, 0);
    const v = await evaluateExpression(scope, expression);
    await new Evaluator(scope).fetch(v);
    return !isZero(v);
  }

  async frameArguments(frame: Frame): Promise<{ name: string; value: string }[]> {
    const pc = lookupPc(frame);
    const fn = this.session.programAt(pc).functionAt(pc);
    if (!fn) return [];
    const scope = scopeOfFrame(this.session, frame);
    const out: { name: string; value: string }[] = [];
    const access = frameAccess(this.session, frame);
    // An inline frame's arguments are its inlined block's parameters.
    const params = frame.inlined ? frame.inlined.variables.filter((v) => v.kind === 'param') : fn.params;
    for (const p of params) {
      const v = await scope.valueOf(p);
      const text = await formatArg(v, scope);
      // gdb's `print entry-values default` (stack.c read_frame_arg): "n=n@entry=5" when the value the caller
      // passed (its call site's DW_AT_call_value) equals the value now, "n=6, n@entry=5" when it differs, the
      // value alone when the entry value is not known.
      const size = sizeOf(v.type) ?? 0;
      const entry = size > 0 && size <= 8 && access.entryValue ? await access.entryValue(p, size).catch(() => undefined) : undefined;
      const entryText = entry && 'bytes' in entry && entry.bytes ? await formatArg(Value.fromBytes(v.type, entry.bytes), scope) : undefined;
      if (entryText === undefined) out.push({ name: p.name, value: text });
      else if (entryText === text) out.push({ name: p.name, value: `${p.name}@entry=${text}` });
      else out.push({ name: p.name, value: text }, { name: `${p.name}@entry`, value: entryText });
    }
    return out;
  }

  async frameLocals(level: number): Promise<string[]> {
    return localsText(await frameScope(this.session, level), false);
  }

  async returnedValue(fnDieOffset: number, vcpu: number, pc?: bigint): Promise<string | undefined> {
    const program = pc === undefined ? this.session.program : this.session.programAt(pc);
    const statics = staticScopeOf(program);
    const die = program.dwarf.dieAt(fnDieOffset);
    const type = statics.types.typeAt(die.type);
    const v = await returnedValue(this.session, type, vcpu);
    if (!v) return undefined;
    const text = await formatValue(v, statics);
    const n = staticScopeOf(this.session.program).history.record(v);
    return `$${n} = ${text}`;
  }
}

/** "name = value" lines for info locals / info args / bt full (innermost block first, as gdb). */
export async function localsText(scope: FrameScope, args: boolean): Promise<string[]> {
  // gdb lists every block's variables, a shadowed one too (an inlined function's locals can appear twice: see functions.ts).
  const vars = scope.program.frameListing(scope.pc, scope.inlineDepth).filter((v) => (args ? v.kind === 'param' : v.kind === 'local' || v.kind === 'static-local'));
  const out: string[] = [];
  for (const v of vars) {
    // gdb's print_variable_and_value: a variable that cannot be read (its location fails) is named in the error;
    // a value that fails while printing says <error: ...> where it failed.
    let val: Value;
    try {
      val = await scope.valueOf(v);
    } catch (e) {
      out.push(`${v.name} = <error reading variable ${v.name} (${(e as Error).message})>`);
      continue;
    }
    try {
      out.push(`${v.name} = ${await formatInner(val, scope)}`);
    } catch (e) {
      out.push(`${v.name} = <error: ${(e as Error).message}>`);
    }
  }
  return out;
}
