// The search in the source pane as a mode: start (/ or ?), move between matches (n/N), leave (Esc); moves the source cursor and view.
import type { UiModel } from './model.js';
import { compileSearch, SearchMode } from './search.js';
import { numberWidth, scrollTo } from './source-view.js';

export class SourceSearch {
  /** The search, while search mode is on. */
  mode: SearchMode | undefined;

  /** `pane` gives the source pane's body size (for scrolling to a match). */
  constructor(private readonly model: UiModel, private readonly pane: () => { height: number; width: number }) {}

  /** The stop the search was made at: the program moving on (by a key or a typed command) ends search mode. */
  private stopAt: unknown;

  /** The search, while it still belongs to the file shown and the same stop. */
  active(): SearchMode | undefined {
    if (this.mode && (this.mode.path !== this.model.file?.path || this.model.stop !== this.stopAt || this.model.state === 'running')) this.leave();
    return this.mode;
  }

  leave(): void {
    this.mode = undefined;
    this.model.searchRe = undefined;
  }

  /** A new search from the cursor: `text` (empty: the last pattern), forward or backward; enters search mode. */
  start(text: string, backward: boolean): void {
    const m = this.model;
    const pattern = text || this.mode?.text || m.search || '';
    if (!pattern || !m.file) return;
    const re = compileSearch(pattern);
    if (typeof re === 'string') {
      m.addLog(re, 'err');
      return;
    }
    m.search = pattern;
    const s = new SearchMode(pattern, re, backward, m.file.lines, m.file.path);
    if (!s.matches.length) {
      this.leave();
      m.addLog(`Pattern not found: ${pattern}`, 'err');
      return;
    }
    // From the match the cursor is on (a repeated search moves on from it), else from the cursor line's start / end.
    const prev = this.mode?.matches[this.mode.current];
    const from = prev && prev.line === m.cursor ? prev.start : backward ? Infinity : -1;
    this.mode = s;
    this.stopAt = m.stop;
    m.searchRe = re;
    this.move(false, from);
  }

  /** n / N: the next match in the search's direction (N: the other way); wraps at the ends and says so. */
  move(reverse: boolean, from?: number): void {
    const m = this.model;
    const s = this.mode;
    if (!s || !m.file) return;
    const cur = s.matches[s.current];
    const back = s.backward !== reverse;
    const col = from ?? (cur && cur.line === m.cursor ? cur.start : back ? Infinity : -1);
    const hit = s.move(m.cursor, col, reverse);
    if (!hit) return;
    m.searchCurrent = hit;
    m.cursor = hit.line;
    const { height: h, width } = this.pane();
    m.top = scrollTo(hit.line, m.top, h, m.file.lineCount);
    // Scroll sideways when the match is beyond the pane's right edge (or left of what is shown).
    const w = Math.max(10, width - numberWidth(m.file.lineCount) - 4);
    if (hit.end > m.sourceLeft + w) m.sourceLeft = Math.max(0, hit.end - w + 8);
    else if (hit.start < m.sourceLeft) m.sourceLeft = Math.max(0, hit.start - 8);
  }
}
