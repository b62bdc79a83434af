// Colour themes: roles -> styles, loaded from themes/*.json; monochrome and 8/16-colour fallbacks keep every state visible.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Style } from './text.js';
import { packageRoot } from '../util/package-root.js';

export const ROLES = [
  'text', 'muted', 'header', 'headerFocused', 'separator',
  'lineNumber', 'currentLine', 'cursorLine', 'frameLine', 'pcMarker', 'searchMatch',
  'bpEnabled', 'bpDisabled', 'bpConditional', 'bpTemporary',
  'selection', 'name', 'type', 'value', 'changed', 'error', 'prompt', 'input', 'address',
  'status', 'statusRunning', 'statusStopped', 'statusExited', 'statusKey',
  'overlay', 'overlayTitle',
  'syntax.keyword', 'syntax.type', 'syntax.string', 'syntax.number', 'syntax.comment',
  'syntax.meta', 'syntax.function', 'syntax.literal', 'syntax.builtIn',
] as const;
export type Role = (typeof ROLES)[number];

export type ColorMode = 'color256' | 'color16' | 'mono';

/**
 * Attributes alone, with which every state stays distinguishable without colour (NO_COLOR,
 * vt100). Also the fallback of any role a theme leaves out on an 8/16-colour terminal.
 */
export const MONO: Record<Role, Style> = {
  text: {}, muted: {}, header: { underline: true }, headerFocused: { inverse: true, bold: true }, separator: {},
  lineNumber: {}, currentLine: { inverse: true }, cursorLine: { underline: true }, frameLine: { bold: true },
  pcMarker: { bold: true }, searchMatch: { underline: true, bold: true },
  bpEnabled: { bold: true }, bpDisabled: {}, bpConditional: { bold: true }, bpTemporary: { bold: true },
  selection: { inverse: true }, name: {}, type: {}, value: {}, changed: { bold: true }, error: { bold: true },
  prompt: { bold: true }, input: {}, address: {},
  status: { inverse: true }, statusRunning: { inverse: true, bold: true }, statusStopped: { inverse: true, bold: true },
  statusExited: { inverse: true, underline: true }, statusKey: { inverse: true, bold: true },
  overlay: {}, overlayTitle: { inverse: true, bold: true },
  'syntax.keyword': { bold: true }, 'syntax.type': {}, 'syntax.string': {}, 'syntax.number': {}, 'syntax.comment': {},
  'syntax.meta': {}, 'syntax.function': {}, 'syntax.literal': {}, 'syntax.builtIn': {},
};

export interface Theme {
  readonly name: string;
  readonly mode: ColorMode;
  style(role: Role): Style;
}

export interface ThemeFile {
  name?: string;
  description?: string;
  /** Styles for 256-colour terminals. */
  styles?: Record<string, unknown>;
  /** Styles for 8/16-colour terminals (colours 0-15); roles left out use MONO. */
  styles16?: Record<string, unknown>;
}

export const THEMES_DIR = join(packageRoot(), 'themes');
export const BUILTIN_THEMES = ['dark', 'light', 'high-contrast'];

/** Decides the colour mode from NO_COLOR and the terminal's colour count. */
export function colorMode(colors: number, env: NodeJS.ProcessEnv = process.env): ColorMode {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'mono';
  if (!(colors >= 8)) return 'mono';
  return colors >= 256 ? 'color256' : 'color16';
}

/** Checks one style object; returns the style and a warning per bad field (naming its key). */
export function parseStyle(v: unknown, where: string, maxColor: number): { style: Style; warnings: string[] } {
  const warnings: string[] = [];
  const style: Style = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { style, warnings: [`"${where}" must be an object like {"fg": 252, "bold": true}`] };
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'fg' || k === 'bg') {
      if (typeof val === 'number' && Number.isInteger(val) && val >= 0 && val <= maxColor) style[k] = val;
      else warnings.push(`"${where}.${k}" must be a colour number 0-${maxColor}`);
    } else if (k === 'bold' || k === 'underline' || k === 'inverse') {
      if (typeof val === 'boolean') style[k] = val;
      else warnings.push(`"${where}.${k}" must be true or false`);
    } else warnings.push(`"${where}.${k}" is not a style field (fg, bg, bold, underline, inverse)`);
  }
  return { style, warnings };
}

function parseSection(obj: unknown, section: string, maxColor: number, warnings: string[], fallback?: Partial<Record<Role, Style>>): Partial<Record<Role, Style>> {
  const out: Partial<Record<Role, Style>> = {};
  if (obj === undefined) return out;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    warnings.push(`"${section}" must be an object of role -> style`);
    return out;
  }
  for (const [role, v] of Object.entries(obj as Record<string, unknown>)) {
    if (!(ROLES as readonly string[]).includes(role)) {
      warnings.push(`"${section}.${role}" is not a theme role`);
      continue;
    }
    const r = parseStyle(v, `${section}.${role}`, maxColor);
    warnings.push(...r.warnings);
    // A style with a bad field keeps the fallback's other fields: {"bg": 300} must not erase the role.
    out[role as Role] = r.warnings.length ? { ...fallback?.[role as Role], ...r.style } : r.style;
  }
  return out;
}

class TableTheme implements Theme {
  constructor(readonly name: string, readonly mode: ColorMode, private readonly table: Record<Role, Style>) {}
  style(role: Role): Style {
    return this.table[role];
  }
}

/** Builds a theme for `mode` from a parsed theme file, with the dark theme's styles behind it. */
export function buildTheme(name: string, file: ThemeFile, mode: ColorMode, base?: ThemeFile): { theme: Theme; warnings: string[] } {
  const warnings: string[] = [];
  const table = { ...MONO };
  if (mode !== 'mono') {
    const key = mode === 'color256' ? 'styles' : 'styles16';
    const max = mode === 'color256' ? 255 : 15;
    const sink: string[] = [];
    if (base) Object.assign(table, parseSection(base[key], key, max, sink));
    Object.assign(table, parseSection(file[key], key, max, warnings, { ...table }));
  }
  // Validate the other section too, so a typo is reported whatever the terminal.
  if (mode !== 'color256') parseSection(file.styles, 'styles', 255, warnings);
  if (mode !== 'color16') parseSection(file.styles16, 'styles16', 15, warnings);
  return { theme: new TableTheme(name, mode, table), warnings: warnings.map((w) => `theme ${name}: ${w}`) };
}

function readThemeFile(path: string): ThemeFile {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
  return data as ThemeFile;
}

/** Where a theme called `name` is looked for: a path, the user's themes, then the bundled ones. */
export function themeCandidates(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (name.includes('/') || name.endsWith('.json')) return [resolve(name)];
  const config = env.XDG_CONFIG_HOME || join(env.HOME || '', '.config');
  return [join(config, 'duster-tui', 'themes', `${name}.json`), join(THEMES_DIR, `${name}.json`)];
}

/**
 * Loads theme `name` (default "dark") for a terminal with `colors` colours. Never throws: a
 * missing or broken theme gives a one-line warning and the dark theme (or, if even that is
 * missing, attributes only).
 */
export function loadTheme(name: string | undefined, colors: number, env: NodeJS.ProcessEnv = process.env): { theme: Theme; warnings: string[] } {
  const mode = colorMode(colors, env);
  const warnings: string[] = [];
  let base: ThemeFile | undefined;
  try {
    base = readThemeFile(join(THEMES_DIR, 'dark.json'));
  } catch (e) {
    warnings.push(`theme dark: cannot load ${join(THEMES_DIR, 'dark.json')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const wanted = name || 'dark';
  if (wanted === 'dark' && base) {
    const r = buildTheme('dark', base, mode);
    return { theme: r.theme, warnings: [...warnings, ...r.warnings] };
  }
  const path = themeCandidates(wanted, env).find((p) => existsSync(p));
  if (!path) {
    warnings.push(`theme "${wanted}" not found (built-in: ${BUILTIN_THEMES.join(', ')}); using dark`);
    return { theme: buildTheme('dark', base ?? {}, mode).theme, warnings };
  }
  try {
    const file = readThemeFile(path);
    const r = buildTheme(file.name ?? wanted, file, mode, base);
    return { theme: r.theme, warnings: [...warnings, ...r.warnings] };
  } catch (e) {
    warnings.push(`theme "${wanted}": ${path}: ${e instanceof Error ? e.message : String(e)}; using dark`);
    return { theme: buildTheme('dark', base ?? {}, mode).theme, warnings };
  }
}
