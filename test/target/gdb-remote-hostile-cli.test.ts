// The real duster-tui (batch mode) against hostile stubs: one clear line on stderr, bounded peak RSS of the duster-tui process, no hang.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLI, compileFixture } from '../helpers/build.js';
import { FakeStub, frame, le64, type StubAction } from '../helpers/fake-stub.js';

const DEADLINE_MS = 20_000;
/** Peak RSS allowed of the whole duster-tui process (Node itself with the program loaded is ~55 MiB). */
const PEAK_RSS_CAP_MIB = 128;
const MIB = 1 << 20;

const exe = compileFixture(['remote/busy.c'], ['-g', '-O0', '-no-pie']);
const mainAddress = BigInt(`0x${execFileSync('nm', [exe], { encoding: 'utf8' }).split('\n').find((l) => / T main$/.test(l))!.split(' ')[0]}`);

/** A stub stopped in main that runs the program to a normal exit; `override` answers first (undefined: fall through). */
function stubReply(p: string, override: (p: string) => StubAction | undefined): StubAction {
  const action = override(p);
  if (action !== undefined) return action;
  if (p.startsWith('qSupported')) return 'PacketSize=1000;QStartNoAckMode+';
  if (p === 'QStartNoAckMode') return 'OK';
  if (p === '?') return 'T05thread:1;';
  if (p === 'qfThreadInfo') return 'm1';
  if (p === 'qsThreadInfo') return 'l';
  if (p === 'g') return `${le64(0x1111n).repeat(7)}${le64(0x7ff000n)}${le64(0n).repeat(8)}${le64(mainAddress + 4n)}`;
  if (p.startsWith('m')) return '00'.repeat(parseInt(p.split(',')[1] ?? '1', 16));
  if (p === 'c' || p.startsWith('vCont;c')) return 'W00';
  return '';
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  peakMiB: number;
}

/** Runs `duster-tui --batch -ex continue` against a fake stub; polls the child's VmHWM (peak RSS). */
async function runAgainst(override: (p: string) => StubAction | undefined): Promise<CliRun> {
  const stub = await FakeStub.start({ handle: (p) => stubReply(p, override) });
  try {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, '--path', exe, '--gdb', `127.0.0.1:${stub.port}`, '--batch', '-ex', 'continue'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let peakKiB = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        // the process has just exited
      }
    }, 20);
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`duster-tui hung (${DEADLINE_MS} ms)\nstderr: ${stderr}`));
      }, DEADLINE_MS);
      child.on('exit', (c) => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(c);
      });
    });
    return { code, stdout, stderr, ms: Date.now() - t0, peakMiB: peakKiB / 1024 };
  } finally {
    await stub.close();
  }
}

/** stderr is exactly one line, ours, in the user's words. */
function assertOneLine(run: CliRun, expect: RegExp): void {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `stderr: ${run.stderr}`);
  assert.doesNotMatch(lines[0]!, /internal error|Error:|\bat .+:\d+:\d+/);
  assert.match(lines[0]!, expect);
  assert.ok(run.peakMiB < PEAK_RSS_CAP_MIB, `peak RSS ${run.peakMiB.toFixed(0)} MiB`);
}

test('a 50 MB flood of program output: one truncation notice, the exit, bounded peak RSS', { timeout: 60_000 }, async () => {
  const packet = frame(`O${Buffer.alloc(2048, 'x').toString('hex')}`);
  function* flood(): Generator<Buffer | string> {
    for (let i = 0; i < (50 * MIB) / packet.length; i++) yield packet;
    yield 'W00';
  }
  const run = await runAgainst((p) => (p === 'c' || p.startsWith('vCont;c') ? { stream: flood() } : undefined));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.match(/\[program output truncated: more than 1048576 bytes since the target was resumed; the rest is dropped until it stops\]/g)?.length, 1);
  assert.match(run.stdout, /\[Inferior 1 \(process 1\) exited normally\]\n$/);
  assert.ok(run.stdout.length < 1.1 * MIB, `${run.stdout.length} characters of output`);
  assert.ok(run.peakMiB < PEAK_RSS_CAP_MIB, `peak RSS ${run.peakMiB.toFixed(0)} MiB`);
  process.stdout.write(`# CLI 50 MB O flood: ${run.ms} ms, peak RSS ${run.peakMiB.toFixed(0)} MiB\n`);
});

test('replies the stub gets wrong end the CLI with one line in gdb\'s words', { timeout: 60_000 }, async () => {
  const cases: [string, (p: string) => StubAction | undefined, RegExp][] = [
    ["g answered OK", (p) => (p === 'g' ? 'OK' : undefined), /^duster-tui: Remote replied unexpectedly to 'g': OK$/],
    ['g cut inside a register', (p) => (p === 'g' ? '00'.repeat(20) : undefined), /^duster-tui: Truncated register 2 in remote 'g' packet$/],
    ['target.xml without rip', (p) => (p.startsWith('qSupported') ? 'qXfer:features:read+' : p.startsWith('qXfer:features') ? 'l<target><reg name="x" bitsize="64"/></target>' : undefined),
      /^duster-tui: Architecture rejected target-supplied description target\.xml \(no rip register\)$/],
  ];
  for (const [name, override, expect] of cases) {
    const run = await runAgainst(override);
    assert.notEqual(run.code, 0, name);
    assertOneLine(run, expect);
  }
});

// A broken connection is reported as an internal error by the CLI until issue 14 item 5 lands.
test('a stub that breaks the connection ends the CLI with one line, not an internal error', {
  timeout: 60_000,
}, async () => {
  function* huge(): Generator<Buffer> {
    yield Buffer.from('$');
    for (let i = 0; i < 100; i++) yield Buffer.alloc(MIB, 0x61);
  }
  const cases: [string, (p: string) => StubAction | undefined, RegExp][] = [
    ['100 MB packet', (p) => (p.startsWith('qSupported') ? { stream: huge() } : undefined), /^duster-tui: Remote packet too long: larger than 1048576 bytes; connection closed$/],
    ['RLE bomb', (p) => (p === 'g' ? { raw: frame(`0${'*~'.repeat(20_000)}`) } : undefined), /^duster-tui: Remote packet too long: its run-length encoding/],
    ['bad checksums', (p) => (p === 'g' ? { raw: '$00#00' } : undefined), /^duster-tui: Bad checksum in a remote packet \(no-ack mode\); connection closed$/],
  ];
  for (const [name, override, expect] of cases) {
    const run = await runAgainst(override);
    assert.notEqual(run.code, 0, name);
    assertOneLine(run, expect);
  }
});
