// Line mode: a "(duster) " prompt with history, for --no-tui and when stdin/stdout are not terminals.
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../commands/context.js';
import { QuitRequest, type Interpreter } from '../commands/interpreter.js';
import { expressionMembers } from '../commands/completion.js';
import { completeLine, wordStartOf, type CompletionSources } from '../ui/command-line.js';
import { ProgramAdapter } from '../ui/program-adapter.js';

export function historyFile(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'duster-tui', 'history');
}

function loadHistory(): string[] {
  try {
    const f = historyFile();
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).slice(-1000).reverse() : [];
  } catch {
    return [];
  }
}

function saveHistory(line: string): void {
  try {
    const f = historyFile();
    mkdirSync(join(f, '..'), { recursive: true });
    appendFileSync(f, line + '\n');
  } catch {
    // History is a convenience: never fail a command over it.
  }
}

type Completer = (line: string, done: (err: null, result: [string[], string]) => void) => void;

/** Tab completion as in the TUI's command line: commands, symbols, files, file:line, struct members. */
function completer(interpreter: Interpreter, ctx: CommandContext): Completer {
  const program = ctx.program ? new ProgramAdapter(ctx.program) : undefined;
  const src: CompletionSources = {
    commands: interpreter.table,
    symbols: () => program?.symbolNames() ?? [],
    files: () => program?.sourceFiles().map((f) => f.name) ?? [],
    lines: (file) => program?.linesWithCode(file) ?? [],
    members: (e) => expressionMembers(ctx, e),
  };
  return (line, done) => {
    completeLine(line, line.length, src).then(
      (r) => {
        // readline replaces the word with one candidate, or lists several and extends their common prefix.
        if (r.candidates.length) done(null, [r.candidates, line.slice(wordStartOf(line))]);
        else done(null, [r.text === line ? [] : [r.text], line]);
      },
      () => done(null, [[], line]),
    );
  };
}

/**
 * Reads and runs commands until EOF, `quit`, or `hangup` aborts (the terminal is gone: stop at once).
 * `programInput` takes a line typed while the program runs (duster-tui PROG: the program's stdin) and
 * says whether it did; gdb's questions ("Start it from the beginning? (y or n)") read the next line.
 */
export async function runLineMode(interpreter: Interpreter, ctx: CommandContext, hangup?: AbortSignal, programInput?: (line: string) => boolean): Promise<void> {
  const terminal = !!(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ ...(hangup ? { signal: hangup } : {}), input: process.stdin, output: process.stdout, terminal, history: terminal ? loadHistory() : [], historySize: 1000, prompt: '(duster) ', ...(terminal ? { completer: completer(interpreter, ctx) } : {}) });
  rl.on('SIGINT', () => {
    if (ctx.session?.state === 'running') void ctx.session.interrupt();
    else {
      // As gdb: the text typed so far is dropped, not glued onto the next command.
      process.stdout.write('^C\n');
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
    }
  });
  // Lines queue here (not in an async iterator) so that one typed while the program runs can be its input.
  const lines: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  rl.on('line', (line) => {
    if (programInput?.(line)) return;
    lines.push(line);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  const nextLine = async (): Promise<string | undefined> => {
    while (!lines.length && !closed) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    return lines.shift();
  };
  const savedConfirm = ctx.confirm;
  if (terminal) {
    ctx.confirm = async (question, emptyAnswer) => {
      for (;;) {
        process.stdout.write(question);
        const answer = (await nextLine())?.trim().toLowerCase();
        if (answer === undefined) return emptyAnswer ?? true; // EOF answers the default (yes for a plain query), as gdb's does
        if (answer === '' && emptyAnswer !== undefined) return emptyAnswer;
        if (answer === 'y' || answer === 'yes') return true;
        if (answer === 'n' || answer === 'no') return false;
        process.stdout.write('Please answer y or n.\n');
      }
    };
  }
  rl.prompt();
  try {
    for (;;) {
      const line = await nextLine();
      if (line === undefined) break;
      if (terminal && line.trim()) saveHistory(line);
      await interpreter.execute(line, { fromTerminal: terminal, repeatEmpty: true });
      if (hangup?.aborted) break;
      rl.prompt();
    }
  } catch (e) {
    if (!(e instanceof QuitRequest)) throw e;
  } finally {
    ctx.confirm = savedConfirm;
    rl.close();
  }
}
