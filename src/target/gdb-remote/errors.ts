// Errors of the gdb-remote backend: stub failures the user reads (UserError) and broken connections (TargetGoneError).
import { TargetGoneError } from '../contract.js';
import { UserError } from '../../util/errors.js';

/** The stub answered a request with an error ("E NN") or something unusable; the connection stays up. */
export class RemoteError extends UserError {
  override name = 'RemoteError';
}

/** Malformed data from the stub (bad hex, a stop reply that does not parse, a runaway encoding). */
export class PacketError extends RemoteError {
  override name = 'PacketError';
}

/** The stub broke the protocol or stopped answering; the connection has been closed. */
export class RemoteProtocolError extends TargetGoneError {
  override name = 'RemoteProtocolError';
}

const STRERROR: Record<string, string> = {
  ECONNRESET: 'Connection reset by peer', EPIPE: 'Broken pipe', ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host', ENETUNREACH: 'Network is unreachable', ECONNABORTED: 'Software caused connection abort',
};

/** A socket error on an open connection, in gdb's words (remote.c: "Remote communication error.  Target disconnected: ..."). */
export function connectionLost(e: NodeJS.ErrnoException): TargetGoneError {
  const why = (e.code && STRERROR[e.code]) ?? e.code ?? e.message;
  return new TargetGoneError(`Remote communication error.  Target disconnected: ${why}.`);
}
