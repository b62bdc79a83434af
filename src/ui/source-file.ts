// Source files as the source pane needs them: read once, tabs expanded, colours computed lazily and cached.
import { readFileSync, statSync } from 'node:fs';
import { highlightC, highlighterReady, type Segment } from './highlight.js';

export class SourceFile {
  private segments: Segment[][] | undefined;

  constructor(readonly path: string, readonly lines: string[]) {}

  /** Coloured segments of line `n` (1-based); highlights the whole file on first use. */
  line(n: number): Segment[] {
    if (!this.segments) {
      if (!highlighterReady()) return [{ text: this.lines[n - 1] ?? '' }];
      this.segments = highlightC(this.lines);
    }
    return this.segments[n - 1] ?? [];
  }

  get lineCount(): number {
    return this.lines.length;
  }
}

/** Expands tabs to 8-column stops and turns other control characters into '?'. */
export function expandTabs(line: string, tabStop = 8): string {
  if (!/[\t\x00-\x08\x0b-\x1f\x7f]/.test(line)) return line;
  let out = '';
  for (const ch of line) {
    if (ch === '\t') out += ' '.repeat(tabStop - (out.length % tabStop));
    else out += ch < ' ' || ch === '\x7f' ? '?' : ch;
  }
  return out;
}

export function parseSource(path: string, text: string): SourceFile {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return new SourceFile(path, lines.map((l) => expandTabs(l)));
}

/** Reads files on demand; re-reads when the file changed on disk (size or mtime). */
export class SourceCache {
  private readonly files = new Map<string, { file: SourceFile | undefined; stamp: string }>();
  /** Finds a debug-info path on disk (search directories); identity by default. */
  locate: (path: string) => string | undefined = (p) => p;

  get(debugPath: string | undefined): SourceFile | undefined {
    if (!debugPath) return undefined;
    const path = this.locate(debugPath);
    if (!path) return undefined;
    let stamp: string;
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
    const had = this.files.get(path);
    if (had && had.stamp === stamp) return had.file;
    let file: SourceFile | undefined;
    try {
      file = parseSource(path, readFileSync(path, 'utf8'));
    } catch {
      file = undefined;
    }
    this.files.set(path, { file, stamp });
    return file;
  }
}
