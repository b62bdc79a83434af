// UI benchmark: process start to the first full frame, and stop event to the screen flushed, at 200x60 and 80x24.
import { performance } from 'node:perf_hooks';
import { PassThrough, Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A terminal-shaped sink: blessed reads columns/rows and listens for 'resize'. */
class FakeTty extends Writable {
  isTTY = true;
  bytes = 0;
  constructor(public columns: number, public rows: number) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.bytes += chunk.length;
    cb();
  }
  resize(c: number, r: number): void {
    this.columns = c;
    this.rows = r;
    this.emit('resize');
  }
  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const say = (s: string): void => void process.stderr.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'duster-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state };
  delete env.NO_COLOR;
  const tty = new FakeTty(200, 60);
  const frames: number[] = [];
  const tImport = performance.now();
  const [{ runTui }, { FakeSession, fakeInterpreter }] = await Promise.all([import('../src/ui/app.js'), import('../test/ui/fake-session.js')]);
  const imported = performance.now();
  const session = new FakeSession();
  session.delay = 0;
  const interp = fakeInterpreter(session, { print: () => undefined, error: () => undefined });
  session.addBreakpoint('kernel.c:73');
  const stops: number[] = [];
  const emit = session.emit.bind(session);
  session.emit = (e) => {
    if (e.type === 'stopped') stops.push(performance.now());
    emit(e);
  };
  const done = runTui({ session, interpreter: interp, output: tty, input: new PassThrough(), env, onFrame: () => frames.push(performance.now()) });
  // The first full frame: the one after registers, stack and variables arrived (frames settle).
  const settle = async (): Promise<number> => {
    let n = -1;
    while (n !== frames.length) {
      n = frames.length;
      await sleep(40);
    }
    return frames[frames.length - 1]!;
  };
  const firstFull = await settle();
  say(`start: node boot + imports ${tImport.toFixed(0)} ms, UI modules (blessed, highlight.js) ${(imported - tImport).toFixed(0)} ms`);
  say(`start -> first full frame: ${firstFull.toFixed(0)} ms since process start (goal <= 400 ms); first paint ${frames[0]!.toFixed(0)} ms`);

  for (const [c, r] of [[200, 60], [80, 24]] as const) {
    tty.resize(c, r);
    await sleep(150);
    await settle();
    const first: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = frames.length;
      const at = stops.length;
      if (session.state === 'exited') break;
      if (i % 2) void interp.execute('next');
      else void interp.execute('step');
      while (stops.length === at) await sleep(1);
      const last = await settle();
      const t = stops[at]!;
      first.push(frames.slice(before).find((f) => f >= t)! - t);
      full.push(last - t);
      if (session.fn === 'main' && session.line > 84) {
        session.fn = 'demo';
        session.line = 60;
      }
    }
    say(`${c}x${r}: stop -> first frame flushed median ${quantile(first, 0.5).toFixed(2)} ms, p95 ${quantile(first, 0.95).toFixed(2)} ms; stop -> complete frame (stack, registers, variables) median ${quantile(full, 0.5).toFixed(2)} ms, p95 ${quantile(full, 0.95).toFixed(2)} ms (goal <= 16 ms; n=${full.length})`);
  }
  say(`bytes written in total: ${tty.bytes}`);
  await realBinary();
  process.exit(0);
  await done;
}

/** The real binary against gdbserver in tmux: launch to a screen with source, registers and stack (polled every 10 ms). */
async function realBinary(): Promise<void> {
  const [{ CLI, FIXTURES, compileFixture }, { startGdbserver }, { Tmux }] = await Promise.all([
    import('../test/helpers/build.js'), import('../test/helpers/gdbserver.js'), import('../test/ui/tmux.js'),
  ]);
  const exe = compileFixture(['demo/kernel.c'], ['-g', '-O0', '-no-pie'], 'kernel');
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const gs = await startGdbserver(exe);
    const state = mkdtempSync(join(tmpdir(), 'duster-bench-'));
    const t0 = performance.now();
    const ui = Tmux.start(`node ${CLI} --path ${exe} --gdb ${gs.host}:${gs.port}`, { cols: 200, rows: 60, cwd: join(FIXTURES, 'demo'), env: { TERM: 'tmux-256color', XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state } });
    try {
      while (!/rsp 0x/.test(ui.text()) || !/#0 /.test(ui.text())) await sleep(10);
      times.push(performance.now() - t0);
    } finally {
      ui.kill();
      await gs.stop();
    }
  }
  say(`real binary (tmux, gdbserver, demo): launch -> first full frame median ${quantile(times, 0.5).toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')}); includes node start, ELF/DWARF load and connecting`);
}

void main();
