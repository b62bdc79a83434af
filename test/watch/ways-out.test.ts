// Watchpoints leave the target on every way out: after detach, the end of a batch and SIGTERM the program runs on to its normal end.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';
import { debugRegistersSkipReason } from '../helpers/debug-registers.js';
import { runDuster } from '../helpers/duster.js';
import { startGdbserver } from '../helpers/gdbserver.js';

// The default build (PIE, libc.so), as users build it.
const FLAGS = ['-g'];

/** A debug register left armed after we let go kills the program with SIGTRAP at its next write: its output is the witness. */
function nativeOutput(exe: string): string {
  return execFileSync(exe, { encoding: 'utf8' });
}

for (const [label, ending] of [['detach', ['detach']], ['the end of the batch (quit)', []]] as const) {
  test(`after ${label}, hardware watchpoints and the scope breakpoint are gone: the program ends normally`, { timeout: 120_000, skip: debugRegistersSkipReason() }, async () => {
    const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
    const cmds = ['break bump', 'continue', 'watch total', 'watch counter', 'awatch where.y', 'rwatch where.tag', 'continue', 'delete 1', ...ending];
    const ours = await runDuster(exe, cmds, { timeoutMs: 90_000 });
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /Old value = 0\nNew value = 3\n/);
    assert.equal(ours.programOut, nativeOutput(exe), `gdbserver said:\n${ours.stderr}`);
    assert.equal(ours.gdbserverCode, 0);
  });
}

test('SIGTERM in line mode while stopped on a watchpoint: watchpoints removed, the program runs on to its end', { timeout: 120_000, skip: debugRegistersSkipReason() }, async () => {
  const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
  const gs = await startGdbserver(exe);
  let spawned: ChildProcess | undefined;
  try {
    const child = spawn(process.execPath, [CLI, '--path', exe, '--gdb', `${gs.host}:${gs.port}`, '--no-tui'], { stdio: ['pipe', 'pipe', 'pipe'] });
    spawned = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    child.stdin.write('break main\ncontinue\nwatch counter\nawatch where.y\ncontinue\n');
    const deadline = Date.now() + 60_000;
    while (!/Value = 0\n/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /Hardware access \(read\/write\) watchpoint 3: where\.y\n\nValue = 0\n/);
    child.kill('SIGTERM');
    await exited;
    const end = await Promise.race([gs.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000).unref())]);
    assert.equal(end, 0, out);
    assert.equal(gs.stdout, nativeOutput(exe), out);
  } finally {
    spawned?.kill('SIGKILL'); // a failed assertion must not leave it waiting on its stdin
    await gs.stop();
  }
});
