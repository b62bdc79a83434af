// The full-screen UI in tmux inside dom0 on the demo guest: the Xen pane (shown by default), the vCPUs pane, the guest
// console followed while the guest runs; the stop location in the panes against `info xen` / `info threads`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tmux } from '../test/ui/tmux.js';
import { findTitle } from '../test/ui/ui-driver.js';
import { CLI, consoleLog, createGuestCopy, domain, labEnv, roundsStarted, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-xen-ui';
/** TCG: attaching, reading start_info and the first render take a while. */
const T = 180_000;

/**
 * The CLI copied to dom0's own disk: loading the full-screen UI's modules (blessed's hundreds of requires)
 * through the 9p share under TCG takes minutes; from the local disk 15-45 s. npm packages are copied once
 * per boot, our compiled sources every run.
 */
function localCli(): string {
  const root = '/tmp/duster-local';
  const project = join(CLI, '..', '..', '..');
  const copy = (from: string, to: string): void => { execFileSync('cp', ['-a', from, to], { timeout: 600_000 }); };
  execFileSync('mkdir', ['-p', `${root}/node_modules`, `${root}/native-shim`, `${root}/dist`]);
  for (const pkg of ['blessed', 'koffi', 'capstone-wasm', 'highlight.js', '@koromix']) {
    if (!existsSync(`${root}/node_modules/${pkg}`)) copy(`${project}/node_modules/${pkg}`, `${root}/node_modules/`);
  }
  execFileSync('rm', ['-rf', `${root}/dist/cli`, `${root}/themes`, `${root}/native-shim/build`]);
  for (const [from, to] of [['dist/cli', 'dist/'], ['package.json', ''], ['themes', ''], ['native-shim/build', 'native-shim/']]) copy(`${project}/${from}`, `${root}/${to}`);
  return `${root}/dist/cli/main.js`;
}

/** The body rows of the pane titled `title` (up to the next title or the screen's end), cut to its column. */
function paneText(screen: string, title: string): string[] {
  const lines = screen.split('\n');
  const t = findTitle(screen, title);
  if (!t) return [];
  const out: string[] = [];
  for (let row = t.row + 1; row < lines.length; row++) {
    const cell = lines[row]!.slice(t.col).split('\u2502')[0]!;
    if (/^ ?\[?(Source|Xen domain|Guest console|vCPUs|Command)(\]| |$)/.test(cell)) break; // the next pane's title
    out.push(cell.trimEnd());
  }
  return out;
}

/** Rounds the console pane shows ("round N (sleep_ms M)"), highest first. */
function roundsShown(screen: string): number {
  return Math.max(0, ...paneText(screen, 'Guest console').map((l) => Number(/^round (\d+) /.exec(l)?.[1] ?? 0)));
}

test(`the UI in dom0 (${env.hypervisor}): Xen and vCPUs panes, live console, stop location as info xen and info threads`, { timeout: 900_000 }, async () => {
  createGuestCopy(GUEST, false);
  await waitFor('two rounds', () => roundsStarted(consoleLog(GUEST)) >= 2, 120_000);
  const domid = Number(xl('domid', GUEST).trim());
  const dir = mkdtempSync(join(tmpdir(), 'duster-xen-ui-'));
  const ui = Tmux.start(`${process.execPath} ${localCli()} --domain ${GUEST} --path ${env.elfO0}`, {
    cols: 160, rows: 60, cwd: env.sourceDir, env: { TERM: 'tmux-256color', XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir },
  });
  let inCommand = false;
  const command = (line: string): void => {
    if (!inCommand) ui.keys(':');
    inCommand = true;
    ui.type(line);
    ui.keys('Enter');
  };
  try {
    // Attached: the Xen pane is there without asking, with the domain paused by us.
    let s = await ui.waitFor((x) => /STOPPED/.test(x) && paneText(x, 'Xen domain').some((l) => l.startsWith('start_info at')), T, 'the Xen pane with start_info');
    const xen = paneText(s, 'Xen domain');
    assert.match(xen[0]!, new RegExp(`^Domain ${domid} "${GUEST}": paused.*; PV 64-bit$`));
    assert.match(xen.join('\n'), env.hypervisor === 'gdbsx' ? /^Breakpoints: trap .*GDBSX/m : /^Breakpoints: spin .*no GDBSX/m);
    assert.match(xen.join('\n'), /^\* vCPU 0 +paused +pcpu \d+ +\S+ (at kernel\.c:\d+|in )/m);
    assert.ok(findTitle(s, 'Guest console'), `the guest console pane:\n${s}`);
    await ui.waitFor((x) => roundsShown(x) >= 2, T, 'rounds in the console pane');

    ui.keys('T');
    s = await ui.waitFor((x) => paneText(x, 'vCPUs').some((l) => /^\* 1 +vCPU 0 /.test(l)), T, 'the vCPUs pane');

    // A stop at demo(): the vCPU rows of both panes say where, as info threads and info xen do.
    command('break kernel.c:73');
    command('continue');
    s = await ui.waitFor(/Breakpoint 1, demo \(\) at kernel\.c:73/, T, 'the stop at kernel.c:73');
    s = await ui.waitFor((x) => paneText(x, 'vCPUs').some((l) => /^\* 1 +vCPU 0 +\S+ +demo at kernel\.c:73$/.test(l))
      && paneText(x, 'Xen domain').some((l) => /^\* vCPU 0 +paused .* demo at kernel\.c:73$/.test(l)), T, 'both panes at kernel.c:73');
    command('winheight cmd 40');
    command('info threads');
    s = await ui.waitFor(/^\* 1 +vCPU 0 +demo \(\) at kernel\.c:73$/m, T, 'info threads');
    command('info xen');
    s = await ui.waitFor(/^start_info at 0x[0-9a-f]+ /m, T, 'info xen');
    const info = s.slice(s.lastIndexOf('(duster) info xen'));
    assert.match(info, new RegExp(`^Domain ${domid} "${GUEST}": paused`, 'm'));
    const rip = /^\* vCPU 0 +paused +pcpu \d+ .* rip 0x[0-9a-f]+ <(\w+)\+\d+>/m.exec(info);
    assert.equal(rip?.[1], 'demo', `info xen's vCPU 0 row names demo:\n${info}`);
    const siPane = /^start_info at (0x[0-9a-f]+)/m.exec(xen.join('\n')); // the pane at attach (the tall log covers it now)
    const siInfo = /^start_info at (0x[0-9a-f]+)/m.exec(info);
    command('winheight cmd 15');

    // Running: the Xen pane and the console follow the guest (rounds go on) without any command.
    command('delete');
    const before = roundsShown(ui.text());
    command('continue');
    s = await ui.waitFor((x) => /RUNNING/.test(x) && paneText(x, 'Xen domain').some((l) => /^Domain \d+ .*: (running|blocked)/.test(l)), T, 'the domain running in the Xen pane');
    s = await ui.waitFor((x) => roundsShown(x) >= before + 2, T, 'new rounds in the console pane while the guest runs');
    assert.ok(paneText(s, 'vCPUs').some((l) => /^\* 1 +vCPU 0 +(running|blocked|online) /.test(l)), `the vCPU row while running:\n${s}`);
    assert.equal(siPane?.[1], siInfo?.[1], 'the same start_info as info xen');

    ui.keys('F12');
    await ui.waitFor(/STOPPED/, T, 'interrupted');
    ui.keys('Escape');
    await ui.waitFor(/\[Source\]/, T, 'the command line left');
    ui.keys('q');
    await ui.waitFor(/Detach from the target/, T);
    ui.keys('y');
    await ui.waitFor(/\[exit 0\]/, T, 'duster-tui quits');
    // Detached: the guest runs on (not paused, rounds continue).
    const rounds = roundsStarted(consoleLog(GUEST));
    await waitFor('a round after the detach', () => roundsStarted(consoleLog(GUEST)) > rounds, 120_000);
    assert.ok(!domain(GUEST)?.state.includes('p'), 'not left paused');
  } finally {
    ui.kill();
    try { xl('destroy', GUEST); } catch { /* already gone */ }
  }
});
