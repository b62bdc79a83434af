// What a remote stub offers: qSupported parsing, vCont? actions, and the options of a gdb-remote connection.

export interface GdbRemoteOptions {
  /** Reply timeout for every non-resume request, ms (default 10000). A silent stub fails after this. */
  timeoutMs?: number;
  /** Largest packet accepted from the stub, bytes (default 1 MiB). */
  maxPacketBytes?: number;
  /** Retransmissions per packet in ack mode (default 3). */
  maxRetries?: number;
  /** Use target.xml when offered (default true); false forces the built-in amd64 layout. */
  useTargetXml?: boolean;
  /** Negotiate QStartNoAckMode when offered (default true). */
  noAckMode?: boolean;
  /** Use vCont when offered (default true); false forces Hc + c/s. */
  useVCont?: boolean;
  /** Use binary X writes when accepted (default true); false forces M. */
  useBinaryWrites?: boolean;
  /** Probe Z0 support at connect (default true); false reports nativeBreakpoints = false. */
  useZ0?: boolean;
  /** Receives program output (O packets). Same as setting target.onOutput. */
  onOutput?: (text: string) => void;
}

export const DEFAULTS = {
  timeoutMs: 10_000,
  maxPacketBytes: 1 << 20,
  maxRetries: 3,
};

/** Packet size gdb assumes when the stub does not say (remote.c's historic default). */
export const DEFAULT_PACKET_SIZE = 400;

/**
 * Largest PacketSize we believe. A stub claiming more (0xffffffff, 2^40) would have us ask for
 * replies past our own cap on received packets (DEFAULTS.maxPacketBytes: m replies are hex, two
 * characters a byte); gdbserver says 0x20000. Below 32 bytes no request fits: gdb's default is used.
 */
export const MAX_PACKET_SIZE = 1 << 18;
const MIN_PACKET_SIZE = 32;

/**
 * The client's qSupported request: what we understand. swbreak: gdbserver then reports an int3 trap as
 * `swbreak` with rip already back on the int3 (for int3s core wrote itself too), which saves the
 * register read and write of a rewind at every breakpoint hit; a trap reported without it (gdbsx, or a
 * stub that does not know swbreak) keeps rip after the int3, as the CPU left it. Core handles both per
 * stop (StopReason 'trap'.swbreak). fork-events and vfork-events (which
 * need multiprocess: the child is addressed as pPID.TID and detached with D;PID) let a child be freed of
 * our breakpoint bytes before it runs, as gdb does (a vfork child shares the parent's memory until
 * vforkdone: core takes its bytes out meanwhile).
 */
export const QSUPPORTED_REQUEST = 'qSupported:multiprocess+;swbreak+;fork-events+;vfork-events+;hwbreak+;qRelocInsn-;xmlRegisters=i386;vContSupported+';

export interface StubFeatures {
  packetSize?: number;
  noAckMode: boolean;
  swbreak: boolean;
  hwbreak: boolean;
  targetXml: boolean;
  vContSupported: boolean;
  multiprocess: boolean;
  /** qXfer:auxv:read: the process's auxiliary vector. */
  auxv: boolean;
  /** qXfer:libraries-svr4:read: the dynamic linker's library list as XML. */
  librariesSvr4: boolean;
  /** Every feature as sent: name -> '+', '-', '?' or the value after '='. */
  raw: Map<string, string>;
}

/** Parses a qSupported reply ("" when the stub does not know qSupported: nothing is offered). */
export function parseQSupported(reply: string): StubFeatures {
  const raw = new Map<string, string>();
  if (!reply.startsWith('E')) {
    for (const item of reply.split(';')) {
      if (!item) continue;
      const eq = item.indexOf('=');
      if (eq >= 0) raw.set(item.slice(0, eq), item.slice(eq + 1));
      else if (/[+\-?]$/.test(item)) raw.set(item.slice(0, -1), item.slice(-1));
    }
  }
  const on = (name: string): boolean => raw.get(name) === '+';
  const sizeText = raw.get('PacketSize');
  const size = sizeText && /^[0-9a-fA-F]+$/.test(sizeText) ? parseInt(sizeText, 16) : undefined;
  return {
    packetSize: size !== undefined && size >= MIN_PACKET_SIZE ? Math.min(size, MAX_PACKET_SIZE) : undefined,
    noAckMode: on('QStartNoAckMode'),
    swbreak: on('swbreak'),
    hwbreak: on('hwbreak'),
    targetXml: on('qXfer:features:read'),
    vContSupported: on('vContSupported'),
    multiprocess: on('multiprocess'),
    auxv: on('qXfer:auxv:read'),
    librariesSvr4: on('qXfer:libraries-svr4:read'),
    raw,
  };
}

/** Parses a vCont? reply ("vCont;c;C;s;S;t;r") into the set of actions; empty when unsupported. */
export function parseVContActions(reply: string): Set<string> {
  if (!reply.startsWith('vCont')) return new Set();
  return new Set(reply.slice(5).split(';').filter((a) => a !== ''));
}
