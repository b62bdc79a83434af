// The two kinds of failure: a UserError is a message for the user (no stack); anything else is a bug.

/** An error whose message is shown to the user as one line; never a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A malformed input file: names the file, what is wrong and where (section and offset). */
export class FormatError extends UserError {
  override name = 'FormatError';
  constructor(message: string, readonly where?: { section?: string; offset?: number }) {
    super(where ? `${message}${describeWhere(where)}` : message);
  }
}

function describeWhere(w: { section?: string; offset?: number }): string {
  const parts: string[] = [];
  if (w.section) parts.push(`in ${w.section}`);
  if (w.offset !== undefined) parts.push(`at offset 0x${w.offset.toString(16)}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** Message of any thrown value, for one-line reports. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Internal errors print their stack too (DUSTER_DEBUG=1 in the environment, or --debug, which sets it). */
export function debugEnabled(): boolean {
  return !!process.env.DUSTER_DEBUG;
}
