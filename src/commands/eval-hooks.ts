// Plugs C expression evaluation into the session: scopes per frame, breakpoint conditions, frame arguments, returned values.
import type { Session } from '../core/session.js';
import { frameAccess } from '../core/frame-access.js';
import type { Frame } from '../core/frames.js';
import { FrameScope } from '../eval/frame-scope.js';
import { evaluateExpression } from '../eval/commands.js';
import { Evaluator } from '../eval/evaluate.js';
import { formatInner, formatValue } from '../eval/format.js';
import { isZero } from '../eval/arith.js';
import { StaticScope } from '../eval/static-scope.js';
import { Value, bigIntToBytes } from '../eval/value.js';
import type { EvalScope } from '../eval/scope.js';
import { resolve, sizeOf, type Type } from '../symbols/types.js';
import type { Program } from '../symbols/program.js';
import type { CommandContext } from './context.js';

const staticScopes = new WeakMap<Program, StaticScope>();

/** The session-wide scope of a program (type cache and value history live here). */
export function staticScopeOf(program: Program): StaticScope {
  let s = staticScopes.get(program);
  if (!s) staticScopes.set(program, (s = new StaticScope(program)));
  return s;
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
  const statics = staticScopeOf(session.program);
  return new FrameScope(session.program, frameAccess(session, frame), statics.history, statics.types);
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
  const rax = regs.get('rax') ?? 0n;
  if (t.kind === 'float' && size <= 8) {
    const xmm0 = regs.get('xmm0');
    if (xmm0 === undefined) return undefined;
    return Value.fromBytes(type, bigIntToBytes(xmm0, 16).subarray(0, size));
  }
  if (size <= 8) return Value.fromBytes(type, bigIntToBytes(rax, 8).subarray(0, size));
  if (size <= 16 && t.kind === 'struct') {
    const bytes = new Uint8Array(16);
    bytes.set(bigIntToBytes(rax, 8), 0);
    bytes.set(bigIntToBytes(regs.get('rdx') ?? 0n, 8), 8);
    return Value.fromBytes(type, bytes.subarray(0, size));
  }
  // Larger aggregates are returned in memory; rax holds their address.
  return Value.at(type, rax);
}

export function installEvalHooks(_ctx: CommandContext, session: Session): void {
  const statics = staticScopeOf(session.program);
  session.conditionEvaluator = async (expr) => {
    const scope = await frameScope(session, 0);
    const v = await evaluateExpression(scope, expr);
    await new Evaluator(scope).fetch(v);
    return !isZero(v);
  };
  session.argsFormatter = async (frame) => {
    const fn = session.program.functionAt(frame.level > 0 ? frame.pc - 1n : frame.pc);
    if (!fn) return [];
    const scope = scopeOfFrame(session, frame);
    const out: { name: string; value: string }[] = [];
    for (const p of fn.params) out.push({ name: p.name, value: await formatArg(await scope.valueOf(p), scope) });
    return out;
  };
  session.localsFormatter = async (level) => localsText(await frameScope(session, level), false);
  session.stepping.returnValue = async (fnDie, vcpu) => {
    const die = session.program.dwarf.dieAt(fnDie);
    const type = statics.types.typeAt(die.type);
    const v = await returnedValue(session, type, vcpu);
    if (!v) return undefined;
    const text = await formatValue(v, statics);
    const n = statics.history.record(v);
    return `$${n} = ${text}`;
  };
}

/** "name = value" lines for info locals / info args / bt full (innermost block first, as gdb). */
export async function localsText(scope: FrameScope, args: boolean): Promise<string[]> {
  const vars = scope.program.scopeAt(scope.pc).filter((v) => (args ? v.kind === 'param' : v.kind === 'local' || v.kind === 'static-local'));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.name)) continue;
    seen.add(v.name);
    try {
      const val = await scope.valueOf(v);
      out.push(`${v.name} = ${await formatInner(val, scope)}`);
    } catch (e) {
      out.push(`${v.name} = <error: ${(e as Error).message}>`);
    }
  }
  return out;
}
