// The config file ($XDG_CONFIG_HOME/duster-tui/config.json): keys, theme, pane sizes, breakpoint strategy; bad entries warn and fall back.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseKeyOverrides, type KeyOverrides } from './keymap.js';

export type OptionalPane = 'disassembly' | 'memory' | 'output' | 'threads' | 'xen';
/** The panes shown unless hidden (the command pane is always there). */
export type CorePane = 'source' | 'variables' | 'registers' | 'stack' | 'breakpoints';
export const CORE_PANES: readonly CorePane[] = ['source', 'variables', 'registers', 'stack', 'breakpoints'];

export interface PaneSizes {
  /** Width of the source column, percent of the terminal (20-90); 0 = automatic (by terminal width). */
  sourceWidth: number;
  /** Rows of the command pane including its title (3-100); 0 = automatic (by terminal height). */
  commandHeight: number;
  /** Relative heights (1-100) of the side panes (dragging a border sets them to rows). */
  variables: number;
  registers: number;
  stack: number;
  breakpoints: number;
  /** Optional panes shown at start. */
  show: OptionalPane[];
  /** Panes hidden (at run time with X or `layout hide`; remembered). */
  hide: CorePane[];
}

export interface Config {
  theme?: string;
  keys: KeyOverrides;
  panes: PaneSizes;
  breakpoints?: 'trap' | 'spin';
  /** Mouse reporting (click, wheel, drag a border); false leaves the mouse to the terminal (its own selection). */
  mouse: boolean;
}

export const DEFAULT_PANES: PaneSizes = { sourceWidth: 0, commandHeight: 0, variables: 4, registers: 3, stack: 2, breakpoints: 2, show: [], hide: [] };

export function defaultPanes(): PaneSizes {
  return { ...DEFAULT_PANES, show: [], hide: [] };
}

export function defaultConfig(): Config {
  return { keys: {}, panes: defaultPanes(), mouse: true };
}

/** $XDG_CONFIG_HOME/duster-tui/config.json (default ~/.config/duster-tui/config.json). */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'duster-tui', 'config.json');
}

/** "line 3 column 5" for a JSON.parse error position, when the message has one. */
function jsonWhere(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) {
    // Newer V8 quotes the text instead of giving a position: keep the message on one line.
    const one = message.replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/\s+/g, ' ');
    return one.length > 100 ? one.slice(0, 100) + '...' : one;
  }
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return `${message.replace(/ in JSON at position \d+.*$/s, '')} at line ${before.length} column ${before[before.length - 1]!.length + 1}`;
}

/** Allowed values; 0 (automatic) is allowed too where the range starts above it. */
const RANGES: Record<Exclude<keyof PaneSizes, 'show' | 'hide'>, [number, number]> = {
  sourceWidth: [20, 90], commandHeight: [3, 100], variables: [1, 100], registers: [1, 100], stack: [1, 100], breakpoints: [1, 100],
};
const AUTO: ReadonlySet<string> = new Set(['sourceWidth', 'commandHeight']);

/** Validates a parsed config object. Every bad entry gives one warning naming its key; its default is kept. */
export function parseConfig(data: unknown, file = 'config.json'): { config: Config; warnings: string[] } {
  const config = defaultConfig();
  const warnings: string[] = [];
  const warn = (key: string, what: string): void => {
    warnings.push(`${file}: "${key}" ${what}; using the default`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { config, warnings: [`${file}: must hold a JSON object; using defaults`] };
  }
  for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
    switch (key) {
      case 'theme':
        if (typeof v === 'string' && v.trim()) config.theme = v;
        else warn('theme', 'must be a theme name such as "dark", "light" or "high-contrast"');
        break;
      case 'breakpoints':
        if (v === 'trap' || v === 'spin') config.breakpoints = v;
        else warn('breakpoints', 'must be "trap" or "spin"');
        break;
      case 'mouse':
        if (typeof v === 'boolean') config.mouse = v;
        else warn('mouse', 'must be true or false');
        break;
      case 'keys': {
        const r = parseKeyOverrides(v, 'keys');
        config.keys = r.overrides;
        for (const w of r.warnings) warnings.push(`${file}: ${w}; using the default`);
        break;
      }
      case 'panes': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          warn('panes', 'must be an object like {"sourceWidth": 60, "commandHeight": 8}');
          break;
        }
        for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) {
          if (pk === 'show') {
            const ok = Array.isArray(pv) && pv.every((x) => ['disassembly', 'memory', 'output', 'threads', 'xen'].includes(x as string));
            if (ok) config.panes.show = [...new Set(pv as OptionalPane[])];
            else warn('panes.show', 'must be a list of "disassembly", "memory", "output", "threads", "xen"');
            continue;
          }
          if (pk === 'hide') {
            const ok = Array.isArray(pv) && pv.every((x) => CORE_PANES.includes(x as CorePane));
            if (ok) config.panes.hide = [...new Set(pv as CorePane[])];
            else warn('panes.hide', `must be a list of ${CORE_PANES.map((p) => `"${p}"`).join(', ')}`);
            continue;
          }
          const range = RANGES[pk as keyof typeof RANGES];
          if (!range) {
            warn(`panes.${pk}`, `is not a pane setting (${[...Object.keys(RANGES), 'show', 'hide'].join(', ')})`);
            continue;
          }
          const auto = AUTO.has(pk) && pv === 0;
          if (typeof pv === 'number' && Number.isInteger(pv) && (auto || (pv >= range[0] && pv <= range[1]))) config.panes[pk as keyof typeof RANGES] = pv;
          else warn(`panes.${pk}`, `must be a whole number from ${range[0]} to ${range[1]}${AUTO.has(pk) ? ' (0: automatic)' : ''}`);
        }
        break;
      }
      default:
        warnings.push(`${file}: "${key}" is not a setting (theme, keys, panes, breakpoints, mouse); ignored`);
    }
  }
  return { config, warnings };
}

/**
 * Reads the config file. A missing file is the defaults, silently; unreadable or invalid JSON
 * is one warning and the defaults. Never throws.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, path = configPath(env)): { config: Config; warnings: string[]; path: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { config: defaultConfig(), warnings: [], path };
    return { config: defaultConfig(), warnings: [`${path}: cannot read (${code ?? String(e)}); using defaults`], path };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { config: defaultConfig(), warnings: [`${path}: invalid JSON: ${jsonWhere(text, e instanceof Error ? e.message : String(e))}; using defaults`], path };
  }
  const r = parseConfig(data, path);
  return { ...r, path };
}

/**
 * Remembers the layout: writes `panes` into the config file, keeping every other setting as the
 * user wrote it. A file that is not a JSON object is left alone. Returns a one-line error or undefined.
 */
export function saveLayout(path: string, panes: PaneSizes): string | undefined {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `${path}: not a JSON object; the layout is not saved`;
    data = parsed as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof SyntaxError) return `${path}: invalid JSON; the layout is not saved (fix the file first)`;
    if (code !== 'ENOENT') return `${path}: cannot read (${code ?? String(e)}); the layout is not saved`;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(panes)) if (JSON.stringify(v) !== JSON.stringify(DEFAULT_PANES[k as keyof PaneSizes])) out[k] = v;
  if (Object.keys(out).length) data.panes = out;
  else delete data.panes;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Write then rename: a crash mid-write never leaves a truncated config behind.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    return `${path}: cannot save the layout (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
}
