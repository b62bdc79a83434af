// The expression tree the parser builds and the evaluator walks (its own module so that the type parser needs no parser import).
import type { Type, FloatType } from '../symbols/types.js';

export type Expr =
  | { kind: 'int'; value: bigint; type: Type }
  | { kind: 'float'; value: number; text: string; type: FloatType }
  | { kind: 'char'; value: number }
  | { kind: 'string'; bytes: Uint8Array }
  | { kind: 'ident'; name: string }
  /** gdb's `NAME@entry`: a parameter's value on entry to its function. */
  | { kind: 'entry'; name: string }
  | { kind: 'dollar'; name: string }
  | { kind: 'unary'; op: '-' | '+' | '!' | '~' | '*' | '&' | 'pre++' | 'pre--' | 'post++' | 'post--'; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'assign'; op: string; left: Expr; right: Expr }
  | { kind: 'ternary'; cond: Expr; then: Expr; else: Expr }
  | { kind: 'comma'; left: Expr; right: Expr }
  | { kind: 'member'; object: Expr; name: string; arrow: boolean }
  | { kind: 'index'; object: Expr; index: Expr }
  | { kind: 'call'; fn: Expr; args: Expr[] }
  | { kind: 'cast'; type: Type; operand: Expr }
  | { kind: 'brace'; type: Type; operand: Expr }
  | { kind: 'sizeof'; type?: Type; operand?: Expr }
  | { kind: 'alignof'; type?: Type; operand?: Expr }
  | { kind: 'type'; type: Type };
