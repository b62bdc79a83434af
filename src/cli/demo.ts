// `npm run demo`: compiles the talk's demo (test/fixtures/demo/kernel.c), starts gdbserver on it and opens duster-tui.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';

const root = packageRoot();
const source = join(root, 'test', 'fixtures', 'demo');
const out = join(tmpdir(), 'duster-tui-demo');

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

mkdirSync(out, { recursive: true });
const exe = join(out, 'kernel');
const GCC_ARGS = ['-g', '-O0', '-no-pie', '-o', exe, 'kernel.c'];
/** The compile is skipped when the source and the flags are those of the last build (gcc costs seconds under load). */
const key = createHash('sha256').update(readFileSync(join(source, 'kernel.c'))).update(GCC_ARGS.join(' ')).digest('hex');
const keyFile = `${exe}.key`;
const cached = existsSync(exe) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key;
if (!cached) {
  rmSync(keyFile, { force: true }); // an interrupted gcc leaves no key that could match a half-written file
  try {
    // Compiled from its own directory so the debug info names the file "kernel.c", as in the talk.
    execFileSync('gcc', GCC_ARGS, { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    fail('gcc could not build test/fixtures/demo/kernel.c (is gcc installed? run scripts/install-deps.sh)');
  }
  // Written after gcc succeeded, via a rename: an interrupted build is never taken for a good one.
  writeFileSync(`${keyFile}.tmp`, key);
  renameSync(`${keyFile}.tmp`, keyFile);
}

const gdbserver = spawn('gdbserver', ['--once', '127.0.0.1:0', exe], { cwd: source, stdio: ['ignore', 'pipe', 'pipe'] });
gdbserver.on('error', () => fail('gdbserver is not installed (run scripts/install-deps.sh)'));
let log = '';
let programOutput = '';
gdbserver.stdout!.setEncoding('utf8').on('data', (s: string) => (programOutput += s));
gdbserver.stderr!.setEncoding('utf8').on('data', (s: string) => {
  log += s;
  const m = /Listening on port (\d+)/.exec(log);
  if (!m || started) return;
  started = true;
  const args = [join(root, 'dist', 'cli', 'main.js'), '--path', exe, '--gdb', `127.0.0.1:${m[1]}`, ...process.argv.slice(2)];
  const ui = spawn(process.execPath, args, { cwd: source, stdio: 'inherit' });
  ui.on('exit', (code) => {
    // The debugger detached: let the program finish, then show what it printed.
    const done = setTimeout(() => gdbserver.kill('SIGKILL'), 5000);
    gdbserver.on('exit', () => {
      clearTimeout(done);
      if (programOutput) process.stdout.write(`\n--- the demo program printed ---\n${programOutput}`);
      process.exit(code ?? 1);
    });
  });
});
let started = false;
setTimeout(() => {
  if (!started) {
    gdbserver.kill('SIGKILL');
    fail(`gdbserver did not start:\n${log}`);
  }
}, 10_000).unref();
