// `info xen` and `console` against a live PV guest: domain state, vCPU rip, start_info found via the symbol and by the
// page scan, the console from xenconsoled's log and from the PV console ring. Runs inside dom0 only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectXen } from '../src/target/xen/connect.js';
import { findStartInfo, xenCommands, xenInfoCommands } from '../src/commands/xen-commands.js';
import type { CommandContext } from '../src/commands/context.js';
import { Program } from '../src/symbols/program.js';
import { openElf } from '../src/elf/elf.js';
import { consoleLog, labEnv, roundsStarted, waitFor, xl } from './lab.js';
import { createGuestCopy } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-views';

function createGuest(): void {
  createGuestCopy(GUEST, false);
}

test('info xen, info domain and console on a running guest', async () => {
  createGuest();
  // let it print its start_info dump and a few rounds
  const log = await waitFor('three rounds', () => { const l = consoleLog(GUEST); return roundsStarted(l) >= 3 ? l : undefined; }, 90_000);
  const program = new Program(openElf(env.elfO0));
  const { target } = await connectXen({ domain: GUEST }, { print: () => {}, error: () => {} });
  try {
    let printed = '';
    const ctx = {
      program, session: { xen: target.xen, vcpu: 0, readMemory: (a: bigint, n: number) => target.readMemory(a, n) }, out: { print: (t: string) => { printed += t; }, error: (t: string) => { printed += t; } },
    } as unknown as CommandContext;
    await xenInfoCommands[0]!.run!('', ctx);
    const domid = Number(xl('domid', GUEST).trim());
    assert.match(printed, new RegExp(`^Domain ${domid} "${GUEST}": paused, blocked; PV 64-bit`, 'm'));
    assert.match(printed, env.hypervisor === 'gdbsx' ? /with GDBSX; breakpoints: trap/ : /without GDBSX; breakpoints: spin/);
    assert.match(printed, /^Memory: 16 MiB \(4096 pages\)/m);
    assert.match(printed, /^\* vCPU 0 +paused +pcpu \d+ +[\d.]+ s +rip 0x[0-9a-f]+/m);
    assert.match(printed, /^start_info at 0x[0-9a-f]+ \(pointer in start_info_ptr\):$/m);
    // the guest printed the same fields at boot (the talk's console dump)
    const lastBoot = log.slice(log.lastIndexOf('start_info      :'));
    const fromGuest = (k: string) => new RegExp(`^${k} +: (\\S+)`, 'm').exec(lastBoot)?.[1];
    assert.match(printed, new RegExp(`^start_info at 0x${fromGuest('start_info')!.replace(/^0+/, '')} `, 'm'));
    assert.match(printed, /^ {2}magic {8}: xen-3\.0-x86_64$/m);
    assert.match(printed, /^ {2}nr_pages {5}: 4096$/m);
    assert.match(printed, new RegExp(`^  pt_base      : 0x${fromGuest('pt_base')!.replace(/^0+/, '')}$`, 'm'));
    assert.match(printed, new RegExp(`^  shared_info  : 0x${fromGuest('shared_inf')!.replace(/^0+/, '')}$`, 'm'));
    assert.match(printed, /^ {2}console_mfn {2}: 0x[0-9a-f]+ evtchn \d+$/m);

    // without the symbol: the scan after the image finds the same page
    const viaSymbol = await findStartInfo(target, program);
    const scanned = await findStartInfo(target, { elf: { symbols: () => [], segments: program.elf.segments } } as unknown as Program);
    assert.equal(scanned?.address, viaSymbol?.address);
    assert.equal(scanned?.how, 'found after the kernel image');

    printed = '';
    await xenCommands[0]!.run!('5', ctx);
    assert.match(printed, new RegExp(`^--- /var/log/xen/console/guest-${GUEST}.log: last 5 line\\(s\\) ---\\n`));
    // the ring: point the log lookup somewhere empty
    process.env.DUSTER_XEN_CONSOLE_DIR = '/nonexistent';
    printed = '';
    try {
      await xenCommands[0]!.run!('8', ctx);
    } finally {
      delete process.env.DUSTER_XEN_CONSOLE_DIR;
    }
    assert.match(printed, /^--- console ring, frame 0x[0-9a-f]+ \(last 2 KiB\): last 8 line\(s\) ---\n/);
    assert.match(printed, /We are on the \d iteration of the loop\n/);
    await target.detach({});
  } finally {
    target.close();
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});
