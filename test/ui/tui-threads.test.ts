// The threads pane in tmux on a pthreads program (default gcc flags: PIE): its rows against `info threads` typed in the
// same session (ours, itself compared with gdb in test/threads), Enter and a click select a thread and the panes follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/build.js';
import { startGdbserver, type GdbserverHandle } from '../helpers/gdbserver.js';
import { GO_LINE, workers } from '../threads/side-by-side.js';
import { Tmux } from './tmux.js';
import { click, findTitle } from './ui-driver.js';

const T = 60_000;

interface InfoRow { current: boolean; number: number; targetId: string; fn: string; where?: string }

/** Rows of our `info threads` table as the command log shows it. */
function infoThreads(screen: string): InfoRow[] {
  const lines = screen.split('\n');
  const h = lines.map((l) => l.indexOf('  Id   Target Id')).reduce((found, col, i) => (col >= 0 ? i : found), -1);
  assert.ok(h >= 0, `an info threads table on screen:\n${screen}`);
  const col = lines[h]!.indexOf('  Id   Target Id');
  const frameAt = lines[h]!.indexOf('Frame') - col;
  const out: InfoRow[] = [];
  for (const raw of lines.slice(h + 1)) {
    const l = raw.slice(col);
    const m = /^([* ]) (\d+) +/.exec(l);
    if (!m) break;
    const frame = l.slice(frameAt).trim();
    const f = /^(?:0x[0-9a-f]+ in )?(\S+) \(.*?\)(?: at (\S+:\d+))?/.exec(frame);
    out.push({ current: m[1] === '*', number: Number(m[2]), targetId: l.slice(m[0].length, frameAt).trim(), fn: f?.[1] ?? frame, ...(f?.[2] ? { where: f[2] } : {}) });
  }
  return out;
}

/** The last info threads table is complete (five rows, then the prompt) and marks thread `current`. */
function tableDone(screen: string, current: number): boolean {
  const parts = screen.split('  Id   Target Id');
  if (parts.length < 2) return false;
  const rows = parts.pop()!.split('\n').slice(1, 6);
  return rows.filter((r) => /^[* ] \d+ /.test(r)).length === 5 && rows.some((r) => r.startsWith(`* ${current} `));
}

/** The threads pane's rows: "* 1   Thread 12.12 "workers"  stopped  main at workers.c:42". */
function paneRows(screen: string): { current: boolean; number: number; text: string; row: number; col: number }[] {
  const lines = screen.split('\n');
  const t = findTitle(screen, 'Threads');
  assert.ok(t, `the Threads pane on screen:\n${screen}`);
  const out = [];
  for (let row = t.row + 1; row < lines.length; row++) {
    const cell = lines[row]!.slice(t.col);
    const m = /^([* ]) (\d+) +(.*)$/.exec(cell.split('\u2502')[0]!);
    if (!m) break;
    out.push({ current: m[1] === '*', number: Number(m[2]), text: m[3]!.trimEnd(), row, col: t.col });
  }
  return out;
}

/** Every `info threads` row has its pane row: same number, selection mark, target id, state, function and file:line. */
function sameAsInfo(screen: string): void {
  const info = infoThreads(screen);
  const pane = paneRows(screen);
  assert.equal(pane.length, info.length, `one pane row per thread:\n${screen}`);
  for (const [i, r] of info.entries()) {
    const p = pane[i]!;
    assert.equal(p.number, r.number);
    assert.equal(p.current, r.current, `the selection mark of thread ${r.number}:\n${screen}`);
    assert.ok(p.text.startsWith(r.targetId), `target id ${r.targetId} in "${p.text}"`);
    assert.match(p.text, / stopped /);
    assert.ok(p.text.includes(r.where ? `${r.fn} at ${r.where}` : ` in ${r.fn}`), `thread ${r.number}: "${p.text}" says where "${r.fn}" ${r.where ?? ''} is`);
  }
}

test('the threads pane: rows as info threads, Enter and a click select a thread, the panes follow', { timeout: 240_000 }, async () => {
  const exe = workers(['-g', '-pthread']);
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-threads-'));
  let gs: GdbserverHandle | undefined;
  let ui: Tmux | undefined;
  try {
    gs = await startGdbserver(exe);
    ui = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port}`, {
      cols: 160, rows: 60, cwd: join(FIXTURES, 'threads'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
    });
    await ui.waitFor(/STOPPED/, T);
    // After a command the command line keeps the focus; from another pane ':' opens it.
    let inCommand = false;
    const command = (line: string): void => {
      if (!inCommand) ui!.keys(':');
      inCommand = !line.startsWith('focus ');
      ui!.type(line);
      ui!.keys('Enter');
    };
    command(`break workers.c:${GO_LINE}`);
    await ui.waitFor(/Breakpoint 1 at/, T);
    command('continue');
    await ui.waitFor(new RegExp(`Breakpoint 1, main \\(\\) at workers\\.c:${GO_LINE}`), T, 'the stop at go = 1');
    ui.keys('Escape');
    inCommand = false;
    await ui.waitFor(/\[Source\]/, T, 'the source pane focused again');
    ui.keys('T');
    await ui.waitFor((s) => findTitle(s, 'Threads') !== undefined && paneRows(s).length === 5, T, 'five threads in the pane');
    command('info threads');
    let s = await ui.waitFor((x) => tableDone(x, 1), T, 'info threads');
    sameAsInfo(s);
    assert.ok(paneRows(s)[0]!.text.includes(`main at workers.c:${GO_LINE}`));

    // Enter on the third row: `thread 3`; the mark moves, the stack shows that thread's frames.
    command('focus threads');
    await ui.waitFor(/\[Threads\]/, T);
    ui.keys('j', 'j', 'Enter');
    s = await ui.waitFor(/\[Switching to thread 3 \(Thread \d+\.\d+\)\]/, T, 'thread 3 selected');
    s = await ui.waitFor((x) => paneRows(x).find((r) => r.current)?.number === 3 && /#0 +worker \(arg=0x1\) at workers\.c:\d+/.test(x), T, 'the mark and the stack on thread 3');
    command('info threads');
    s = await ui.waitFor((x) => tableDone(x, 3), T, 'info threads after thread 3');
    sameAsInfo(s);
    const row3 = paneRows(s).find((r) => r.number === 3)!;
    const line = /workers\.c:(\d+)/.exec(row3.text)![1];
    assert.match(s, new RegExp(`^[ B]*> +${line} `, 'm'), 'the source pane marks that thread\'s line');
    // The registers pane shows that thread's registers: rip is the pc info threads gives for thread 3.
    const pc = /^\* 3 .* (0x[0-9a-f]{16}) in worker /m.exec(s)?.[1];
    assert.ok(pc, `thread 3's pc in info threads:\n${s}`);
    assert.match(s, new RegExp(`rip +${pc}(?![0-9a-f])`), 'the registers pane follows the thread');

    // A click on row 5 selects thread 5.
    const row5 = paneRows(s).find((r) => r.number === 5)!;
    click(ui, row5.col + 4, row5.row);
    inCommand = false; // the click focused the threads pane
    s = await ui.waitFor(/\[Switching to thread 5 \(Thread \d+\.\d+\)\]/, T, 'thread 5 selected by a click');
    s = await ui.waitFor((x) => paneRows(x).find((r) => r.current)?.number === 5 && /#0 +worker \(arg=0x3\) at workers\.c:\d+/.test(x), T, 'the mark and the stack on thread 5');

    // Running: every row says so; the next stop refreshes them.
    command('delete');
    command('continue');
    await ui.waitFor(/\[exit 0\]|exited normally|Inferior 1/, T, 'the program exits');
    s = ui.text();
    assert.ok(!paneRows(s).some((r) => / stopped /.test(r.text)), `no thread shown as stopped after the exit:\n${s}`);
  } finally {
    ui?.kill();
    await gs?.stop();
  }
});
