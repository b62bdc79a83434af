// Modal overlays: the help screen (generated from the key table), the quit confirmation and the source file picker.
import type { SourceFileRef } from './ports.js';
import { renderOverlay } from './extra-views.js';
import type { Rect } from './layout.js';
import type { Theme } from './theme.js';

export type Overlay =
  | { kind: 'help'; top: number }
  | { kind: 'confirm-quit'; kills?: boolean }
  | { kind: 'files'; filter: string; selected: number; top: number };

export function filterFiles(files: readonly SourceFileRef[], filter: string): SourceFileRef[] {
  const f = filter.toLowerCase();
  return f ? files.filter((x) => x.name.toLowerCase().includes(f) || (x.fullPath ?? '').toLowerCase().includes(f)) : [...files];
}

/**
 * Applies a key to the open overlay. Returns 'close' to close it, 'quit' when quitting was
 * confirmed, a file when one was picked, or undefined when the overlay stays.
 */
export function moveInOverlay(o: Overlay, key: string, ch: string | undefined, files: readonly SourceFileRef[], page: number): 'close' | 'quit' | SourceFileRef | undefined {
  switch (o.kind) {
    case 'confirm-quit':
      if (key === 'y' || key === 'Y' || key === 'q' || key === 'enter') return 'quit';
      if (key === 'n' || key === 'N' || key === 'escape' || key === 'C-c') return 'close';
      return undefined;
    case 'help':
      if (key === '?' || key === 'escape' || key === 'q' || key === 'enter') return 'close';
      if (key === 'down' || key === 'j') o.top++;
      else if (key === 'up' || key === 'k') o.top = Math.max(0, o.top - 1);
      else if (key === 'pagedown' || key === 'space' || key === 'C-d') o.top += page;
      else if (key === 'pageup' || key === 'C-u') o.top = Math.max(0, o.top - page);
      else if (key === 'home' || key === 'g') o.top = 0;
      return undefined;
    case 'files': {
      const list = filterFiles(files, o.filter);
      if (key === 'escape' || key === 'C-c') return 'close';
      if (key === 'enter') return list[o.selected] ?? undefined;
      if (key === 'down' || key === 'C-n') o.selected = Math.min(list.length - 1, o.selected + 1);
      else if (key === 'up' || key === 'C-p') o.selected = Math.max(0, o.selected - 1);
      else if (key === 'pagedown') o.selected = Math.min(list.length - 1, o.selected + page);
      else if (key === 'pageup') o.selected = Math.max(0, o.selected - page);
      else if (key === 'backspace') {
        o.filter = o.filter.slice(0, -1);
        o.selected = 0;
      } else if (ch && ch.length === 1 && ch > ' ' && ch <= '~') {
        o.filter += ch;
        o.selected = 0;
      }
      o.selected = Math.max(0, o.selected);
      return undefined;
    }
  }
}

/** Where an overlay sits: centred, at most `maxW` x `maxH`. */
export function overlayRect(cols: number, rows: number, wantW: number, wantH: number): Rect {
  const width = Math.max(20, Math.min(cols - 4, wantW));
  const height = Math.max(5, Math.min(rows - 2, wantH));
  return { left: Math.max(0, Math.floor((cols - width) / 2)), top: Math.max(0, Math.floor((rows - height) / 2)), width, height };
}

/** Renders the overlay into `rect`; `help` is the generated help text. */
export function renderOverlayFor(o: Overlay, rect: Rect, help: readonly string[], files: readonly SourceFileRef[], theme: Theme, quitQuestion = 'Quit?'): string[] {
  const body = rect.height - 2;
  switch (o.kind) {
    case 'help': {
      o.top = Math.max(0, Math.min(o.top, help.length - body));
      return renderOverlay({ title: 'Keys (generated from the key table; rebind in config.json "keys")', lines: help, width: rect.width, height: rect.height, top: o.top, theme, footer: '? or Esc closes   j/k PgUp/PgDn scroll' });
    }
    case 'confirm-quit':
      return renderOverlay({ title: 'Quit', lines: ['', quitQuestion, '', '  y / Enter / q: quit      n / Esc: stay'], width: rect.width, height: rect.height, top: 0, theme, footer: '' });
    case 'files': {
      const list = filterFiles(files, o.filter);
      if (o.selected >= list.length) o.selected = Math.max(0, list.length - 1);
      if (o.selected < o.top) o.top = o.selected;
      if (o.selected >= o.top + body) o.top = o.selected - body + 1;
      const lines = list.map((f) => (f.fullPath ? f.name : `${f.name}  (not on disk)`));
      if (!lines.length) lines.push(files.length ? 'No file matches' : 'The program has no source files in its debug info');
      return renderOverlay({ title: `Open source file: ${o.filter}_`, lines, width: rect.width, height: rect.height, top: o.top, selected: list.length ? o.selected : undefined, theme, footer: 'type to filter   Up/Down choose   Enter open   Esc cancel' });
    }
  }
}
