// Small helpers of the gdb-remote backend: qXfer object reads and error replies turned into messages.
import { RemoteError } from './connection.js';
import { preview } from './packets.js';

/** Largest qXfer object we read (target descriptions are a few KiB). */
const MAX_XFER_BYTES = 4 << 20;

/**
 * Reads a whole qXfer object (e.g. features/target.xml) in chunks sized to the stub's packet size.
 * Replies: 'm' + data (more follows), 'l' + data (last), E NN, or "" (unsupported).
 */
export async function readXfer(
  request: (packet: string) => Promise<string>,
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
