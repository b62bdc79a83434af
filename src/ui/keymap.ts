// The key table: one row per (context, action) with default keys and a description; help and config overrides come from it.

/** Where a binding applies. `pane` = every pane except the command line; `global` = everywhere. */
export type KeyContext = 'global' | 'pane' | 'source' | 'search' | 'variables' | 'registers' | 'stack' | 'breakpoints' | 'disassembly' | 'memory' | 'threads' | 'command';

export type ActionId =
  | 'continue' | 'next' | 'step' | 'finish' | 'until' | 'interrupt' | 'toggle-breakpoint'
  | 'next-pane' | 'prev-pane' | 'redraw' | 'command-line' | 'help' | 'quit'
  | 'toggle-disassembly' | 'toggle-memory' | 'toggle-output' | 'toggle-threads' | 'toggle-xen'
  | 'down' | 'up' | 'top' | 'bottom' | 'half-page-down' | 'half-page-up' | 'page-down' | 'page-up'
  | 'search' | 'search-backward' | 'search-next' | 'search-prev' | 'leave-search' | 'open-file' | 'show-pc'
  | 'zoom' | 'hide-pane' | 'reset-layout' | 'toggle-source' | 'toggle-variables' | 'toggle-registers' | 'toggle-stack' | 'toggle-breakpoints'
  | 'source-narrower' | 'source-wider' | 'command-taller' | 'command-shorter' | 'pane-taller' | 'pane-shorter' | 'scroll-left' | 'scroll-right'
  | 'toggle-expand' | 'expand' | 'collapse' | 'add-watch' | 'delete-watch'
  | 'toggle-radix' | 'select-frame' | 'toggle-interleave' | 'select-thread'
  | 'toggle-enabled' | 'delete-breakpoint' | 'edit-condition' | 'show-breakpoint'
  | 'memory-expression'
  | 'execute' | 'leave' | 'complete' | 'history-prev' | 'history-next' | 'history-search';

export interface Binding {
  context: KeyContext;
  action: ActionId;
  keys: string[];
  description: string;
}

const b = (context: KeyContext, action: ActionId, keys: string[], description: string): Binding => ({ context, action, keys, description });

/** The defaults (DESIGN.md "Keys"). Order is the order of the help screen. */
export const DEFAULT_BINDINGS: readonly Binding[] = [
  b('global', 'continue', ['f5'], 'Continue'),
  b('global', 'toggle-breakpoint', ['f9'], 'Toggle a breakpoint on the source cursor line (disassembly pane: on the instruction)'),
  b('global', 'next', ['f10'], 'Next line, stepping over calls'),
  b('global', 'step', ['f11'], 'Step into calls'),
  b('global', 'finish', ['S-f11'], 'Finish the current function'),
  b('global', 'interrupt', ['f12', 'C-c'], 'Interrupt the running target'),
  b('global', 'next-pane', ['tab'], 'Focus the next pane'),
  b('global', 'prev-pane', ['S-tab'], 'Focus the previous pane'),
  b('global', 'redraw', ['C-l'], 'Redraw the screen'),
  b('global', 'zoom', ['f2'], 'Zoom the focused pane to full screen, and back (also on the command line: the whole log)'),
  b('pane', 'command-line', [':', 'i'], 'Focus the command line'),
  b('pane', 'help', ['?'], 'Show or hide this help'),
  b('pane', 'quit', ['q'], 'Quit (asks first; detaches cleanly)'),
  b('pane', 'toggle-disassembly', ['A'], 'Show or hide the disassembly pane'),
  b('pane', 'toggle-memory', ['M'], 'Show or hide the memory pane'),
  b('pane', 'toggle-output', ['O'], 'Show or hide the program output pane (a Xen guest\'s console)'),
  b('pane', 'toggle-threads', ['T'], 'Show or hide the threads / vCPUs pane'),
  b('pane', 'toggle-xen', ['D'], 'Show or hide the Xen domain pane'),
  b('pane', 'zoom', ['z'], 'Zoom the focused pane to full screen, and back (Tab moves the zoom on)'),
  b('pane', 'hide-pane', ['X'], 'Hide the focused pane'),
  b('pane', 'toggle-source', ['E'], 'Show or hide the source pane'),
  b('pane', 'toggle-variables', ['V'], 'Show or hide the variables pane'),
  b('pane', 'toggle-registers', ['R'], 'Show or hide the registers pane'),
  b('pane', 'toggle-stack', ['S'], 'Show or hide the call stack pane'),
  b('pane', 'toggle-breakpoints', ['B'], 'Show or hide the breakpoints pane'),
  b('pane', 'reset-layout', ['='], 'Default layout: every pane back, automatic sizes'),
  b('pane', 'source-narrower', ['<'], 'Move the split left (narrower source column)'),
  b('pane', 'source-wider', ['>'], 'Move the split right (wider source column)'),
  b('pane', 'command-taller', ['+'], 'Taller command log'),
  b('pane', 'command-shorter', ['-'], 'Shorter command log'),
  b('pane', 'pane-taller', ['}'], 'Taller focused side pane'),
  b('pane', 'pane-shorter', ['{'], 'Shorter focused side pane'),
  b('pane', 'scroll-left', ['H'], 'Scroll long lines left'),
  b('pane', 'scroll-right', ['L'], 'Scroll long lines right'),
  b('pane', 'down', ['j', 'down'], 'Move down'),
  b('pane', 'up', ['k', 'up'], 'Move up'),
  b('pane', 'top', ['g', 'home'], 'Go to the top (source: 73g goes to line 73)'),
  b('pane', 'bottom', ['G', 'end'], 'Go to the bottom (source: 73G goes to line 73)'),
  b('pane', 'half-page-down', ['C-d'], 'Half a page down'),
  b('pane', 'half-page-up', ['C-u'], 'Half a page up'),
  b('pane', 'page-down', ['pagedown'], 'A page down'),
  b('pane', 'page-up', ['pageup'], 'A page up'),
  b('source', 'continue', ['c'], 'Continue'),
  b('source', 'next', ['n'], 'Next line'),
  b('source', 'step', ['s'], 'Step into'),
  b('source', 'finish', ['f'], 'Finish the current function'),
  b('source', 'until', ['u'], 'Until: next line, not going back in loops'),
  b('source', 'toggle-breakpoint', ['space'], 'Toggle a breakpoint on the cursor line'),
  b('source', 'search', ['/'], 'Search forward: a regular expression (empty repeats); enters search mode'),
  b('source', 'search-next', ['f3'], 'Next match'),
  b('source', 'search-prev', ['S-f3'], 'Previous match'),
  b('source', 'scroll-left', ['h', 'left'], 'Scroll long lines left'),
  b('source', 'scroll-right', ['l', 'right'], 'Scroll long lines right'),
  b('search', 'search-next', ['n', 'f3'], 'Next match (in the search direction)'),
  b('search', 'search-prev', ['N', 'S-f3'], 'Previous match'),
  b('search', 'search', ['/'], 'New search forward'),
  b('search', 'search-backward', ['?'], 'New search backward (empty: the same pattern backward)'),
  b('search', 'leave-search', ['escape'], 'Leave search mode (n is "next line" again)'),
  b('source', 'open-file', ['o'], 'Open a source file of the program'),
  b('source', 'show-pc', ['.'], 'Back to the execution point'),
  b('variables', 'toggle-expand', ['enter', 'space'], 'Expand or collapse'),
  b('variables', 'expand', ['l', 'right'], 'Expand'),
  b('variables', 'collapse', ['h', 'left'], 'Collapse (or go to the parent)'),
  b('variables', 'add-watch', ['a', 'w'], 'Add a watch expression'),
  b('variables', 'delete-watch', ['d', 'delete'], 'Delete the watch expression'),
  b('registers', 'toggle-radix', ['x'], 'Hexadecimal / decimal'),
  b('stack', 'select-frame', ['enter', 'space'], 'Select the frame: source and variables follow'),
  b('stack', 'scroll-left', ['h', 'left'], 'Scroll long lines left'),
  b('stack', 'scroll-right', ['l', 'right'], 'Scroll long lines right'),
  b('threads', 'select-thread', ['enter', 'space'], 'Select the thread (thread N): source, stack, variables and registers follow'),
  b('threads', 'scroll-left', ['h', 'left'], 'Scroll long lines left'),
  b('threads', 'scroll-right', ['l', 'right'], 'Scroll long lines right'),
  b('breakpoints', 'toggle-enabled', ['space'], 'Enable or disable'),
  b('breakpoints', 'show-breakpoint', ['enter'], 'Show its location in the source'),
  b('breakpoints', 'delete-breakpoint', ['d', 'delete'], 'Delete'),
  b('breakpoints', 'edit-condition', ['e'], 'Edit the condition'),
  b('breakpoints', 'scroll-left', ['h', 'left'], 'Scroll long lines left'),
  b('breakpoints', 'scroll-right', ['l', 'right'], 'Scroll long lines right'),
  b('disassembly', 'toggle-interleave', ['s'], 'Source lines between the instructions (as disassemble /s), or not'),
  b('memory', 'memory-expression', ['e', 'enter'], 'Follow another expression'),
  b('command', 'execute', ['enter'], 'Run the command'),
  b('command', 'leave', ['escape'], 'Leave the command line'),
  b('command', 'complete', ['tab'], 'Complete a command, symbol, file or file:line (empty line: next pane)'),
  b('command', 'history-prev', ['up', 'C-p'], 'Previous command'),
  b('command', 'history-next', ['down', 'C-n'], 'Next command'),
  b('command', 'history-search', ['C-r'], 'Search the history backwards (C-r again: older; Enter runs; Esc cancels)'),
  b('command', 'page-up', ['pageup'], 'Scroll the log up'),
  b('command', 'page-down', ['pagedown'], 'Scroll the log down'),
];

/** Name used in the config file: "continue" for a global binding, "source.next" otherwise. */
export function bindingName(x: { context: KeyContext; action: ActionId }): string {
  return x.context === 'global' ? x.action : `${x.context}.${x.action}`;
}

const NAMED = ['enter', 'escape', 'tab', 'space', 'backspace', 'delete', 'insert', 'up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown'];
const ALIASES: Record<string, string> = { return: 'enter', esc: 'escape', pgup: 'pageup', pgdn: 'pagedown', pgdown: 'pagedown', del: 'delete', ins: 'insert', bs: 'backspace' };

/**
 * Canonical key name from what a user writes: "F5", "Shift-F11", "S-f11", "Ctrl-C", "C-c",
 * "Tab", "Esc", "PgUp", "Space", or one printable character ("n", "G", "?").
 * Returns undefined for something that is not a key.
 */
export function parseKeyName(text: string): string | undefined {
  if (text.length === 1) return text === ' ' ? 'space' : text >= '!' && text <= '~' ? text : undefined;
  let rest = text;
  const mods: string[] = [];
  for (;;) {
    const m = /^(shift|ctrl|control|alt|meta|s|c|m)-(.+)$/i.exec(rest);
    if (!m) break;
    const mod = m[1]!.toLowerCase();
    const c = mod === 'shift' || mod === 's' ? 'S' : mod === 'ctrl' || mod === 'control' || mod === 'c' ? 'C' : 'M';
    if (!mods.includes(c)) mods.push(c);
    rest = m[2]!;
  }
  let name = rest.toLowerCase();
  name = ALIASES[name] ?? name;
  if (/^f([1-9]|1[0-2])$/.test(name) || NAMED.includes(name)) {
    // a named key
  } else if (rest.length === 1 && /[a-z0-9]/i.test(rest)) {
    if (mods.length === 1 && mods[0] === 'S') return rest.toUpperCase(); // Shift-g is G
    if (!mods.length) return rest;
    name = rest.toLowerCase();
  } else return undefined;
  const order = ['M', 'C', 'S'].filter((m) => mods.includes(m));
  return [...order, name].join('-');
}

/** How a key is shown in help: "F5", "Shift-F11", "Ctrl-C", "Space". */
export function displayKey(key: string): string {
  const parts = key.split('-');
  if (key.length === 1 || key === '-') return key;
  const name = parts.pop()!;
  const shown = /^f\d+$/.test(name) ? name.toUpperCase()
    : name === 'pageup' ? 'PgUp' : name === 'pagedown' ? 'PgDn' : name === 'escape' ? 'Esc'
      : name.length === 1 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1);
  const mods = parts.map((p) => (p === 'C' ? 'Ctrl' : p === 'S' ? 'Shift' : 'Alt'));
  return [...mods, shown].join('-');
}

/** The canonical name of a blessed keypress (`ch` and `key` as blessed reports them). */
export function keyOf(ch: string | undefined, key: { full?: string; name?: string; ctrl?: boolean; meta?: boolean; shift?: boolean } | undefined): string {
  if (ch && ch.length === 1 && ch >= ' ' && ch <= '~' && !key?.ctrl && !key?.meta) return ch === ' ' ? 'space' : ch;
  const full = key?.full ?? key?.name ?? ch ?? '';
  const parts = full.split('-');
  const last = parts.pop() ?? '';
  const name = last === 'return' || last === 'linefeed' ? 'enter' : last;
  return [...parts, name].join('-');
}

export type KeyOverrides = Record<string, string[]>;

export class Keymap {
  readonly bindings: Binding[];
  private readonly index = new Map<KeyContext, Map<string, ActionId>>();
  readonly warnings: string[] = [];

  /** `overrides` maps binding names (see bindingName) to canonical key names; [] unbinds. */
  constructor(overrides: KeyOverrides = {}, defaults: readonly Binding[] = DEFAULT_BINDINGS) {
    this.bindings = defaults.map((x) => ({ ...x, keys: overrides[bindingName(x)] ?? [...x.keys] }));
    for (const bd of this.bindings) {
      let m = this.index.get(bd.context);
      if (!m) this.index.set(bd.context, (m = new Map()));
      for (const k of bd.keys) {
        const had = m.get(k);
        if (had && had !== bd.action) this.warnings.push(`key ${displayKey(k)} is bound twice in "${bd.context}" (${had}, ${bd.action}); the first wins`);
        else m.set(k, bd.action);
      }
    }
  }

  /** The action for `key` in the focused context (its own table, then `pane` unless on the command line, then `global`). */
  lookup(key: string, context: Exclude<KeyContext, 'global'>): ActionId | undefined {
    return this.find(key, context)?.action;
  }

  /** Like lookup, also saying which table the binding came from (search mode uses source's table next). */
  find(key: string, context: Exclude<KeyContext, 'global'>): { action: ActionId; context: KeyContext } | undefined {
    const chain: KeyContext[] = context === 'command' ? ['command', 'global'] : context === 'pane' ? ['pane', 'global'] : context === 'search' ? ['search', 'source', 'pane', 'global'] : [context, 'pane', 'global'];
    for (const c of chain) {
      const a = this.index.get(c)?.get(key);
      if (a) return { action: a, context: c };
    }
    return undefined;
  }

  /** Keys bound to `action` in `context` (for hints in the status line). */
  keysFor(action: ActionId, context: KeyContext = 'global'): string[] {
    return this.bindings.find((x) => x.action === action && x.context === context)?.keys ?? [];
  }

  /** The first key for `action` in the first of `contexts` that binds it, as shown to users ("" when unbound). */
  hint(action: ActionId, ...contexts: KeyContext[]): string {
    for (const c of contexts.length ? contexts : (['global', 'pane', 'source'] as KeyContext[])) {
      const k = this.keysFor(action, c)[0];
      if (k) return displayKey(k);
    }
    return '';
  }

  /** The help text, generated from the table: one section per context. */
  helpLines(): string[] {
    const titles: Record<KeyContext, string> = {
      global: 'Everywhere', pane: 'Any pane but the command line', source: 'Source pane', search: 'Search mode (source pane, after / or ?; Esc leaves; c/n/s/f/u do not run the program)', variables: 'Variables pane',
      registers: 'Registers pane', stack: 'Call stack pane', breakpoints: 'Breakpoints pane', disassembly: 'Disassembly pane', memory: 'Memory pane', threads: 'Threads pane', command: 'Command line',
    };
    const out: string[] = [];
    const keyWidth = 18;
    for (const ctx of Object.keys(titles) as KeyContext[]) {
      const rows = this.bindings.filter((x) => x.context === ctx && x.keys.length);
      if (!rows.length) continue;
      if (out.length) out.push('');
      out.push(`# ${titles[ctx]}`);
      for (const r of rows) {
        const keys = r.keys.map(displayKey).join(' ');
        out.push(`  ${keys.padEnd(keyWidth)} ${r.description}`);
      }
    }
    return out;
  }
}

/** Validates the "keys" object of the config file; returns overrides and one-line warnings naming the key. */
export function parseKeyOverrides(value: unknown, where = 'keys'): { overrides: KeyOverrides; warnings: string[] } {
  const overrides: KeyOverrides = {};
  const warnings: string[] = [];
  if (value === undefined) return { overrides, warnings };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { overrides, warnings: [`"${where}" must be an object like {"continue": ["F5"], "source.next": ["n"]}`] };
  }
  const known = new Set(DEFAULT_BINDINGS.map(bindingName));
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(name)) {
      warnings.push(`"${where}.${name}" is not a key binding (see the help screen, e.g. "continue", "source.next")`);
      continue;
    }
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      warnings.push(`"${where}.${name}" must be a key name or a list of key names`);
      continue;
    }
    const keys: string[] = [];
    let bad: string | undefined;
    for (const k of list as string[]) {
      const c = parseKeyName(k);
      if (c) keys.push(c);
      else bad ??= k;
    }
    if (bad !== undefined) warnings.push(`"${where}.${name}": "${bad}" is not a key name (e.g. F5, Shift-F11, Ctrl-C, n, Space)`);
    else overrides[name] = keys;
  }
  return { overrides, warnings };
}
