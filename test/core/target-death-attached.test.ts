// A stub that attached to a running program dies while our breakpoint bytes are planted: nothing can
// restore them any more, so the session says which locations stay patched instead of staying silent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';

const PROG = compileFixture(['lifecycle/looper.c'], ['-g', '-O0', '-no-pie'], 'looper');

function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (cond() ? resolve() : Date.now() > until ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(poll, 50));
    poll();
  });
}

for (const strategy of ['trap', 'spin'] as const) {
  test(`[${strategy}] gdbserver --attach SIGKILLed while a breakpoint is planted: the stranded location is named`, async () => {
    // Its own process group, as a job started from a shell: gdbserver interrupts an attached program by
    // signalling the group whose id is the program's pid, so a program that leads no group cannot be interrupted.
    const prog = spawn(PROG, [], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    const progExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => prog.on('exit', (code, signal) => r({ code, signal })));
    const gs = spawn('gdbserver', ['--once', '--attach', '127.0.0.1:0', String(prog.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let gsLog = '';
    gs.stdout.setEncoding('utf8').on('data', (s: string) => (gsLog += s));
    gs.stderr.setEncoding('utf8').on('data', (s: string) => (gsLog += s));
    let out = '';
    let duster: ReturnType<typeof spawn> | undefined;
    try {
      await waitFor('gdbserver to listen', () => /Listening on port \d+/.test(gsLog), 10_000);
      const port = /Listening on port (\d+)/.exec(gsLog)![1];
      duster = spawn(process.execPath, [CLI, '--path', PROG, '--gdb', `127.0.0.1:${port}`, '--no-tui', '--breakpoints', strategy], { stdio: ['pipe', 'pipe', 'pipe'] });
      duster.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      duster.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
      duster.stdin!.write('break tick\ncontinue\n');
      await waitFor('the breakpoint', () => /Breakpoint 1, tick/.test(out), 20_000);
      gs.kill('SIGKILL');
      duster.stdin!.write('continue\n');
      await waitFor('the lost connection', () => /could not be restored/.test(out), 20_000);
      const addr = /could not be restored before the target was lost: (0x[0-9a-f]+)/.exec(out)?.[1];
      assert.ok(addr, out);
      assert.match(out, /Breakpoint 1 at (0x[0-9a-f]+)/);
      assert.equal(BigInt(addr), BigInt(/Breakpoint 1 at (0x[0-9a-f]+)/.exec(out)![1]!), 'the stranded location is the breakpoint');
      assert.doesNotMatch(out, /internal error/);
      duster.stdin!.end('quit\n');
      // The warning is not a false alarm: the program, left with our bytes, cannot run on normally.
      const end = await Promise.race([progExit, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
      if (end) assert.notEqual(end.code, 0, 'the program did not carry on as if nothing had happened');
    } finally {
      duster?.kill('SIGKILL');
      gs.kill('SIGKILL');
      prog.kill('SIGKILL');
    }
  });
}
