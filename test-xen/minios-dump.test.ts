// Mini-OS (a real PV unikernel: local symbols, linked at 0, frames without DWARF) stopped in msleep: `--core` on its `xl dump-core` answers as the live session did at that stop.
// Runs inside the lab's dom0 only (npm run test:xen). Skips when test-xen.sh built no Mini-OS (../shared/minios is not in a fresh checkout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, consoleLog, consoleLogPath, labEnv, waitFor, xl } from './lab.js';

const env = labEnv();
const GUEST = 'duster-minios';
const IMAGE = join(env.guestDir, 'mini-os');
const CONFIG = join(env.guestDir, `${GUEST}.cfg`);
const skip = existsSync(IMAGE) && existsSync(CONFIG)
  ? false
  : `no Mini-OS image in ${env.guestDir}: test-xen.sh builds it only when ../shared/minios/mini-os.tar.gz exists`;
const MARK = '@@cmd';

/** Runs the CLI in batch mode on Mini-OS with `target` options: each command's output (a marker echoed before each), and stderr. */
function session(target: string[], before: string[], commands: string[]): { outputs: string[]; stderr: string; status: number | null } {
  const ex = [...before, ...commands.flatMap((c) => [`echo ${MARK}\\n`, c])].flatMap((c) => ['-ex', c]);
  const r = spawnSync(process.execPath, [CLI, ...target, '--path', IMAGE, '--batch', ...ex], { encoding: 'utf8', timeout: 300_000 });
  assert.doesNotMatch(r.stderr, /internal error/, r.stdout + r.stderr);
  // As gdb -batch: the status is 1 when the last command failed (the todo reads below still fail on the dump).
  return { outputs: r.stdout.split(`${MARK}\n`).slice(1).map((t) => t.trimEnd()), stderr: r.stderr, status: r.status };
}

/** session() that must print no error. */
function answers(target: string[], before: string[], commands: string[]): string[] {
  const { outputs, stderr, status } = session(target, before, commands);
  // dom0 does not see the build tree, so the stop's source line is gdb's one "No such file" message: not an error of ours.
  const errors = stderr.split('\n').filter((l) => l && !/^\d+\t\S+: No such file or directory\.$/.test(l));
  assert.deepEqual(errors, [], `no errors from ${target.join(' ')}; the answers were:\n${outputs.join('\n')}`);
  assert.equal(status, 0, outputs.join('\n'));
  return outputs;
}

// sched.c:218 is msleep's first line after `thread = get_current()`; periodic_thread (test.c:84) is its only caller here.
const STOP = ['break sched.c:218', 'continue'];
const COMMANDS = [
  'bt',
  'info registers rip',
  'print millisecs',
  'print *thread',
  'print thread->name',
  'print *thread_list.tqh_first',
  'print idle_thread->name',
  'print start_info_union.start_info.magic',
  'print start_info_union.start_info.nr_pages',
  'print/x start_info_union.start_info.shared_info',
  'x/4xg $sp',
  'info threads',
];
// Mini-OS maps Xen's shared_info page (not a guest frame) at its `shared_info` symbol; a dump keeps it in .xen_shared_info.
const XEN_PAGE = ['print HYPERVISOR_shared_info->vcpu_info[0].evtchn_upcall_mask', 'print HYPERVISOR_shared_info->evtchn_mask[0] != 0'];

let live: string[] = [];
let dumped: string[] = [];
let dumpedXenPage: { outputs: string[]; stderr: string } | undefined;
/** `$9 = 0` -> `0`: value history numbers differ between one session and two. */
const value = (answer: string | undefined): string | undefined => answer?.replace(/^\$\d+ = /, '');

test(`Mini-OS on Xen (${env.hypervisor}): live stop in msleep at sched.c:218, then xl dump-core of the paused domain`, { skip }, async () => {
  const dir = mkdtempSync('/tmp/duster-minios-');
  const core = join(dir, 'minios.core');
  try { xl('destroy', GUEST); } catch { /* not there */ }
  try { writeFileSync(consoleLogPath(GUEST), ''); } catch { /* no log yet */ }
  xl('create', '-p', CONFIG);
  try {
    // The live session stops at the breakpoint and leaves the domain paused there (patches restored).
    live = answers(['--domain', GUEST, '--leave-paused'], STOP, [...COMMANDS, ...XEN_PAGE]);
    for (const [i, c] of [...COMMANDS, ...XEN_PAGE].entries()) console.log(`live ${c}\n${live[i]}`);
    // p is NULL: gdb labels it with the symbol at 0 (`0x0 <_text>`), so do we; the frame below is thread_starter's, then 0.
    assert.match(live[0]!, /^#0  msleep \(millisecs=1000\) at \S*sched\.c:218\n#1  0x[0-9a-f]+ in periodic_thread \(p=0x0 <_text>\) at \S*test\.c:84\n#2  0x[0-9a-f]+ in thread_starter \(\)\n#3  0x0000000000000000 in \?\? \(\)$/);
    assert.match(live[2]!, /^\$\d+ = 1000$/);
    assert.match(live[4]!, /= 0x[0-9a-f]+( <[^>]+>)? "periodic_thread"$/);
    assert.match(live[7]!, /"xen-3\.0-x86_64/);
    await waitFor('Mini-OS\'s periodic thread on the console', () => /Periodic thread started/.test(consoleLog(GUEST)), 60_000);
    xl('dump-core', GUEST, core);
    dumped = answers(['--core', core], [], COMMANDS);
    for (const [i, c] of COMMANDS.entries()) console.log(`dump ${c}\n${dumped[i]}`);
    dumpedXenPage = session(['--core', core], [], XEN_PAGE);
    console.log(`dump ${XEN_PAGE.join(', ')}\n${dumpedXenPage.outputs.join('\n')}\n${dumpedXenPage.stderr}`);
  } finally {
    try { xl('destroy', GUEST); } catch { /* gone */ }
  }
});

test('Mini-OS: --core on the dump answers bt, registers, print and x as the live session did', { skip }, () => {
  assert.equal(dumped.length, COMMANDS.length, 'the dump session answered every command');
  for (const [i, c] of COMMANDS.entries()) assert.equal(dumped[i], live[i], c);
});

// Known gap (src/target/core-file/xen-dump.ts): readVirtual finds frames through the p2m only, and the
// shared_info frame is Xen's, not the guest's, so its reads fail although the dump holds the page in
// .xen_shared_info (start_info.shared_info gives its machine address). Marked todo until that is fixed.
test('Mini-OS: --core reads Xen\'s shared_info page (mapped at `shared_info`) as the live session did', { skip, todo: 'xen-dump reads shared_info through the p2m only' }, () => {
  assert.ok(dumpedXenPage, 'the dump session ran');
  assert.equal(dumpedXenPage.stderr, '', 'no errors from the dump session');
  for (const [i, c] of XEN_PAGE.entries()) assert.equal(value(dumpedXenPage.outputs[i]), value(live[COMMANDS.length + i]), c);
});
