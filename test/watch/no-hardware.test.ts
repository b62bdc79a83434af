// Targets without hardware watchpoints: a stub that does not know Z2/Z3/Z4 (gdb's own words, compared), a core file, bad expressions.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';
import { startGdbserver } from '../helpers/gdbserver.js';
import { startNoWatchProxy } from './no-watch-proxy.js';

// The default build (PIE, libc.so), as users build it.
const FLAGS = ['-g'];

/** Runs a command asynchronously (the proxy lives in this process: a synchronous spawn would stall it). */
function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not finish\n${stdout}\n${stderr}`));
    }, 90_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

/** Both debuggers through a proxy that answers "" to every watchpoint packet. */
async function throughProxy(exe: string, commands: string[], who: 'gdb' | 'duster'): Promise<{ stdout: string; stderr: string }> {
  const gs = await startGdbserver(exe);
  const proxy = await startNoWatchProxy(gs.host, gs.port);
  try {
    const ex = commands.flatMap((c) => ['-ex', c]);
    if (who === 'gdb') {
      return await run('gdb', ['-nx', '-batch', '-iex', 'set width 0', '-iex', 'set height 0', '-iex', 'set style enabled off', '-ex', `target remote 127.0.0.1:${proxy.port}`, ...ex, exe]);
    }
    return await run(process.execPath, [CLI, '--path', exe, '--gdb', `127.0.0.1:${proxy.port}`, '--batch', ...ex]);
  } finally {
    proxy.close();
    await gs.stop();
  }
}

/** gdb's chatter about the files it reads; process ids differ between runs. */
function answers(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^(Reading |warning: )/.test(l) && !/ in _start \(\) from /.test(l))
    .map((l) => l.replace(/\(process \d+\)/, '(process N)'));
}

test('a stub without Z2/Z3/Z4: every resume is refused in gdb\'s words until the watchpoints are deleted', { timeout: 240_000 }, async () => {
  const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
  const cmds = ['break main', 'continue', 'watch counter', 'continue', 'rwatch where.tag', 'awatch where.y', 'next', 'info watchpoints', 'delete', 'continue'];
  const ours = await throughProxy(exe, cmds, 'duster');
  const gdb = await throughProxy(exe, cmds, 'gdb');
  assert.match(gdb.stderr, /Could not insert hardware watchpoint 4\./); // the proxy really hid them
  assert.deepEqual(answers(ours.stdout), answers(gdb.stdout));
  assert.deepEqual(answers(ours.stderr), answers(gdb.stderr));
});

test('a core file has no hardware watchpoints: one clear line, the session goes on', { timeout: 120_000 }, async () => {
  const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
  const dir = mkdtempSync(join(tmpdir(), 'duster-watch-core-'));
  try {
    const core = join(dir, 'core');
    spawnSync('gdb', ['-nx', '-batch', '-ex', 'break bump', '-ex', 'run', '-ex', `gcore ${core}`, exe], { encoding: 'utf8', timeout: 60_000 });
    assert.ok(existsSync(core), 'gdb wrote no core');
    const r = spawnSync(process.execPath, [CLI, '--path', exe, '--core', core, '--batch', '-ex', 'watch counter', '-ex', 'awatch where.y', '-ex', 'info watchpoints', '-ex', 'print counter'], { encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(r.stderr.trim().split('\n'), Array<string>(2).fill('Target does not support this type of hardware watchpoint.'));
    assert.match(r.stdout, /No watchpoints\.\n\$1 = \d+\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad expressions: gdb\'s one-line refusals, nothing created, the session goes on', { timeout: 120_000 }, async () => {
  const exe = compileFixture(['watch/watch.c'], FLAGS, 'watch');
  const cmds = ['break bump', 'continue', 'watch', 'watch nosuch', 'watch 5', 'rwatch $rsp', 'awatch 7', 'info watchpoints', 'print by'];
  const ours = await runDuster(exe, cmds);
  const gdb = await runGdbRemote(exe, cmds);
  assert.deepEqual(answers(ours.stdout), answers(gdb));
  assert.deepEqual(ours.stderr.trim().split('\n'), [
    'Argument required (expression to compute).',
    'No symbol "nosuch" in current context.',
    "Cannot watch constant value `5'.",
    'Expression cannot be implemented with read/access watchpoint.',
    "Cannot watch constant value `7'.",
  ]);
});
