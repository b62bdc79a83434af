// The program's argument list as gdb reads it (`run ARGS`, `set args`): shell-like quoting, no expansion.
import { UserError } from '../util/errors.js';

/** `run ARGS`: the words of ARGS, with '…', "…" and backslash quoting as a shell would (no expansion). */
export function splitProgramArgs(text: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new UserError("Unterminated single quote in the program's arguments.");
      cur = (cur ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      // Inside "...", a backslash quotes only " \ $ and ` (as in sh).
      let word = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && /["\\$`]/.test(text[i + 1] ?? '')) i++;
        word += text[i];
      }
      if (i >= text.length) throw new UserError("Unterminated double quote in the program's arguments.");
      cur = (cur ?? '') + word;
    } else if (c === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[++i];
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}
