// Line mode at a terminal (tmux): Ctrl-C drops what was typed, Tab completes struct members and file:line in line order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI, compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { Tmux } from '../ui/tmux.js';

/** Ctrl-U, then waits for the empty prompt (completion is asynchronous: keys must not overtake it). */
async function clearLine(tmux: Tmux): Promise<void> {
  tmux.keys('C-u');
  await tmux.waitFor((t) => /^\(duster\)\s*$/.test(t.trimEnd().split('\n').at(-1)!), 10_000, 'an empty prompt');
}

/** Tab, a pause for the asynchronous completion, Tab again (readline lists the candidates on the second). */
async function tabTwice(tmux: Tmux): Promise<void> {
  tmux.keys('Tab');
  await new Promise((r) => setTimeout(r, 500));
  tmux.keys('Tab');
}

test('line mode: Ctrl-C discards the typed text; Tab completes p pointer_tester->, file:line and commands', async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'demo-line');
  const gs = await startGdbserver(exe);
  const tmux = Tmux.start(`${process.execPath} ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port} --no-tui`, { cols: 160, rows: 40, env: { XDG_STATE_HOME: '/tmp/duster-line-test' } });
  try {
    await tmux.waitFor(/^\(duster\)\s*$/m);
    tmux.type('break kernel.c:73');
    tmux.keys('Enter');
    await tmux.waitFor(/Breakpoint 1 at/);
    tmux.type('continue');
    tmux.keys('Enter');
    await tmux.waitFor(/Breakpoint 1, demo/);
    // Typed, then abandoned with Ctrl-C: the next command must not start with it.
    tmux.type('brea');
    tmux.keys('C-c');
    await tmux.waitFor(/\^C\n\(duster\)\s*$/m);
    tmux.type('print 6*7');
    tmux.keys('Enter');
    const after = await tmux.waitFor(/\$1 = 42|Undefined command/);
    assert.match(after, /\$1 = 42/, 'the command ran alone');
    // Members through a pointer: one match completes, several are listed.
    tmux.type('print pointer_tester->my_p');
    tmux.keys('Tab');
    await tmux.waitFor(/print pointer_tester->my_pointer$/m);
    await clearLine(tmux);
    tmux.type('print pointer_tester->');
    await tmux.waitFor(/^\(duster\) print pointer_tester->\s*$/m);
    await tabTwice(tmux);
    const listed = await tmux.waitFor(/pointer_tester->val/);
    for (const m of ['val', 'no', 'my_pointer']) assert.match(listed, new RegExp(`pointer_tester->${m}\\b`));
    await clearLine(tmux);
    // file:line candidates in line order (9 before 10, as numbers, not as text).
    tmux.type('break kernel.c:');
    await tmux.waitFor(/^\(duster\) break kernel\.c:\s*$/m);
    await tabTwice(tmux);
    const lines = await tmux.waitFor(/kernel\.c:86/);
    const order = [...lines.matchAll(/kernel\.c:(\d+)/g)].map((m) => Number(m[1]));
    const listedOrder = order.slice(order.indexOf(22));
    assert.deepEqual(listedOrder.slice(0, 5), [22, 23, 24, 25, 28]);
    await clearLine(tmux);
    tmux.type('quit');
    tmux.keys('Enter');
    await tmux.waitFor(/\[exit \d+\]/);
  } finally {
    tmux.kill();
    await gs.stop();
  }
});
