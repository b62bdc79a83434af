// The TUI's command line as readline's (the real binary in tmux): Ctrl-R history search, Ctrl-P/Ctrl-N, Tab over struct members and file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, FIXTURES, compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { Tmux } from './tmux.js';

const T = 60_000;

/** The command pane's input row (the last line that shows a prompt). */
function inputLine(screen: string): string {
  return screen.split('\n').filter((l) => /\(duster\)( |$)|reverse-i-search\)/.test(l)).at(-1) ?? '';
}

test('TUI command line: Ctrl-R finds and runs an older command, Ctrl-P recalls, Tab completes members and lists file:line in order', { timeout: 180_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel-cmdline');
  const state = mkdtempSync(join(tmpdir(), 'duster-ui-cmdline-'));
  const gs = await startGdbserver(exe);
  const tm = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port}`, {
    cols: 140, rows: 45, cwd: join(FIXTURES, 'demo'),
    env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state },
  });
  const command = async (text: string, expect: RegExp): Promise<string> => {
    tm.type(text);
    tm.keys('Enter');
    return tm.waitFor(expect, T, `the answer to ${text}`);
  };
  try {
    await tm.waitFor(/STOPPED/, T, 'the first frame');
    tm.keys(':');
    await command('break kernel.c:73', /Breakpoint 1 at 0x/);
    await command('continue', /Breakpoint 1, demo/);
    await command('print 40+2', /\$1 = 42/);
    await command('print my_integer', /\$2 = /);
    // Ctrl-R: "40" finds the older print; Enter runs it again.
    tm.keys('C-r');
    tm.type('40');
    const found = await tm.waitFor((s) => /reverse-i-search\)`40': print 40\+2/.test(inputLine(s)), T, 'the reverse search prompt and match');
    assert.match(inputLine(found), /print 40\+2/);
    tm.keys('Enter');
    await tm.waitFor(/\$3 = 42/, T, 'the found command run again');
    // Ctrl-P recalls the last command; Esc in a search restores the line.
    tm.keys('C-p');
    await tm.waitFor((s) => /\(duster\) print 40\+2\s*$/.test(inputLine(s)), T, 'Ctrl-P recalling the last command');
    tm.keys('C-u', 'C-r');
    tm.type('zzz');
    await tm.waitFor((s) => /failed reverse-i-search\)`zzz'/.test(inputLine(s)), T, 'a failed search said so');
    tm.keys('Escape');
    await tm.waitFor((s) => /\(duster\)\s*$/.test(inputLine(s)), T, 'Esc leaving the search');
    // Members of the struct behind a pointer.
    tm.keys(':');
    tm.type('print pointer_tester->my_p');
    tm.keys('Tab');
    await tm.waitFor((s) => /print pointer_tester->my_pointer\s*$/.test(inputLine(s)), T, 'the member completed');
    tm.keys('C-u');
    tm.type('print pointer_tester->');
    tm.keys('Tab');
    const listed = await tm.waitFor(/pointer_tester->my_pointer\s+pointer_tester->no\s+pointer_tester->val/, T, 'the members listed');
    assert.ok(listed);
    tm.keys('C-u');
    tm.type('break kernel.c:');
    tm.keys('Tab');
    const lines = await tm.waitFor(/kernel\.c:86/, T, 'file:line candidates');
    // The candidate rows (nothing else on them), read column by column as readline lays them out.
    const rows = lines.split('\n').filter((l) => /^\s*(kernel\.c:\d+\s*)+$/.test(l)).map((l) => l.trim().split(/\s+/).map((w) => Number(w.split(':')[1])));
    const columnMajor: number[] = [];
    for (let c = 0; c < Math.max(...rows.map((r) => r.length)); c++) for (const r of rows) if (r[c] !== undefined) columnMajor.push(r[c]!);
    assert.deepEqual(columnMajor, [...columnMajor].sort((a, b) => a - b), 'candidates ordered by line number, down the columns');
    assert.ok(columnMajor.includes(22) && columnMajor.includes(86) && columnMajor.length > 30, `all lines listed, not cut: ${columnMajor}`);
  } finally {
    tm.kill();
    await gs.stop();
  }
});
