// The Xen pane: domain, state, memory, every vCPU and where it is, the breakpoint strategy and why, start_info (with its event channels).
import type { CodeLocation } from '../core/api.js';
import { domainState, strategyText, startInfoRows, vcpuState } from '../commands/xen-commands.js';
import { DOMAIN_FLAGS as F, type XenDomainSnapshot, type XenViews } from '../target/extensions.js';
import type { StartInfo } from '../target/xen-start-info.js';
import { locationText } from './threads-pane.js';

/** What the pane shows; everything in it is read without the target lock (domain info reads never stop the guest). */
export interface XenPaneData {
  snap?: XenDomainSnapshot;
  error?: string;
  strategy: string;
  stops: number;
  startInfo?: { address: bigint; how: string; info: StartInfo };
  /** The selected vCPU (marked '*'). */
  selected?: number;
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const mib = (pages: bigint): string => `${(Number(pages) * 4096 / 1048576).toFixed(Number(pages) % 256 ? 1 : 0)} MiB`;

/** Reads the domain's state now (hypercalls only: safe while the guest runs and while a command holds the target). */
export function readXenPane(xen: XenViews, startInfo: XenPaneData['startInfo'], selected: number | undefined): XenPaneData {
  const base = { strategy: strategyText(xen), stops: xen.stats.stops, ...(startInfo ? { startInfo } : {}), ...(selected !== undefined ? { selected } : {}) };
  try {
    return { ...base, snap: xen.snapshot() };
  } catch (e) {
    return { ...base, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The pane's text, one string per row. */
export function xenPaneLines(d: XenPaneData, describe?: (pc: bigint) => CodeLocation): string[] {
  const out: string[] = [];
  const s = d.snap;
  if (!s) return [d.error ?? 'No domain information.'];
  const i = s.info;
  out.push(`Domain ${s.domid}${s.name ? ` "${s.name}"` : ''}: ${domainState(i.flags, i.shutdownReason)}; ${i.flags & F.HVM ? 'HVM' : 'PV'} ${i.guestWidth * 8}-bit`);
  out.push(`Memory: ${mib(i.totPages)} (${i.totPages} pages), max ${mib(i.maxPages)}; CPU time ${(Number(i.cpuTimeNs) / 1e9).toFixed(2)} s`);
  out.push(`Breakpoints: ${d.strategy}; stops seen: ${d.stops}`);
  out.push(`vCPUs: ${i.onlineVcpus} online of ${i.maxVcpuId + 1}`);
  for (const v of s.vcpus) {
    const loc = v.rip !== undefined ? (describe ? locationText(describe(v.rip)) : hex(v.rip)) : '';
    out.push(`${v.id === d.selected ? '*' : ' '} vCPU ${String(v.id).padEnd(3)} ${vcpuState(v, i.flags).padEnd(8)} pcpu ${String(v.cpu).padEnd(3)} ${loc}`.trimEnd());
  }
  if (d.startInfo) {
    out.push(`start_info at ${hex(d.startInfo.address)} (${d.startInfo.how}):`);
    for (const [k, v] of startInfoRows(d.startInfo.info)) out.push(`  ${k.padEnd(13)}: ${v}`);
  } else out.push('start_info: not found yet (read at a stop)');
  return out;
}
