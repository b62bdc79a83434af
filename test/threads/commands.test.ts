// thread, thread N, thread apply, info threads and their errors, beside gdb over the same gdbserver; the selected
// thread is what frames, registers and variables show.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI } from '../helpers/build.js';
import { BUILDS, GO_LINE, sideBySide, withoutEntryValues, workers } from './side-by-side.js';

const COMMANDS = [
  `break workers.c:${GO_LINE}`, 'continue',
  'info threads', 'thread', 'thread 3', 'print id', 'bt', 'info locals', 'frame', 'info registers rip',
  'thread apply all bt', 'thread apply 2 4 p id', 'thread apply all -q p id', 'thread apply 3 -c p nosuch', 'thread apply 1-2 p 1',
  'thread apply all bt full', 'thread 1', 'print id', 'info threads',
  // Mistakes: gdb's messages, the session goes on.
  'thread 9', 'thread foo', 'thread 0', 'thread -1', 'thread apply', 'thread apply all', 'thread apply 1', 'thread apply 2-1 p 1',
  'thread apply 2 9 p 1', 'info threads 7', 'info threads 2 3', 'thread apply 3 p nosuch', 'echo after\\n',
];

/**
 * Frames inside libc (start_thread, clone3) need the shared-library work package (issue 13 item 2): until then
 * we show `?? ()` where gdb names them, so those frame lines and the locals under them are left out of the
 * comparison. Frames in workers.c are compared exactly.
 */
function dropLibraryFrames(text: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    if (/^#\d+ /.test(line)) skipping = !/ at workers\.c:\d+$/.test(line);
    else if (!/^ {8}\S|^No locals\.$/.test(line)) skipping = false;
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

/**
 * What must be equal: everything but the process and thread ids (they differ between runs), where in its
 * two-instruction spin loop each worker happened to stop (the pc, and with it whether gdb shows it), and
 * the column padding that follows from the ids' lengths (checked on its own below).
 */
function comparable(text: string): string {
  return dropLibraryFrames(withoutEntryValues(text))
    .replace(/Thread \d+\.\d+/g, 'Thread PID.LWP')
    .replace(/(0x[0-9a-f]{16} in )?worker \(/g, 'worker (')
    .replace(/^rip .*<worker\+\d+>$/m, 'rip <a pc in worker>')
    .replace(/ {2,}/g, ' ');
}

/** gdb's table layout: the Frame column starts where its header does, on every row. */
function checkColumns(text: string, label: string): void {
  const tables = text.split(/^(?=  Id   Target Id)/m).slice(1);
  assert.ok(tables.length >= 2, `${label}: info threads tables\n${text}`);
  for (const t of tables) {
    const [header, ...rest] = t.split('\n');
    const rows = rest.filter((l) => /^[* ] \d/.test(l));
    const at = header!.indexOf('Frame');
    for (const r of rows) assert.match(r.slice(at - 1, at + 1), /^ \S/, `${label}: row aligned under Frame: ${r}\n${t}`);
  }
}

for (const b of BUILDS) {
  test(`[${b.label}] thread, info threads, thread apply and their errors print what gdb prints`, { timeout: 300_000 }, async () => {
    const exe = workers(b.flags);
    const { ours, gdb } = await sideBySide(exe, COMMANDS);
    checkColumns(ours, 'duster-tui');
    checkColumns(gdb, 'gdb');
    assert.equal(comparable(ours), comparable(gdb));
    // The selected thread is what registers show: rip is thread 3's pc, as its frame line says.
    const frame0 = /^\[Switching to thread 3 [^\n]*\n#0  (0x[0-9a-f]+) in worker/m.exec(ours);
    const rip = /^rip +(0x[0-9a-f]+) /m.exec(ours);
    assert.ok(rip, ours);
    if (frame0) assert.equal(BigInt(rip[1]!), BigInt(frame0[1]!), ours);
  });
}

test('without a process: thread, info threads, thread N and thread apply answer as gdb does', () => {
  const exe = workers(BUILDS[0]!.flags);
  const cmds = ['thread', 'info threads', 'thread 1', 'thread apply all bt', 'thread apply 1 bt', 'thread foo'];
  const ex = cmds.flatMap((c) => ['-ex', c]);
  // stdout and stderr in one stream, in the order printed.
  const run = (argv: string[]): string => spawnSync('sh', ['-c', '"$@" 2>&1', 'sh', ...argv], { encoding: 'utf8', timeout: 60_000 }).stdout;
  const ours = run([process.execPath, CLI, '--path', exe, '--batch', ...ex]);
  const gdb = run(['gdb', '-nx', '-batch', ...ex, exe]);
  assert.equal(ours, gdb);
  assert.match(ours, /^No thread selected\nNo threads\.\nUnknown thread 1\.\n/);
});
