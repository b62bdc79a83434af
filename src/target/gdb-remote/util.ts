// Small helpers of the gdb-remote backend: qXfer reads, XML attributes, thread lists, the Z0 probe, error replies turned into messages.
import { RemoteError } from './errors.js';
import { preview } from './packets.js';
import { parseThreadId, type ThreadId } from './stop-reply.js';

type Requester = (packet: string) => Promise<string>;

/** qfThreadInfo / qsThreadInfo pages; undefined when the stub has no thread list ("" or E NN). */
export async function fetchThreadList(request: Requester): Promise<ThreadId[] | undefined> {
  const found: ThreadId[] = [];
  let reply = await request('qfThreadInfo');
  for (let page = 0; reply.startsWith('m') && page < 10_000; page++) {
    for (const t of reply.slice(1).split(',')) if (t) found.push(parseThreadId(t));
    reply = await request('qsThreadInfo');
  }
  return reply === 'l' || reply.startsWith('m') ? found : undefined;
}

/** Z0 at address 0: "" means unsupported; OK (then removed) or E NN means the stub knows Z0. */
export async function probeZ0(request: Requester): Promise<boolean> {
  const reply = await request('Z0,0,1');
  if (reply === 'OK') await request('z0,0,1');
  return reply !== '';
}

/** Largest qXfer object we read (target descriptions are a few KiB, a library list of 1000 libraries ~200 KiB). */
const MAX_XFER_BYTES = 4 << 20;

/**
 * qXfer requests for one document: a stub answering 'm' with a byte or two at a time would
 * otherwise take millions of round trips to reach the size cap (4096 x the 400-byte default
 * packet is 1.5 MiB, far more than any target description).
 */
export const MAX_XFER_REQUESTS = 4096;

/**
 * Reads a whole qXfer object (e.g. features/target.xml) in chunks sized to the stub's packet size,
 * decoded as UTF-8 text.
 */
export async function readXfer(
  request: Requester,
  object: string,
  annex: string,
  packetSize: number,
): Promise<string> {
  return (await readXferBytes(request, object, annex, packetSize)).toString('utf8');
}

/**
 * Reads a whole qXfer object as bytes (auxv is binary), at most MAX_XFER_BYTES in at most
 * MAX_XFER_REQUESTS requests. Replies: 'm' + data (more follows), 'l' + data (last), E NN, or ""
 * (unsupported). The connection has already undone the binary escapes.
 */
export async function readXferBytes(
  request: Requester,
  object: string,
  annex: string,
  packetSize: number,
): Promise<Buffer> {
  const what = annex || object;
  const limited = limitRequests(request, MAX_XFER_REQUESTS, what);
  const chunk = Math.max(64, packetSize - 16);
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const packet = `qXfer:${object}:read:${annex}:${size.toString(16)},${chunk.toString(16)}`;
    const reply = await limited(packet);
    if (reply === '' || reply.startsWith('E')) throw remoteFailure(packet, reply, `Cannot read ${what} from the remote stub`);
    const kind = reply[0];
    if (kind !== 'm' && kind !== 'l') throw new RemoteError(`Unexpected reply to '${packet}': ${preview(reply)}`);
    const data = reply.slice(1);
    parts.push(data);
    size += data.length;
    if (size > MAX_XFER_BYTES) throw new RemoteError(`${what} from the remote stub is larger than ${MAX_XFER_BYTES} bytes`);
    if (kind === 'l') break;
    if (data.length === 0) throw new RemoteError(`Remote stub sent an empty chunk of ${what}`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** `request`, failing after `max` calls (an endless qXfer 'm' chain). */
export function limitRequests(request: Requester, max: number, what: string): Requester {
  let count = 0;
  return (p) => {
    if (++count > max) return Promise.reject(new RemoteError(`Remote stub sent ${what} in more than ${max} pieces`));
    return request(p);
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The attributes of an XML start tag's text (`name="v" x='y'`), entities decoded (&amp; &#38; &#x26;). */
export function xmlAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) attrs.set(m[1]!, decodeEntities(m[2] ?? m[3] ?? ''));
  return attrs;
}

/**
 * The text without its complete <!-- --> comments (an unterminated one is left as is), in one linear
 * pass: the regex /<!--[\s\S]*?-->/g rescans to the end from every "<!--" of a hostile document.
 */
export function stripXmlComments(text: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf('<!--', pos);
    const end = start < 0 ? -1 : text.indexOf('-->', start + 4);
    if (end < 0) return out + text.slice(pos);
    out += text.slice(pos, start);
    pos = end + 3;
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);/g, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e] ?? whole;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** "Cannot read ... (remote failure reply to 'g': E01)" or "(the remote stub does not support 'g')". */
export function remoteFailure(packet: string, reply: string, context: string): RemoteError {
  const what = preview(packet, 24);
  if (reply === '') return new RemoteError(`${context} (the remote stub does not support '${what}')`);
  return new RemoteError(`${context} (remote failure reply to '${what}': ${preview(reply)})`);
}
