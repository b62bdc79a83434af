// qXfer:libraries-svr4:read: the stub's XML library list parsed defensively (strict shape, bounded count, one-line errors).
import type { LibraryList } from '../extensions.js';
import { RemoteError } from './errors.js';
import { preview } from './packets.js';
import { stripXmlComments, xmlAttributes } from './util.js';

/** More libraries than any process loads; a longer list is a hostile stub. */
const MAX_LIBRARIES = 65_536;

/** A bad list: one line naming what was wrong, never the whole document. */
function malformed(detail: string): RemoteError {
  return new RemoteError(`Malformed library list from the remote stub (qXfer:libraries-svr4:read): ${detail}`);
}

/** "0x7ffff7fca000" (gdb's dtd: hex with 0x); anything else is refused. */
function address(attrs: Map<string, string>, name: string, required: boolean): bigint | undefined {
  const text = attrs.get(name);
  if (text === undefined) {
    if (required) throw malformed(`<library> without ${name}`);
    return undefined;
  }
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) throw malformed(`${name}="${preview(text, 24)}" is not an address`);
  return BigInt(text);
}

/** The document after its XML declaration and DOCTYPE (no internal subset), found with indexOf: linear on any input. */
function withoutProlog(text: string): string {
  let rest = text.trimStart();
  if (rest.startsWith('<?xml')) {
    const end = rest.indexOf('?>');
    if (end < 0) throw malformed('unterminated XML declaration');
    rest = rest.slice(end + 2).trimStart();
  }
  if (rest.startsWith('<!DOCTYPE')) {
    const end = rest.indexOf('>');
    if (end < 0 || rest.lastIndexOf('[', end) >= 0) throw malformed('unsupported DOCTYPE');
    rest = rest.slice(end + 1);
  }
  return rest;
}

/**
 * Parses `<library-list-svr4 version="1.0" main-lm="0x..."><library name=".." lm=".." l_addr=".."
 * l_ld=".."/>...</library-list-svr4>` as gdbserver sends it. Only that shape is accepted (an XML
 * declaration, comments and whitespace aside); libraries come in the stub's order, the main program
 * is main-lm (gdbserver never lists it as a library).
 */
export function parseLibraryList(xml: string): LibraryList {
  const text = withoutProlog(stripXmlComments(xml.replace(/^\uFEFF/, '')));
  const root = /^\s*<library-list-svr4\b([^<>]*?)(\/?)>/.exec(text);
  if (!root) throw malformed(`expected <library-list-svr4>, got "${preview(text.trim(), 30) || '(empty)'}"`);
  const rootAttrs = xmlAttributes(root[1]!);
  const out: LibraryList = { libraries: [] };
  const mainLm = address(rootAttrs, 'main-lm', false);
  if (mainLm !== undefined) out.mainLm = mainLm;
  let pos = root[0].length;
  if (root[2] === '/') {
    if (text.slice(pos).trim()) throw malformed('text after the end of the list');
    return out;
  }
  // Sticky: each <library> must follow the previous one (whitespace aside), in one pass over the text.
  const item = /\s*<library\b([^<>]*?)(\/>|>\s*<\/library\s*>)/y;
  for (;;) {
    item.lastIndex = pos;
    const m = item.exec(text);
    if (!m) break;
    if (out.libraries.length >= MAX_LIBRARIES) throw malformed(`more than ${MAX_LIBRARIES} libraries`);
    const attrs = xmlAttributes(m[1]!);
    const name = attrs.get('name');
    if (name === undefined) throw malformed('<library> without name');
    out.libraries.push({
      name,
      lm: address(attrs, 'lm', true)!,
      l_addr: address(attrs, 'l_addr', true)!,
      l_ld: address(attrs, 'l_ld', true)!,
    });
    pos = item.lastIndex;
  }
  const rest = text.slice(pos);
  if (!/^\s*<\/library-list-svr4\s*>\s*$/.test(rest)) throw malformed(`unexpected "${preview(rest.trim(), 30) || '(end of document)'}"`);
  return out;
}
