// The Xen pane and vCPU rows rendered from a recorded Xen view (the lab checks them on a live domain), and the console
// follower on a real log file and on a PV console ring page (wrap-around, rotation, a flood kept bounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeLocation, ThreadInfo } from '../../src/core/api.js';
import { ConsoleFollower } from '../../src/commands/xen-console.js';
import { DOMAIN_FLAGS as F, type XenDomainSnapshot } from '../../src/target/extensions.js';
import type { StartInfo } from '../../src/target/xen-start-info.js';
import { threadRows } from '../../src/ui/threads-pane.js';
import { xenPaneLines, type XenPaneData } from '../../src/ui/xen-pane.js';

/** A two-vCPU PV domain as the lab's snapshot reads it (vCPU 1 offline), paused by the debugger. */
function snapshot(flags: number): XenDomainSnapshot {
  return {
    domid: 7, name: 'duster-demo',
    info: { domid: 7, flags, shutdownReason: 0, guestWidth: 8, maxVcpuId: 1, onlineVcpus: 1, totPages: 4096n, maxPages: 4352n, sharedInfoFrame: 0x1234n, cpuTimeNs: 1_500_000_000n },
    vcpus: [
      { id: 0, online: true, blocked: true, running: false, cpu: 0, cpuTimeNs: 1_000_000_000n, rip: 0x101234n },
      { id: 1, online: false, blocked: false, running: false, cpu: 0, cpuTimeNs: 0n },
    ],
  };
}

const startInfo: StartInfo = {
  magic: 'xen-3.0-x86_64', nrPages: 4096n, sharedInfo: 0x3000n, flags: 0, storeMfn: 0x4a3n, storeEvtchn: 1, consoleMfn: 0x4a2n, consoleEvtchn: 2,
  ptBase: 0x218000n, nrPtFrames: 4n, mfnList: 0x20f000n, modStart: 0n, modLen: 0n, cmdLine: '', firstP2mPfn: 0n, nrP2mFrames: 0n,
};

const describe = (pc: bigint): CodeLocation => (pc === 0x101234n ? { address: pc, function: 'demo', file: 'kernel.c', line: 73 } : { address: pc });

test('the Xen pane: domain, state, memory, strategy and why, every vCPU and where it is, start_info with its event channels', () => {
  const d: XenPaneData = { snap: snapshot(F.PAUSED | F.BLOCKED), strategy: 'spin (jmp ., polled rip): no GDBSX in this hypervisor', stops: 2, selected: 0, startInfo: { address: 0x217000n, how: 'pointer in start_info_ptr', info: startInfo } };
  const lines = xenPaneLines(d, describe);
  assert.equal(lines[0], 'Domain 7 "duster-demo": paused, blocked; PV 64-bit');
  assert.equal(lines[1], 'Memory: 16 MiB (4096 pages), max 17 MiB; CPU time 1.50 s');
  assert.equal(lines[2], 'Breakpoints: spin (jmp ., polled rip): no GDBSX in this hypervisor; stops seen: 2');
  assert.equal(lines[3], 'vCPUs: 1 online of 2');
  assert.match(lines[4]!, /^\* vCPU 0 +paused +pcpu 0 +demo at kernel\.c:73$/);
  assert.match(lines[5]!, /^ {2}vCPU 1 +offline +pcpu 0$/);
  assert.equal(lines[6], 'start_info at 0x217000 (pointer in start_info_ptr):');
  assert.ok(lines.includes('  console_mfn  : 0x4a2 evtchn 2') && lines.includes('  store_mfn    : 0x4a3 evtchn 1'), lines.join('\n'));
  // Running: the domain's and the vCPU's own state; without symbols, the rip.
  const running = xenPaneLines({ ...d, snap: { ...snapshot(F.RUNNING), vcpus: [{ ...snapshot(0).vcpus[0]!, running: true, blocked: false }] } });
  assert.equal(running[0], 'Domain 7 "duster-demo": running; PV 64-bit');
  assert.match(running[4]!, /^\* vCPU 0 +running +pcpu 0 +0x101234$/);
  assert.equal(xenPaneLines({ strategy: '', stops: 0, error: 'The domain was destroyed' })[0], 'The domain was destroyed');
});

test('vCPU rows: gdb numbers from the session, each vCPU\'s own state and rip from the domain', () => {
  const threads: ThreadInfo[] = [
    { number: 1, vcpu: 0, targetId: 'vCPU 0', state: 'running', current: true },
    { number: 2, vcpu: 1, targetId: 'vCPU 1', state: 'running', current: false },
  ];
  const rows = threadRows(threads, snapshot(F.PAUSED), describe);
  assert.deepEqual(rows.map((r) => [r.number, r.state, r.current, r.location?.function]), [[1, 'blocked', true, 'demo'], [2, 'offline', false, undefined]]);
  // gdb-remote threads: the session's state and location as they are.
  const plain = threadRows([{ ...threads[0]!, state: 'stopped', location: { address: 1n, function: 'main', file: 'w.c', line: 3 } }]);
  assert.deepEqual(plain.map((r) => [r.state, r.location?.line]), [['stopped', 3]]);
});

test('the console follower: the log\'s new text at each poll, a rotated log, a flood kept to 64 KiB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duster-console-'));
  process.env.DUSTER_XEN_CONSOLE_DIR = dir;
  try {
    const log = join(dir, 'guest-g.log');
    writeFileSync(log, 'x'.repeat(5000) + 'round 1\r\n');
    const f = new ConsoleFollower({ name: 'g', readFrame: () => { throw new Error('no ring while the log exists'); } }, 100);
    const first = f.poll();
    assert.equal(first.length, 99, 'the backlog: the last 100 bytes, CRLF made LF');
    assert.ok(first.endsWith('round 1\n'));
    assert.equal(f.poll(), '');
    appendFileSync(log, 'round 2\n');
    assert.equal(f.poll(), 'round 2\n');
    writeFileSync(log, 'new\n'); // rotated: shorter than what was read
    assert.equal(f.poll(), 'new\n');
    appendFileSync(log, 'y'.repeat(200_000));
    assert.equal(f.poll().length, 64 * 1024);
    assert.equal(f.source(), log);
  } finally {
    delete process.env.DUSTER_XEN_CONSOLE_DIR;
  }
});

test('the console follower on the PV ring: new bytes between polls, across the wrap', () => {
  process.env.DUSTER_XEN_CONSOLE_DIR = '/nonexistent';
  try {
    const page = Buffer.alloc(4096);
    let prod = 0;
    const write = (text: string): void => {
      for (const c of Buffer.from(text)) page[1024 + (prod++ & 2047)] = c;
      page.writeUInt32LE(prod >>> 0, 3084);
    };
    const f = new ConsoleFollower({ name: 'g', readFrame: () => page });
    assert.equal(f.poll(), '', 'no ring before start_info is known');
    f.consoleMfn = 0x4a2n;
    write('Initialising...\n');
    assert.equal(f.poll(), 'Initialising...\n');
    write('a'.repeat(2040));
    write('round 9\n'); // wraps
    assert.equal(f.poll(), 'a'.repeat(2040) + 'round 9\n');
    write('b'.repeat(3000)); // more than the ring holds: the last 2048 bytes
    assert.equal(f.poll(), 'b'.repeat(2048));
    assert.equal(f.source(), 'console ring');
  } finally {
    delete process.env.DUSTER_XEN_CONSOLE_DIR;
  }
});
