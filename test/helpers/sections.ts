// Test helper: a command list with a marker echoed before each command, and the output split back per command.

const MARK = '@@cmd';

/** The commands with `echo @@cmd N` before each one (both gdb and duster-tui echo it). */
export function marked(commands: string[]): string[] {
  return commands.flatMap((c, i) => [`echo ${MARK} ${i}\\n`, c]);
}

/** Output of each command by its index in the list (index -1: what was printed before the first). */
export function split(stdout: string): Map<number, string> {
  const sections = new Map<number, string>();
  let current = -1;
  let lines: string[] = [];
  const flush = (): void => void sections.set(current, lines.join('\n').trimEnd());
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${MARK} (\\d+)$`).exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    flush();
    current = Number(m[1]);
    lines = [];
  }
  flush();
  return sections;
}
