// Connecting to a stub: qSupported, no-ack mode, the initial stop, the register layout, vCont?, Z0, who the stub is, and the capabilities they give.
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
   * Who plants trap breakpoints. Default: 'target' (Z0) on QEMU's gdbstub, 'memory' (core writes
   * int3) elsewhere; see isQemuGdbstub. Connecting fails when 'target' is asked of a stub without Z0.
   */
  breakpoints?: 'memory' | 'target';
  /**
   * Where pc is after a breakpoint trap. Default: 'at-int3' on QEMU's gdbstub, 'after-int3'
   * elsewhere: what a plain trap means on gdbsx, and on gdbserver for a trap reported without the swbreak reason.
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
  /** Both sides said multiprocess+: thread ids are pPID.TID and detach must name the process (D;pid). */
  multiprocess: boolean;
  capabilities: TargetCapabilities;
}

/**
 * Recognises QEMU's gdbstub by its own query: `qqemu.sstepbits` answers "ENABLE=1,NOIRQ=2,NOTIMER=4"
 * there, while gdbserver, gdbsx and every stub that does not know a q packet answer "" (the
 * protocol's rule for unknown packets). The reply names a feature, not a version: a long-standing
 * query, no version parsing. qSupported alone cannot tell (no swbreak+ is also true of gdbsx).
 * What QEMU's breakpoints need cannot be probed without running the guest (docs/QEMU.md):
 *  - memory int3s are executed by the guest itself, whose IDT (if any) is not gdb's: 'target' (Z0),
 *    which QEMU keeps in its translator, outside guest memory;
 *  - a Z0 hit stops with pc at the breakpoint (no int3 ran): 'at-int3'.
 * Explicit options win over the recognition (a QEMU fork that behaves otherwise can say so).
 */
async function isQemuGdbstub(request: (p: string) => Promise<string>): Promise<boolean> {
  return /(^|,)ENABLE=/.test(await request('qqemu.sstepbits'));
}

/** multiprocess is on only when we offered it too (QEMU answers multiprocess+ whatever we send). */
function multiprocessNegotiated(features: StubFeatures): boolean {
  return features.multiprocess && parseQSupported(QSUPPORTED_REQUEST.slice(QSUPPORTED_REQUEST.indexOf(':') + 1)).multiprocess;
}

/** O packets accepted while waiting for the answer to '?'. */
const MAX_OUTPUT_BEFORE_STOP = 4096;
export async function negotiate(conn: RemoteConnection, opts: GdbRemoteOptions): Promise<Negotiated> {
  const features = parseQSupported(await conn.request(QSUPPORTED_REQUEST));
  if (features.noAckMode && opts.noAckMode !== false) {
    if ((await conn.request('QStartNoAckMode')) === 'OK') conn.noAck = true;
  }
  let text = await conn.request('?');
  // Console output before the answer is skipped, but not forever: a stub flooding O packets is broken.
  for (let skipped = 0; text.startsWith('O') && isStopReply(text); skipped++) {
    if (skipped >= MAX_OUTPUT_BEFORE_STOP) throw new RemoteError(`Remote replied unexpectedly to '?': ${MAX_OUTPUT_BEFORE_STOP} output packets and no stop reply`);
    text = (await conn.nextPacket('?')).toString('latin1');
  }
  if (!isStopReply(text)) throw new RemoteError(`Unexpected reply to '?' from remote: ${preview(text) || '(empty)'}`);
  const initial = parseStopReply(text);
  if (initial.kind === 'exited' || initial.kind === 'terminated') throw new UserError('The remote target has no running program');
  const request = (p: string): Promise<string> => conn.request(p);
  // The layout comes from target.xml before any register is read: QEMU's registers after eflags/segments
  // are not gdb's built-in amd64 order (control registers before st0), and its 'p' answers "" until a
  // features document was read.
  const layout =
    features.targetXml && opts.useTargetXml !== false
      ? await parseTargetDescription((annex) => readXfer(request, 'features', annex, features.packetSize ?? DEFAULT_PACKET_SIZE))
      : builtinAmd64Layout();
  // gdb refuses a description its architecture cannot use; without rip nothing can show where the program is.
  if (!layout.byName.has('rip')) throw new RemoteError(`Architecture rejected target-supplied description ${layout.source} (no rip register)`);
  const z0 = opts.useZ0 !== false && (await probeZ0(request));
  const qemu = await isQemuGdbstub(request);
  const breakpoints = opts.breakpoints ?? (qemu ? 'target' : 'memory');
  if (breakpoints === 'target' && !z0) throw new UserError('The remote stub does not support Z0 breakpoints');
  let vCont = new Set<string>();
  if (opts.useVCont !== false) {
    const actions = parseVContActions(await conn.request('vCont?'));
    if (actions.has('c') && actions.has('s')) vCont = actions;
  }
  const capabilities: TargetCapabilities = {
    canExecute: true,
    trapPc: opts.trapPc ?? (qemu ? 'at-int3' : 'after-int3'),
    breakpoints,
    hardwareStep: true,
    // QEMU has no vCont;r: core single-steps lines (QEMU masks IRQs and timers while stepping, qqemu.sstep 0x7).
    rangeStep: vCont.has('r'),
    // Registers of a running remote target cannot be read: spin polling interrupts first.
    spinPoll: 'interrupt-and-read',
  };
  return { features, layout, initial, vCont, z0, multiprocess: multiprocessNegotiated(features), capabilities };
}
