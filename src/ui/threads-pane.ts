// The threads / vCPUs pane: one row per thread (gdb's number, target id, state, where it is); Enter selects it as `thread N`.
import type { CodeLocation, ThreadInfo } from '../core/api.js';
import { vcpuState } from '../commands/xen-commands.js';
import type { XenDomainSnapshot } from '../target/extensions.js';
import { where } from './lists.js';
import { Line, merge } from './text.js';
import type { Theme } from './theme.js';

export interface ThreadRow {
  number: number;
  vcpu: number;
  /** gdb's Target Id column ("Thread 1234.1240 \"worker\"", "vCPU 0"). */
  targetId: string;
  /** stopped / running; a Xen vCPU's own state (online, offline, blocked, running, paused) when known. */
  state: string;
  current: boolean;
  location?: CodeLocation;
}

/** "demo at kernel.c:66", "0x401136 in ??": the function and file:line when known, else the address. */
export function locationText(loc: CodeLocation | undefined): string {
  if (!loc) return '';
  const fn = loc.function ?? '??';
  return loc.file && loc.line !== undefined ? `${fn} at ${where(loc)}` : `0x${loc.address.toString(16)} in ${fn}`;
}

/**
 * The pane's rows: the session's threads, with each Xen vCPU's state and rip from the domain snapshot
 * (the snapshot is read while the guest runs, so the rows move with it).
 */
export function threadRows(threads: readonly ThreadInfo[], snap?: XenDomainSnapshot, describe?: (pc: bigint) => CodeLocation): ThreadRow[] {
  return threads.map((t) => {
    const row: ThreadRow = { number: t.number, vcpu: t.vcpu, targetId: `${t.targetId}${t.name ? ` "${t.name}"` : ''}`, state: t.state, current: t.current };
    if (t.location) row.location = t.location;
    const v = snap?.vcpus.find((x) => x.id === t.vcpu);
    if (v && snap) {
      row.state = v.online ? vcpuState(v, 0) : 'offline'; // the domain's pause is the debugger's: say what the vCPU itself is doing
      if (v.online && row.state === 'runnable') row.state = 'online';
      if (!row.location && v.rip !== undefined && describe) row.location = describe(v.rip);
    }
    return row;
  });
}

/** One row: "* 2   Thread 123.125 "worker-1"  stopped  worker at workers.c:30"; the selected thread carries '*'. */
export function renderThreadRow(r: ThreadRow, width: number, cursor: boolean, idWidth: number, t: Theme, left = 0): string {
  const b = cursor ? merge(t.style('text'), t.style('selection')) : t.style('text');
  const line = new Line(width, b);
  line.add(r.current ? '*' : ' ', t.style('pcMarker'));
  line.add(` ${String(r.number).padEnd(3)} `, t.style('muted'));
  line.skip(left);
  line.add(r.targetId.padEnd(idWidth) + ' ', r.current ? merge(t.style('name'), { bold: true }) : t.style('name'));
  line.add(r.state.padEnd(8) + ' ', r.state === 'running' ? t.style('value') : t.style('muted'));
  line.add(locationText(r.location), t.style('address'));
  return line.toString(b);
}

/** The pane's body: rows from `top`, the cursor row highlighted when the pane has the focus. */
export function renderThreads(rows: readonly ThreadRow[], width: number, height: number, top: number, cursor: number | undefined, t: Theme, left: number, empty: string): string[] {
  const idWidth = Math.min(28, Math.max(8, ...rows.map((r) => r.targetId.length)));
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    const r = rows[top + i];
    if (r) out.push(renderThreadRow(r, width, cursor === top + i, idWidth, t, left));
    else out.push(new Line(width, t.style('text')).add(i === 0 && !rows.length ? empty : '', t.style('muted')).toString(t.style('text')));
  }
  return out;
}
