// Xen views: `info xen` / `info domain` (domain, vCPUs, memory, start_info) and `console` (the guest's console output).
import { existsSync, readFileSync } from 'node:fs';
import type { Program } from '../symbols/program.js';
import type { Session } from '../core/session.js';
import { DOMAIN_FLAGS as F, type XenViews } from '../target/extensions.js';
import { consoleRingText, parseStartInfo, START_INFO_SIZE, startInfoFlags, type StartInfo } from '../target/xen-start-info.js';
import { UserError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import type { Command } from './registry.js';

/** Symbols PV kernels keep the start_info pointer in (ours and Mini-OS, Linux, Unikraft, older Mini-OS). */
const START_INFO_SYMBOLS = ['start_info_ptr', 'xen_start_info', 'HYPERVISOR_start_info', 'start_info'];
const SCAN_PAGES = 1024;

/** The session and its Xen views; guest memory is read through the session (our patches masked). */
function xenSession(ctx: CommandContext): { session: Session; xen: XenViews } {
  const xen = ctx.session?.xen;
  if (!ctx.session || !xen) throw new UserError(ctx.session ? 'The target is not a Xen domain (info xen needs --domain).' : 'No Xen domain attached (use --domain ID|NAME).');
  return { session: ctx.session, xen };
}

/** Where guest memory comes from: the Session (masked), or a target in the lab tests. */
interface GuestMemory {
  readMemory(address: bigint, len: number): Promise<Uint8Array>;
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

function symbolAddress(program: Program | undefined, name: string): { value: bigint; size: number } | undefined {
  const s = program?.elf.symbols().find((x) => x.name === name && x.value !== 0n);
  return s ? { value: s.value, size: s.size } : undefined;
}

/**
 * Where start_info is: the pointer a known symbol holds (or the struct itself, for kernels that
 * copy it), else a scan of the pages after the kernel image (the domain builder puts it there).
 */
export async function findStartInfo(t: GuestMemory, program: Program | undefined): Promise<{ address: bigint; how: string; info: StartInfo } | undefined> {
  const read = async (a: bigint, n: number) => { try { return await t.readMemory(a, n); } catch { return undefined; } };
  for (const name of START_INFO_SYMBOLS) {
    const s = symbolAddress(program, name);
    if (!s) continue;
    const here = await read(s.value, START_INFO_SIZE);
    const direct = here && parseStartInfo(here);
    if (direct) return { address: s.value, how: `symbol ${name}`, info: direct };
    const ptr = await read(s.value, 8);
    if (!ptr) continue;
    const address = Buffer.from(ptr).readBigUInt64LE(0);
    const bytes = address ? await read(address, START_INFO_SIZE) : undefined;
    const info = bytes && parseStartInfo(bytes);
    if (info) return { address, how: `pointer in ${name}`, info };
  }
  const ends = program?.elf.segments.filter((g) => g.type === 1).map((g) => g.vaddr + BigInt(g.memsz)) ?? [];
  if (!ends.length) return undefined;
  const start = (ends.reduce((a, b) => (a > b ? a : b)) + 0xfffn) & ~0xfffn;
  for (let i = 0; i < SCAN_PAGES; i++) {
    const address = start + BigInt(i) * 0x1000n;
    const head = await read(address, 16);
    if (!head) continue;
    if (Buffer.from(head).toString('latin1', 0, 8) !== 'xen-3.0-') continue;
    const bytes = await read(address, START_INFO_SIZE);
    const info = bytes && parseStartInfo(bytes);
    if (info) return { address, how: 'found after the kernel image', info };
  }
  return undefined;
}

/** The domain's state in words: dying, crashed, shut down (why), paused, running, blocked. */
export function domainState(flags: number, shutdownReason: number): string {
  const parts: string[] = [];
  if (flags & F.DYING) parts.push('dying');
  if (flags & F.SHUTDOWN) parts.push(flags & F.CRASHED ? 'crashed' : `shut down (${['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset'][shutdownReason] ?? shutdownReason})`);
  if (flags & F.PAUSED) parts.push('paused');
  if (flags & F.RUNNING) parts.push('running');
  else if (flags & F.BLOCKED) parts.push('blocked');
  return parts.join(', ') || 'runnable';
}

const seconds = (ns: bigint) => `${(Number(ns) / 1e9).toFixed(2)} s`;

/** A vCPU's state as `info xen` and the Xen pane name it. */
export function vcpuState(v: { online: boolean; running: boolean; blocked: boolean }, domainFlags: number): string {
  return !v.online ? 'offline' : domainFlags & F.PAUSED ? 'paused' : v.running ? 'running' : v.blocked ? 'blocked' : 'runnable';
}

/** The breakpoint strategy in use and why (connectXen picks trap when the hypervisor has GDBSX, spin otherwise, unless asked). */
export function strategyText(t: Pick<XenViews, 'strategy' | 'gdbsx'>): string {
  if (t.strategy === 'trap') return 'trap (int3, TF single-step): the hypervisor has GDBSX, which reports int3 and #DB';
  return t.gdbsx ? 'spin (jmp ., polled rip): as asked (--breakpoints spin); GDBSX would allow trap'
    : 'spin (jmp ., polled rip): no GDBSX in this hypervisor, so a PV guest\'s int3 cannot be caught';
}

/** start_info's fields as name/value pairs (info xen, the Xen pane). */
export function startInfoRows(si: StartInfo): [string, string][] {
  return [
    ['magic', si.magic], ['nr_pages', `${si.nrPages}`], ['shared_info', hex(si.sharedInfo)],
    ['pt_base', hex(si.ptBase)], ['nr_pt_frames', `${si.nrPtFrames}`], ['mfn_list', hex(si.mfnList)],
    ['mod_start', hex(si.modStart)], ['mod_len', `${si.modLen}`],
    ['flags', `${hex(si.flags)}${startInfoFlags(si.flags).length ? ` (${startInfoFlags(si.flags).join(' ')})` : ''}`],
    ['store_mfn', `${hex(si.storeMfn)} evtchn ${si.storeEvtchn}`],
    ['console_mfn', `${hex(si.consoleMfn)} evtchn ${si.consoleEvtchn}`],
    ['cmd_line', si.cmdLine],
  ];
}

function formatStartInfo(si: StartInfo, address: bigint, how: string): string {
  const rows = startInfoRows(si);
  return `start_info at ${hex(address)} (${how}):\n${rows.map(([k, v]) => `  ${k.padEnd(13)}: ${v}`).join('\n')}\n`;
}

async function infoXen(_args: string, ctx: CommandContext): Promise<void> {
  const { session, xen: t } = xenSession(ctx);
  const snap = t.snapshot();
  const i = snap.info;
  const lines: string[] = [];
  lines.push(`Domain ${snap.domid}${snap.name ? ` "${snap.name}"` : ''}: ${domainState(i.flags, i.shutdownReason)}; ${i.flags & F.HVM ? 'HVM' : 'PV'} ${i.guestWidth * 8}-bit${i.flags & F.DEBUGGED ? '; Xen debugging on' : ''}`);
  lines.push(`Hypervisor: ${t.gdbsx ? 'with GDBSX' : 'without GDBSX'}; breakpoints: ${t.strategy === 'trap' ? 'trap (int3, TF single-step)' : 'spin (jmp ., polled rip)'}`);
  const mib = (pages: bigint) => `${(Number(pages) * 4096 / 1048576).toFixed(Number(pages) % 256 ? 1 : 0)} MiB`;
  lines.push(`Memory: ${mib(i.totPages)} (${i.totPages} pages), max ${mib(i.maxPages)}; shared_info frame ${hex(i.sharedInfoFrame)}`);
  lines.push(`CPU time: ${seconds(i.cpuTimeNs)}; stops seen: ${t.stats.stops}`);
  lines.push(`vCPUs: ${i.onlineVcpus} online of ${i.maxVcpuId + 1}`);
  const sel = ctx.session?.vcpu;
  for (const v of snap.vcpus) {
    const state = vcpuState(v, i.flags);
    const where = v.rip !== undefined ? `rip ${ctx.program ? ctx.program.formatAddress(v.rip) : hex(v.rip)}` : '';
    lines.push(`${v.id === sel ? '*' : ' '} vCPU ${String(v.id).padEnd(3)} ${state.padEnd(8)} pcpu ${String(v.cpu).padEnd(3)} ${seconds(v.cpuTimeNs).padStart(9)}  ${where}`.trimEnd());
  }
  ctx.out.print(lines.join('\n') + '\n');
  const si = await findStartInfo(session, ctx.program);
  ctx.out.print(si ? formatStartInfo(si.info, si.address, si.how) : 'start_info: not found (no start_info_ptr/xen_start_info symbol, no xen-3.0 page after the image)\n');
}

/** Path of xenconsoled's log for a guest (xenconsoled --log=guest). */
export function consoleLogPath(name: string): string {
  return `${process.env.DUSTER_XEN_CONSOLE_DIR ?? '/var/log/xen/console'}/guest-${name}.log`;
}

async function consoleCommand(args: string, ctx: CommandContext): Promise<void> {
  const { session, xen: t } = xenSession(ctx);
  const m = /^\s*(\d+)?\s*$/.exec(args);
  if (!m) throw new UserError('Usage: console [LINES]');
  const want = Number(m[1] ?? 40);
  const log = t.name ? consoleLogPath(t.name) : undefined;
  let text: string;
  let source: string;
  if (log && existsSync(log)) {
    text = readFileSync(log, 'utf8');
    source = log;
  } else {
    const si = await findStartInfo(session, ctx.program);
    if (!si) throw new UserError(`No console log${log ? ` (${log})` : ''} and start_info not found: cannot locate the console ring.`);
    text = consoleRingText(t.readFrame(si.info.consoleMfn));
    source = `console ring, frame ${hex(si.info.consoleMfn)} (last 2 KiB)`;
  }
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const shown = lines.slice(-want);
  ctx.out.print(`--- ${source}: last ${shown.length} line(s) ---\n${shown.join('\n')}${shown.length ? '\n' : ''}`);
}

/** `info xen` and its alias `info domain`. */
export const xenInfoCommands: Command[] = [
  { name: 'xen', aliases: ['domain'], help: 'Xen domain: state, vCPUs (state, rip), memory, hypervisor, start_info fields.', run: infoXen },
];

export const xenCommands: Command[] = [
  { name: 'console', help: 'Guest console output: console [LINES] (xenconsoled log, else the PV console ring).', run: consoleCommand },
];
