// runTui end to end without a terminal: keys in, commands of the command language out, config rebinding, history, quit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { runTui } from '../../src/ui/app.js';
import { parseConfig } from '../../src/ui/config.js';
import { FakeSession, fakeInterpreter } from './fake-session.js';

class FakeTty extends Writable {
  isTTY = true;
  text = '';
  constructor(public columns: number, public rows: number) {
    super();
  }
  override _write(chunk: Buffer | string, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    if (this.text.length > 1_000_000) this.text = this.text.slice(-500_000);
    cb();
  }
}

const KEY = { F5: '\x1b[15~', F6: '\x1b[17~', F9: '\x1b[20~', F10: '\x1b[21~', F12: '\x1b[24~', Tab: '\t', Enter: '\r', Esc: '\x1b', CtrlC: '\x03' };

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function start(configJson: unknown = {}): { session: FakeSession; lines: string[]; input: PassThrough; tty: FakeTty; done: Promise<void>; state: string; key(s: string): Promise<void> } {
  const state = mkdtempSync(join(tmpdir(), 'duster-app-'));
  const session = new FakeSession();
  const interp = fakeInterpreter(session, { print: () => undefined, error: () => undefined });
  const lines: string[] = [];
  const execute = interp.execute.bind(interp);
  interp.execute = (line, opts) => {
    lines.push(line);
    return execute(line, opts);
  };
  const input = new PassThrough();
  const tty = new FakeTty(120, 40);
  const { config } = parseConfig(configJson);
  const env: NodeJS.ProcessEnv = { TERM: 'xterm-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state, HOME: state };
  const done = runTui({ session, interpreter: interp, config, input, output: tty, env, target: 'fake' });
  const key = async (s: string): Promise<void> => {
    input.write(s);
    await new Promise((r) => setTimeout(r, 15));
  };
  return { session, lines, input, tty, done, state, key };
}

test('keys become commands: 73G F9 sets the breakpoint, F5 continues to it, F10 steps, q y quits', async () => {
  const ui = start();
  await ui.key('73G');
  await ui.key(KEY.F9);
  await until(() => ui.session.bps.length === 1, 'the breakpoint');
  assert.deepEqual(ui.lines, ['break kernel.c:73']);
  await ui.key(KEY.F5);
  await until(() => ui.session.line === 73 && ui.session.state === 'stopped', 'the stop at 73');
  await ui.key(KEY.F10);
  await until(() => ui.session.line === 74, 'the step');
  assert.deepEqual(ui.lines, ['break kernel.c:73', 'continue', 'next']);
  await ui.key(' ');
  await ui.key(KEY.F9);
  await until(() => ui.lines.length === 5, 'two more commands');
  assert.deepEqual(ui.lines.slice(3), ['break kernel.c:74', 'delete 2']);
  await ui.key('q');
  await ui.key('y');
  await ui.done;
  assert.ok(ui.tty.text.endsWith('\x1b[?1049l') || ui.tty.text.includes('\x1b[?1049l'), 'left the alternate screen');
  assert.ok(ui.tty.text.includes('\x1b[?25h'), 'cursor shown again');
});

test('the command line runs typed commands and saves them in the history file', async () => {
  const ui = start();
  await ui.key(':');
  await ui.key('print round_seen');
  await ui.key(KEY.Enter);
  await until(() => ui.lines.includes('print round_seen'), 'the typed command');
  await ui.key(KEY.Esc);
  await ui.key('q');
  await ui.key('y');
  await ui.done;
  assert.equal(readFileSync(join(ui.state, 'duster-tui', 'history'), 'utf8'), 'print round_seen\n');
});

test('keys rebound in the config file take effect', async () => {
  const ui = start({ keys: { continue: ['F6'], 'source.continue': [] } });
  await ui.key(KEY.F5);
  await ui.key('c');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ui.lines, []);
  await ui.key(KEY.F6);
  await until(() => ui.lines.length === 1, 'continue from F6');
  assert.deepEqual(ui.lines, ['continue']);
  await until(() => ui.session.state === 'exited', 'the program to end');
  await ui.key('q');
  await ui.key('y');
  await ui.done;
});

test('Ctrl-C interrupts a running target and the UI keeps taking keys meanwhile', async () => {
  const ui = start();
  ui.session.delay = 60_000;
  await ui.key(KEY.F5);
  await until(() => ui.session.state === 'running', 'running');
  await ui.key(KEY.F10);
  await ui.key(KEY.CtrlC);
  await until(() => ui.session.state === 'stopped', 'the interrupt');
  assert.equal(ui.session.lastStop?.cause.kind, 'interrupted');
  assert.deepEqual(ui.lines, ['continue'], 'F10 while running is refused, not queued');
  await ui.key('q');
  await ui.key('y');
  await ui.done;
});
