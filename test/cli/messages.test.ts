// Messages that say whose fault it is: a broken stub or a lost connection is reported once in gdb's words, never as "internal error".
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Interpreter } from '../../src/commands/interpreter.js';
import { buildCommandTable } from '../../src/commands/index.js';
import type { CommandContext } from '../../src/commands/context.js';
import { SourceFiles } from '../../src/commands/source-files.js';
import { Session } from '../../src/core/session.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { CLI, compileFixture } from '../helpers/build.js';
import { FakeStub, le64, type StubAction } from '../helpers/fake-stub.js';

const PROG = compileFixture(['death/death.c'], ['-g', '-O0', '-no-pie'], 'death');
/** The stub's threads stop in main: rip (the 17th register of 'g') is main's address, code reads as nops. */
const MAIN = BigInt('0x' + /^([0-9a-f]+) T main$/m.exec(spawnSync('nm', [PROG], { encoding: 'utf8' }).stdout)![1]!);
const IMAGE = openElf(PROG);
const REGISTERS = '00'.repeat(16 * 8) + le64(MAIN) + '00'.repeat(164 - 17 * 8);

/** A stub that works until `broken` says otherwise for a request after the connection is set up. */
function hostileStub(broken: (packet: string) => StubAction | undefined): Promise<FakeStub> {
  let ready = false;
  return FakeStub.start({
    // A retransmission request gets the same corrupt frame again (a line that garbles every packet).
    onNak: (c) => c.send({ badChecksum: 'T05' }),
    handle: (p) => {
      if (ready) {
        const b = broken(p);
        if (b !== undefined) return b;
      }
      if (p.startsWith('qSupported')) return 'PacketSize=1000';
      if (p === '?') return 'T05thread:1;';
      if (p === 'g') {
        ready = true;
        return REGISTERS;
      }
      const m = /^m([0-9a-f]+),([0-9a-f]+)$/.exec(p);
      if (m) {
        // The program's own image where it has bytes (so it matches --path), nops elsewhere.
        const len = parseInt(m[2]!, 16);
        const image = IMAGE.readVirtual(BigInt('0x' + m[1]!), len);
        return image ? Buffer.from(image).toString('hex') : '90'.repeat(len);
      }
      return '';
    },
  });
}

/** Runs commands through the interpreter on a session over the stub; returns everything printed, in order. */
async function runCommands(stub: FakeStub, commands: string[]): Promise<{ lines: string[]; results: boolean[] }> {
  const target = await GdbRemoteTarget.connect('127.0.0.1', stub.port, { timeoutMs: 300 });
  const program = new Program(openElf(PROG));
  const session = await Session.start({ program, target });
  const lines: string[] = [];
  const out = { print: (t: string) => void lines.push(...t.split('\n').filter(Boolean)), error: (t: string) => void lines.push(t) };
  const ctx: CommandContext = { program, session, sources: new SourceFiles([]), out, list: {} };
  session.on((e) => {
    if (e.type === 'exited') out.print(e.text);
  });
  const interpreter = new Interpreter(buildCommandTable(), ctx);
  const results: boolean[] = [];
  try {
    for (const c of commands) results.push(await interpreter.execute(c));
  } finally {
    target.close();
    await stub.close();
  }
  return { lines, results };
}

const LATER = ['stepi', 'continue', 'next', 'info registers rip'];
// gdb's words once the program is gone: execution commands are refused, registers are missing.
const NOT_RUN = LATER.map((c) => (c.startsWith('info registers') ? 'The program has no registers now.' : 'The program is not being run.'));

test('bad checksums: one line saying so, then "The program is not being run."; no internal error', async () => {
  const stub = await hostileStub((p) => (p === 's' || p === 'c' ? [{ badChecksum: 'T05' }] : undefined));
  const { lines, results } = await runCommands(stub, ['stepi', ...LATER]);
  assert.deepEqual(lines, ['Bad checksum in a remote packet 4 times; connection closed', ...NOT_RUN]);
  assert.deepEqual(results, [false, false, false, false, false]);
});

test('a stub that stops answering a register read: one line, then "The program is not being run."', { timeout: 10_000 }, async () => {
  let stopped = false;
  const stub = await hostileStub((p) => {
    if (p === 's' || p === 'c') {
      stopped = true;
      return 'T05thread:1;';
    }
    return stopped && p === 'g' ? null : undefined; // silence
  });
  const { lines } = await runCommands(stub, ['stepi', ...LATER]);
  assert.deepEqual(lines, ["Remote stub did not reply to 'g' within 300 ms; connection closed", ...NOT_RUN]);
});

test('the stub hangs up while the program runs: "Remote connection closed" once', async () => {
  const stub = await hostileStub((p) => {
    if (p !== 'c') return undefined;
    setTimeout(() => stub.connection?.socket.destroy(), 50);
    return null;
  });
  const { lines } = await runCommands(stub, ['continue', ...LATER]);
  assert.deepEqual(lines, ['Remote connection closed', ...NOT_RUN]);
});

test('the real CLI against a stub with bad checksums: the message on stderr once, exit status 1, no stack', async () => {
  const stub = await hostileStub((p) => (p === 's' || p === 'c' ? [{ badChecksum: 'T05' }] : undefined));
  try {
    const child = spawn(process.execPath, [CLI, '--path', PROG, '--gdb', `127.0.0.1:${stub.port}`, '--batch', '-ex', 'stepi', '-ex', 'continue'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let all = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (all += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (all += s));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(all, 'Bad checksum in a remote packet 4 times; connection closed\nThe program is not being run.\n');
    assert.equal(code, 1);
  } finally {
    await stub.close();
  }
});

/** gdb's and our exit status and output of a batch run on PROG without a target. */
function batch(commands: string[]): { gdb: { code: number | null; text: string }; ours: { code: number | null; text: string } } {
  const ex = commands.flatMap((c) => ['-ex', c]);
  const g = spawnSync('gdb', ['-nx', '-batch', ...ex, PROG], { encoding: 'utf8' });
  const o = spawnSync(process.execPath, [CLI, '--path', PROG, '--batch', ...ex], { encoding: 'utf8' });
  return { gdb: { code: g.status, text: g.stdout + g.stderr }, ours: { code: o.status, text: o.stdout + o.stderr } };
}

test('batch mode exits 1 when the last command failed, 0 otherwise, as gdb -batch does', () => {
  const cases = [['print nosuchvar'], ['print nosuchvar', 'print 1'], ['print 1', 'print nosuchvar'], ['print 1'], ['list nosuchfunction', 'info line main'], ['info line main', 'frobnicate']];
  for (const c of cases) {
    const { gdb, ours } = batch(c);
    assert.equal(ours.code, gdb.code, `${c.join('; ')}\ngdb:\n${gdb.text}\nours:\n${ours.text}`);
  }
  assert.equal(batch(['print nosuchvar']).ours.code, 1);
  assert.equal(batch(['print 1']).ours.code, 0);
});
