// Search in the source pane as in less/vim: a regular expression, its matches in the file, n/N/? moving between them, "match 2/5".

export interface Match {
  /** 1-based line. */
  line: number;
  start: number;
  end: number;
}

/**
 * Compiles what the user typed after / or ?. A regular expression (JavaScript syntax, as in
 * `grep -P` for the common cases); an invalid one is an error message, never an exception.
 */
export function compileSearch(text: string): RegExp | string {
  try {
    return new RegExp(text, 'g');
  } catch (e) {
    return `Invalid regular expression /${text}/: ${(e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`;
  }
}

/** Match ranges of `re` in one line (empty matches are skipped: they cannot be shown or moved to). */
export function lineMatches(text: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length) out.push([m.index, m.index + m[0].length]);
    else re.lastIndex++;
    if (re.lastIndex > text.length) break;
  }
  return out;
}

/** The state of an active search: the pattern, every match in the file, the current one. */
export class SearchMode {
  readonly matches: Match[] = [];
  /** Index of the current match in `matches`. */
  current = -1;
  /** Set when the last move went past the end (or the start) of the file. */
  wrapped = false;

  constructor(readonly text: string, readonly re: RegExp, readonly backward: boolean, lines: readonly string[], readonly path: string) {
    lines.forEach((l, i) => {
      for (const [start, end] of lineMatches(l, re)) this.matches.push({ line: i + 1, start, end });
    });
  }

  /**
   * Moves to the next match after (line, col) in the search's direction, reversed by `reverse`
   * (N). Returns the match, or undefined when there is none.
   */
  move(line: number, col: number, reverse = false): Match | undefined {
    const n = this.matches.length;
    if (!n) return undefined;
    const back = this.backward !== reverse;
    let i: number;
    if (back) {
      i = -1;
      for (let k = n - 1; k >= 0; k--) {
        const m = this.matches[k]!;
        if (m.line < line || (m.line === line && m.start < col)) { i = k; break; }
      }
      this.wrapped = i < 0;
      if (i < 0) i = n - 1;
    } else {
      i = this.matches.findIndex((m) => m.line > line || (m.line === line && m.start > col));
      this.wrapped = i < 0;
      if (i < 0) i = 0;
    }
    this.current = i;
    return this.matches[i];
  }

  /** "/fib/ match 2/5, search wrapped". */
  describe(): string {
    const p = `${this.backward ? '?' : '/'}${this.text}${this.backward ? '?' : '/'}`;
    if (!this.matches.length) return `${p} pattern not found`;
    return `${p} match ${this.current + 1}/${this.matches.length}${this.wrapped ? `, search wrapped` : ''}`;
  }
}
