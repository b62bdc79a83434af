// Commands of the full-screen UI typed on its command line (gdb's TUI names): layout, focus, winheight, winwidth.
import { paneByName, type PaneLayout, type SidePaneId } from './pane-layout.js';
import type { UiModel } from './model.js';
import type { FocusPane } from './layout.js';
import type { ActionId, Keymap } from './keymap.js';
import { CommandTable } from '../commands/registry.js';

/** What the UI commands need of the controller. */
export interface UiCommandHost {
  readonly model: UiModel;
  readonly panes: PaneLayout;
  readonly keymap: Keymap;
  readonly hooks: { layoutChanged(): void; size(): { cols: number; rows: number } };
  focus: FocusPane;
  setFocus(p: FocusPane): void;
  setPaneVisible(p: Exclude<FocusPane, 'command'>, visible: boolean): void;
  togglePane(p: Exclude<FocusPane, 'command'>): void;
  focusOrder(): FocusPane[];
}

const SIDE: readonly FocusPane[] = ['variables', 'registers', 'stack', 'breakpoints'];
export type LayoutActionId = Extract<ActionId, 'zoom' | 'hide-pane' | 'reset-layout' | 'source-narrower' | 'source-wider' | 'command-taller' | 'command-shorter' | 'pane-taller' | 'pane-shorter'>;

/** The layout keys: zoom, hide, reset, move the splits. */
export function layoutAction(action: LayoutActionId, host: UiCommandHost): void {
  switch (action) {
    case 'zoom':
      host.panes.zoom = host.panes.zoom ? undefined : host.focus;
      host.hooks.layoutChanged();
      return;
    case 'hide-pane':
      if (host.focus === 'command') host.model.addLog('The command pane cannot be hidden (zoom another pane instead).', 'err');
      else host.togglePane(host.focus);
      return;
    case 'reset-layout':
      host.panes.reset();
      host.hooks.layoutChanged();
      void host.model.refreshExtras();
      return;
    case 'source-narrower': case 'source-wider':
      host.panes.moveSplit(host.hooks.size().cols, action === 'source-wider' ? 4 : -4);
      host.hooks.layoutChanged();
      return;
    case 'command-taller': case 'command-shorter':
      host.panes.resizeCommand(host.hooks.size().rows, action === 'command-taller' ? 2 : -2);
      host.hooks.layoutChanged();
      return;
    case 'pane-taller': case 'pane-shorter':
      if (SIDE.includes(host.focus)) {
        host.panes.resizeSide(host.focus as SidePaneId, action === 'pane-taller' ? 1 : -1);
        host.hooks.layoutChanged();
      } else host.model.addLog(`${host.keymap.hint(action, 'pane')} sizes the side panes; ${host.keymap.hint('command-taller', 'pane')}/${host.keymap.hint('command-shorter', 'pane')} the command log, ${host.keymap.hint('source-narrower', 'pane')}/${host.keymap.hint('source-wider', 'pane')} the source column.`, 'info');
      return;
  }
}

const USAGE = [
  'layout                      show the layout',
  'layout show|hide|toggle PANE...   panes: source (src), variables, registers (regs), stack, breakpoints,',
  '                            disassembly (asm), memory, output, threads, xen, command (cmd)',
  'layout zoom [PANE] | unzoom  one pane full screen (default: the focused one)',
  'layout reset                every pane back, automatic sizes',
  'focus PANE|next|prev        focus a pane',
  'winheight cmd [+|-]N        command pane rows; winheight PANE [+|-]N: a side pane\'s weight (1-100)',
  'winwidth src [+|-]N         source column width, percent of the screen',
  'The layout is remembered in the config file.',
].join('\n');

const NAMES = new Set(['layout', 'focus', 'fs', 'winheight', 'wh', 'winwidth']);

/** The UI commands as a command table, for Tab completion (they run through runUiCommand, not the interpreter). */
export const UI_COMMANDS = new CommandTable().add(
  {
    name: 'layout', help: 'Show, hide, zoom panes; reset the layout (full screen only).',
    sub: new CommandTable('layout').add(...['show', 'hide', 'toggle', 'zoom', 'unzoom', 'reset'].map((name) => ({ name, help: `layout ${name}` }))),
  },
  { name: 'focus', aliases: ['fs'], help: 'Focus a pane (full screen only).' },
  { name: 'winheight', aliases: ['wh'], help: 'Command pane rows, or a side pane\'s relative height (full screen only).' },
  { name: 'winwidth', help: 'Source column width, percent of the screen (full screen only).' },
);

/** The interpreter's commands plus the UI's, for completion on the UI's command line. */
export function withUiCommands(table: Pick<CommandTable, 'all' | 'lookup'>): Pick<CommandTable, 'all' | 'lookup'> {
  return {
    all: () => [...table.all(), ...UI_COMMANDS.all()],
    lookup: (name: string) => UI_COMMANDS.all().find((c) => c.name === name || c.aliases?.includes(name)) ?? table.lookup(name),
  };
}

/** Whether `line` is a UI command (and runs it, writing its answer or error to the log). */
export function runUiCommand(line: string, host: UiCommandHost): boolean {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const name = words[0]?.toLowerCase();
  if (!name || !NAMES.has(name)) return false;
  const m = host.model;
  try {
    const out = run(name, words.slice(1), host);
    if (out) m.addLog(out, 'out');
  } catch (e) {
    m.addLog(e instanceof Error ? e.message : String(e), 'err');
  }
  host.hooks.layoutChanged();
  return true;
}

function pane(name: string | undefined): FocusPane {
  if (!name) throw new Error('Which pane? (source, variables, registers, stack, breakpoints, disassembly, memory, output, threads, xen, command)');
  const p = paneByName(name);
  if (!p) throw new Error(`No pane "${name}" (source, variables, registers, stack, breakpoints, disassembly, memory, output, threads, xen, command).`);
  return p;
}

/** "+3" / "-3" / "3" -> [delta, exact]. */
function amount(text: string | undefined, what: string): { delta: number; exact?: number } {
  const mt = /^([+-]?)(\d+)$/.exec(text ?? '');
  if (!mt) throw new Error(`${what}: expected a number, +N or -N${text ? `, not "${text}"` : ''}.`);
  const n = Number(mt[2]);
  return mt[1] ? { delta: mt[1] === '-' ? -n : n } : { delta: 0, exact: n };
}

function run(name: string, args: string[], host: UiCommandHost): string | undefined {
  const { cols, rows } = host.hooks.size();
  const L = host.panes;
  switch (name) {
    case 'layout': {
      const sub = args[0]?.toLowerCase();
      if (!sub) return `${L.describe(cols, rows)}\n${USAGE}`;
      if (sub === 'help') return USAGE;
      if (sub === 'show' || sub === 'hide' || sub === 'toggle') {
        if (!args[1]) throw new Error(`layout ${sub} PANE...: which pane?`);
        const ps = args.slice(1).map(pane);
        for (const p of ps) {
          if (p === 'command') {
            if (sub !== 'show') throw new Error('The command pane cannot be hidden (layout zoom PANE shows another pane alone).');
            continue;
          }
          host.setPaneVisible(p, sub === 'toggle' ? !L.isVisible(p) : sub === 'show');
        }
        return undefined;
      }
      if (sub === 'zoom') {
        const p = args[1] ? pane(args[1]) : host.focus;
        if (!L.isVisible(p)) host.setPaneVisible(p as Exclude<FocusPane, 'command'>, true);
        L.zoom = p;
        host.setFocus(p);
        return undefined;
      }
      if (sub === 'unzoom') {
        L.zoom = undefined;
        return undefined;
      }
      if (sub === 'reset' || sub === 'default') {
        L.reset();
        return undefined;
      }
      throw new Error(`layout: unknown "${args[0]}" (show, hide, toggle, zoom, unzoom, reset).`);
    }
    case 'focus': case 'fs': {
      const w = args[0]?.toLowerCase();
      const order = host.focusOrder();
      if (w === 'next' || w === 'prev') {
        const i = order.indexOf(host.focus);
        host.setFocus(order[(i + (w === 'next' ? 1 : order.length - 1)) % order.length]!);
        return undefined;
      }
      const p = pane(w);
      if (!L.isVisible(p)) throw new Error(`The ${p} pane is hidden (layout show ${p}).`);
      host.setFocus(p);
      return undefined;
    }
    case 'winheight': case 'wh': {
      const p = pane(args[0]);
      const a = amount(args[1], `winheight ${args[0]}`);
      if (p === 'command') L.resizeCommand(rows, a.delta, a.exact);
      else if (p === 'variables' || p === 'registers' || p === 'stack' || p === 'breakpoints') L.resizeSide(p as SidePaneId, a.delta, a.exact);
      else throw new Error(`winheight: the ${p} pane's height follows the source column (winheight cmd, or a side pane).`);
      return undefined;
    }
    case 'winwidth': {
      const p = pane(args[0]);
      if (p !== 'source') throw new Error('winwidth: only the source column has a width (winwidth src [+|-]N, percent of the screen).');
      const a = amount(args[1], 'winwidth src');
      if (a.exact !== undefined) L.moveSplit(cols, 0, Math.round((cols * a.exact) / 100));
      else L.moveSplit(cols, Math.round((cols * a.delta) / 100));
      return undefined;
    }
  }
  return undefined;
}
