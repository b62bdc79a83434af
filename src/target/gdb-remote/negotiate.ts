// Connecting to a stub: qSupported, no-ack mode, the initial stop, the register layout, vCont? and Z0, and the capabilities they give.
import type { TargetCapabilities, TrapPc } from '../contract.js';
import { UserError } from '../../util/errors.js';
import { RemoteError, type RemoteConnection } from './connection.js';
import {
  DEFAULT_PACKET_SIZE, QSUPPORTED_REQUEST, parseQSupported, parseVContActions,
  type GdbRemoteOptions as ProtocolOptions, type StubFeatures,
} from './features.js';
import { preview } from './packets.js';
import { builtinAmd64Layout, parseTargetDescription, type RegisterLayout } from './registers.js';
import { isStopReply, parseStopReply, type StopReply } from './stop-reply.js';
import { probeZ0, readXfer } from './util.js';

export interface GdbRemoteOptions extends ProtocolOptions {
  /**
   * Who plants trap breakpoints (default 'memory': core writes int3). 'target' has the stub plant
   * them with Z0 (QEMU's gdbstub needs it); connecting fails when the stub has no Z0.
   */
  breakpoints?: 'memory' | 'target';
  /**
   * Where pc is after a breakpoint trap (default 'after-int3', as gdbserver and gdbsx report it
   * without swbreak). QEMU's gdbstub reports its Z0 breakpoints with pc at the breakpoint: 'at-int3'.
   */
  trapPc?: TrapPc;
}

/** What connecting learnt about the stub. */
export interface Negotiated {
  features: StubFeatures;
  layout: RegisterLayout;
  /** The answer to '?' (the stop the stub is in). */
  initial: StopReply;
  /** vCont actions (empty: use Hc + s/c). */
  vCont: Set<string>;
  /** The stub plants Z0 breakpoints. */
  z0: boolean;
  capabilities: TargetCapabilities;
}

export async function negotiate(conn: RemoteConnection, opts: GdbRemoteOptions): Promise<Negotiated> {
  const features = parseQSupported(await conn.request(QSUPPORTED_REQUEST));
  if (features.noAckMode && opts.noAckMode !== false) {
    if ((await conn.request('QStartNoAckMode')) === 'OK') conn.noAck = true;
  }
  let text = await conn.request('?');
  while (text.startsWith('O') && isStopReply(text)) text = (await conn.nextPacket('?')).toString('latin1');
  if (!isStopReply(text)) throw new RemoteError(`Unexpected reply to '?' from remote: ${preview(text) || '(empty)'}`);
  const initial = parseStopReply(text);
  if (initial.kind === 'exited' || initial.kind === 'terminated') throw new UserError('The remote target has no running program');
  const request = (p: string): Promise<string> => conn.request(p);
  const layout =
    features.targetXml && opts.useTargetXml !== false
      ? await parseTargetDescription((annex) => readXfer(request, 'features', annex, features.packetSize ?? DEFAULT_PACKET_SIZE))
      : builtinAmd64Layout();
  const z0 = opts.useZ0 !== false && (await probeZ0(request));
  const breakpoints = opts.breakpoints ?? 'memory';
  if (breakpoints === 'target' && !z0) throw new UserError('The remote stub does not support Z0 breakpoints');
  let vCont = new Set<string>();
  if (opts.useVCont !== false) {
    const actions = parseVContActions(await conn.request('vCont?'));
    if (actions.has('c') && actions.has('s')) vCont = actions;
  }
  const capabilities: TargetCapabilities = {
    canExecute: true,
    trapPc: opts.trapPc ?? 'after-int3',
    breakpoints,
    hardwareStep: true,
    rangeStep: vCont.has('r'),
    // Registers of a running remote target cannot be read: spin polling interrupts first.
    spinPoll: 'interrupt-and-read',
  };
  return { features, layout, initial, vCont, z0, capabilities };
}
