// Evaluating the frame's own names searches no shared library: `print *pointer_tester` at a stop built libc's whole name
// index first (2 s once with libc6-dbg installed) because functions were looked up before the frame's variables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCommandTable } from '../../src/commands/index.js';
import type { CommandContext } from '../../src/commands/context.js';
import { SourceFiles } from '../../src/commands/source-files.js';
import { SessionEvaluation } from '../../src/commands/eval-hooks.js';
import { Session } from '../../src/core/session.js';
import { openElf } from '../../src/elf/elf.js';
import { Program } from '../../src/symbols/program.js';
import { GdbRemoteTarget } from '../../src/target/gdb-remote/target.js';
import { compileFixture } from '../helpers/build.js';
import { startGdbserver } from '../helpers/gdbserver.js';

test('print of locals at a stop in a PIE searches no library\'s debug info; a name only libc defines still is found', { timeout: 120_000 }, async () => {
  const exe = compileFixture(['demo/kernel.c'], ['-g'], 'kernel-pie');
  const gs = await startGdbserver(exe);
  let session: Session | undefined;
  try {
    const program = new Program(openElf(exe));
    session = await Session.start({ program, target: await GdbRemoteTarget.connect(gs.host, gs.port) });
    session.setEvaluation(new SessionEvaluation(session));
    let out = '';
    const ctx: CommandContext = { program, session, sources: new SourceFiles([]), list: {}, out: { print: (t) => (out += t), error: (t) => (out += t) } };
    const table = buildCommandTable();
    const run = async (c: string): Promise<void> => {
      const { command, args } = table.resolve(c);
      await command.run!(args, ctx);
    };
    for (const c of ['break 73', 'continue', 'print *pointer_tester', 'print my_integer + 1', 'print pointer_tester->val * 2']) await run(c);
    assert.match(out, /\$1 = \{val = 20, no = 0\.109999999, my_pointer = 0x0\}\n\$2 = 301\n\$3 = 40\n/);
    const libraries = [...session.images.set.programs()].filter((p) => p !== program);
    assert.ok(libraries.length >= 2, 'libc and ld.so are loaded');
    assert.deepEqual(libraries.filter((p) => p.nameIndexReady).map((p) => p.elf.path), [], 'no library was searched');
    // The search still reaches the libraries when the program does not know a name.
    await run('print environ != 0');
    assert.match(out, /\$4 = 1\n$/);
  } finally {
    await session?.shutdown().catch(() => undefined);
    await gs.stop();
  }
});
