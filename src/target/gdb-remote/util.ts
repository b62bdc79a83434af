// Small helpers of the gdb-remote backend: qXfer reads, thread lists, the Z0 probe, error replies turned into messages.
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

/** Largest qXfer object we read (target descriptions are a few KiB). */
const MAX_XFER_BYTES = 4 << 20;

/**
 * Reads a whole qXfer object (e.g. features/target.xml) in chunks sized to the stub's packet size.
 * Replies: 'm' + data (more follows), 'l' + data (last), E NN, or "" (unsupported).
 */
export async function readXfer(
  request: Requester,
  object: string,
  annex: string,
  packetSize: number,
): Promise<string> {
  const chunk = Math.max(64, packetSize - 16);
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const packet = `qXfer:${object}:read:${annex}:${size.toString(16)},${chunk.toString(16)}`;
    const reply = await request(packet);
    if (reply === '' || reply.startsWith('E')) throw remoteFailure(packet, reply, `Cannot read ${annex} from the remote stub`);
    const kind = reply[0];
    if (kind !== 'm' && kind !== 'l') throw new RemoteError(`Unexpected reply to '${packet}': ${preview(reply)}`);
    const data = reply.slice(1);
    parts.push(data);
    size += data.length;
    if (size > MAX_XFER_BYTES) throw new RemoteError(`${annex} from the remote stub is larger than ${MAX_XFER_BYTES} bytes`);
    if (kind === 'l') break;
    if (data.length === 0) throw new RemoteError(`Remote stub sent an empty chunk of ${annex}`);
  }
  return Buffer.from(parts.join(''), 'latin1').toString('utf8');
}

/** "Cannot read ... (remote failure reply to 'g': E01)" or "(the remote stub does not support 'g')". */
export function remoteFailure(packet: string, reply: string, context: string): RemoteError {
  const what = preview(packet, 24);
  if (reply === '') return new RemoteError(`${context} (the remote stub does not support '${what}')`);
  return new RemoteError(`${context} (remote failure reply to '${what}': ${preview(reply)})`);
}
