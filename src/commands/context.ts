// What a command sees: the program model (always), the live session (when a target is attached) and an output sink.
import type { Program } from '../symbols/program.js';

export interface Output {
  /** Normal answers (stdout in line mode). Text includes its own newlines. */
  print(text: string): void;
  /** Error messages, one line each (stderr in line mode). */
  error(text: string): void;
}

export interface CommandContext {
  program: Program | undefined;
  out: Output;
}
