// C syntax colouring with highlight.js 11 (core + C only): source text -> per-line segments tagged with theme roles.
import type { HLJSApi } from 'highlight.js';
import type { Role } from './theme.js';

let hljs: HLJSApi | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads highlight.js (core + C) in the background: the first frame does not wait for it; code
 * shows uncoloured until it is ready (a few ms later), then the caller re-renders.
 */
export function loadHighlighter(): Promise<void> {
  loading ??= (async () => {
    const [core, c] = await Promise.all([import('highlight.js/lib/core'), import('highlight.js/lib/languages/c')]);
    core.default.registerLanguage('c', c.default);
    hljs = core.default;
  })();
  return loading;
}

export function highlighterReady(): boolean {
  return hljs !== undefined;
}

export interface Segment {
  text: string;
  role?: Role;
}

/** highlight.js class -> theme role. Classes without a role (class, params) inherit the outer one. */
const CLASS_ROLES: Record<string, Role> = {
  'hljs-comment': 'syntax.comment',
  'hljs-meta': 'syntax.meta',
  'hljs-keyword': 'syntax.keyword',
  'hljs-string': 'syntax.string',
  'hljs-title': 'syntax.type',
  'hljs-title function_': 'syntax.function',
  'hljs-type': 'syntax.type',
  'hljs-number': 'syntax.number',
  'hljs-built_in': 'syntax.builtIn',
  'hljs-literal': 'syntax.literal',
  'hljs-meta keyword': 'syntax.meta',
  'hljs-meta string': 'syntax.string',
};

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };

function decode(s: string): string {
  return s.includes('&') ? s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m] ?? m) : s;
}

/** Files larger than this are shown without colours (highlighting them would delay the first frame). */
export const MAX_HIGHLIGHT_CHARS = 2_000_000;

/**
 * Splits `lines` (tabs already expanded) into coloured segments. Multi-line tokens (block
 * comments) keep their role on every line they cover.
 */
export function highlightC(lines: readonly string[]): Segment[][] {
  const text = lines.join('\n');
  if (!hljs || text.length > MAX_HIGHLIGHT_CHARS) return lines.map((l) => [{ text: l }]);
  let html: string;
  try {
    html = hljs.highlight(text, { language: 'c', ignoreIllegals: true }).value;
  } catch {
    return lines.map((l) => [{ text: l }]);
  }
  const out: Segment[][] = [[]];
  const stack: (Role | undefined)[] = [];
  const current = (): Role | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]) return stack[i];
    return undefined;
  };
  const re = /<span class="([^"]+)">|<\/span>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    if (m[1] !== undefined) stack.push(CLASS_ROLES[m[1]]);
    else if (m[2] !== undefined) {
      const parts = decode(m[2]).split('\n');
      const role = current();
      parts.forEach((p, i) => {
        if (i > 0) out.push([]);
        if (p) out[out.length - 1]!.push(role ? { text: p, role } : { text: p });
      });
    } else stack.pop();
  }
  while (out.length < lines.length) out.push([]);
  return out;
}
