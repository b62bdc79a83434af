// The lab itself, on the hypervisor named by DUSTER_LAB_HYPERVISOR: the demo unikernel boots
// from `xl create -p`, prints the talk's console output, pauses and resumes, sleeps without
// spinning, its -O2 build works too; the GDBSX hypervisor answers the gdbsx domctl and the
// stock one refuses it; the project's koffi reaches libxenctrl. Runs inside dom0 only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleLog, domain, labEnv, roundsStarted, sleep, waitFor, xl } from './lab.js';

const env = labEnv();
const probe = join(env.guestDir, 'gdbsx-status');

function gdbsxStatus(domid: number): { status: number; out: string } {
  const r = spawnSync(probe, [String(domid)], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim() };
}

test(`dom0 runs the ${env.hypervisor} hypervisor`, () => {
  const version = /^xen_version\s*:\s*(\S+)/m.exec(xl('info'))?.[1];
  assert.ok(version?.startsWith('4.17.'), `xen_version ${version}`);
  if (env.hypervisor === 'gdbsx') assert.match(version!, /-gdbsx$/);
  else assert.doesNotMatch(version!, /gdbsx/);
});

test('the demo guest was created paused and has not run yet', () => {
  const d = domain(env.guest);
  assert.ok(d, `${env.guest} exists`);
  assert.equal(d.id, env.domid);
  assert.match(d.state, /p/, `state ${d.state}`);
  assert.equal(roundsStarted(consoleLog(env.guest)), 0);
});

test('after xl unpause the guest prints the talk\'s console output', async () => {
  xl('unpause', env.guest);
  const log = await waitFor('two complete rounds on the console',
    () => { const l = consoleLog(env.guest); return roundsStarted(l) >= 3 ? l : undefined; });
  // the start_info dump, field names as in the talk
  for (const field of ['start_info', 'nr_pages', 'shared_inf', 'pt_base', 'mod_start', 'mod_len', 'flags', 'cmd_line', 'stack']) {
    assert.match(log, new RegExp(`^${field} +: `, 'm'), `dump line ${field}`);
  }
  assert.match(log, /^Initialising\.\.\.$/m);
  assert.match(log, /^nr_pages +: 4096$/m, '16 MiB guest');
  assert.match(log, /^flags +: 0x0$/m);
  // demo(): three iterations, then pointer_tester->val (the floats ran on SSE without a fault)
  const round0 = log.slice(log.indexOf('round 0 '), log.indexOf('round 1 '));
  assert.deepEqual(round0.trim().split('\n').slice(1), [
    'We are on the 0 iteration of the loop',
    'We are on the 1 iteration of the loop',
    'We are on the 2 iteration of the loop',
    '20',
  ]);
  assert.match(log, /sum_to\(4\) = 30, factorial\(5\) = 120/);
  assert.doesNotMatch(xl('list', env.guest), /--c-|crash/i);
});

test('xl pause stops the demo loop and xl unpause resumes it', async () => {
  xl('pause', env.guest);
  assert.match(domain(env.guest)!.state, /p/);
  await sleep(1_000);   // let a round that xenconsoled has not copied yet reach the log
  const before = roundsStarted(consoleLog(env.guest));
  await sleep(3_000);   // six rounds' worth at sleep_ms = 500
  assert.equal(roundsStarted(consoleLog(env.guest)), before, 'no new round while paused');
  xl('unpause', env.guest);
  await waitFor('two more rounds after unpause', () => roundsStarted(consoleLog(env.guest)) >= before + 2, 30_000);
  assert.doesNotMatch(domain(env.guest)!.state, /p/);
});

test('the guest sleeps between rounds instead of spinning', async () => {
  const a = domain(env.guest)!;
  const roundsA = roundsStarted(consoleLog(env.guest));
  let blocked = 0;
  for (let i = 0; i < 8; i++) {
    if (domain(env.guest)!.state.includes('b')) blocked++;
    await sleep(500);
  }
  const b = domain(env.guest)!;
  const rounds = roundsStarted(consoleLog(env.guest)) - roundsA;
  assert.ok(rounds >= 2, `the loop kept going (${rounds} rounds)`);
  assert.ok(blocked >= 4, `blocked in ${blocked} of 8 samples`);
  // a spinning vCPU would use ~1 s of CPU per second; printing a round costs a few ms
  assert.ok(b.cpuSeconds - a.cpuSeconds < 2, `cpu time grew by ${(b.cpuSeconds - a.cpuSeconds).toFixed(1)} s`);
});

test('the -O2 build of the unikernel runs the same demo', async () => {
  const name = `${env.guest}-o2`;
  const dir = mkdtempSync('/tmp/duster-o2-');
  const cfg = readFileSync(env.config, 'utf8')
    .replace(/^name = .*$/m, `name = "${name}"`)
    .replace(/^kernel = .*$/m, `kernel = "${env.elfO2}"`);
  writeFileSync(join(dir, 'o2.cfg'), cfg);
  try { xl('destroy', name); } catch { /* not running */ }
  xl('create', join(dir, 'o2.cfg'));
  try {
    const log = await waitFor('-O2 guest: a complete round',
      () => { const l = consoleLog(name); return roundsStarted(l) >= 2 ? l : undefined; });
    assert.match(log, /^start_info +: /m);
    assert.match(log, /We are on the 2 iteration of the loop\n20\n/);
  } finally {
    xl('destroy', name);
  }
});

test(`the gdbsx domctl is ${env.hypervisor === 'gdbsx' ? 'answered' : 'refused'}`, () => {
  if (env.hypervisor === 'stock') {
    const r = gdbsxStatus(env.domid);
    assert.equal(r.status, 3, `stock hypervisor should refuse: ${r.out}`);
    assert.match(r.out, /unsupported/);
    return;
  }
  const running = gdbsxStatus(env.domid);
  assert.equal(running.status, 0, running.out);
  assert.match(running.out, /supported paused=0/);
  xl('pause', env.guest);
  try {
    const paused = gdbsxStatus(env.domid);
    assert.equal(paused.status, 0, paused.out);
    assert.match(paused.out, /supported paused=1 vcpu=-1/);
  } finally {
    xl('unpause', env.guest);
  }
});

test('the project\'s koffi loads in dom0 and calls libxenctrl', async () => {
  const { default: koffi } = await import('koffi');
  const xc = koffi.load('libxenctrl.so.4.17');
  const open = xc.func('void *xc_interface_open(void *logger, void *dlogger, unsigned int flags)');
  const close = xc.func('int xc_interface_close(void *xch)');
  const version = xc.func('int xc_version(void *xch, int cmd, void *arg)');
  const h = open(null, null, 0);
  assert.ok(h, 'xc_interface_open');
  try {
    const v = version(h, 0 /* XENVER_version */, null) as number;
    assert.equal(`${v >> 16}.${v & 0xffff}`, '4.17');
  } finally {
    close(h);
  }
});

test('xl console streams the guest\'s output', () => {
  // xl console needs /run/lock (lab-init makes it) and never exits by itself, hence timeout
  const r = spawnSync('timeout', ['6', 'xl', 'console', env.guest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 124, `xl console exited early (${r.status}): ${r.stderr}`);
  assert.match(r.stdout, /We are on the \d iteration of the loop/);
});
