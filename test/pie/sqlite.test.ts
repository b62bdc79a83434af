// Issue 13's large real C library: SQLite's amalgamation built the default way (PIE, -O0 and -O2) under gdbserver, side by side
// with gdb: stops in a row callback (called from sqlite3_exec) and in an SQL function (called from deep inside sqlite3VdbeExec),
// bt, args, locals, up/down into SQLite's frames, finish, next, step into SQLite, break sqlite3VdbeExec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqliteProgram, sqliteSources } from '../helpers/sqlite.js';
import { compareWithGdb, describeDifferences } from './compare.js';

const SESSION = [
  // The SQL function, called by the virtual machine: weigh <- sqlite3VdbeExec <- sqlite3Step <- sqlite3_step <- sqlite3_exec.
  'break on_row', 'break weigh', 'continue', 'bt', 'info args', 'next', 'next', 'info locals', 'print *scale',
  'up', 'info locals', 'print *pOp', 'print p->zSql', 'print pCtx->pFunc->zName', 'up', 'info args', 'down', 'frame 0',
  'finish', 'next', 'next', 'next', 'next', 'next',
  // The row callback, called by sqlite3_exec; then back into SQLite and step into it.
  'continue', 'bt', 'info args', 'info locals', 'print values[1]', 'print *names@ncols', 'up', 'info locals', 'print *(Vdbe *)pStmt', 'down',
  'finish', 'next', 'next', 'step', 'bt', 'info args', 'next', 'next', 'next', 'next', 'next', 'step', 'bt',
  // A breakpoint deep inside the library.
  'delete', 'break sqlite3VdbeExec', 'continue', 'bt', 'info args', 'finish',
];

/** Why the amalgamation is missing (no network to the npm registry), or undefined when it is there. */
function unavailable(): string | undefined {
  try {
    sqliteSources();
    return undefined;
  } catch (e) {
    return `SQLite's amalgamation cannot be obtained (npm pack better-sqlite3@12): ${(e as Error).message.split('\n')[0]}`;
  }
}
const skip = unavailable();

test('SQLite (gcc -g, PIE): callback and SQL-function stops, bt/args/locals/up/down/finish/next/step equal gdb', { timeout: 900_000, ...(skip ? { skip } : {}) }, async () => {
  const exe = sqliteProgram('pie/sqlite-main.c', ['-g']);
  const c = await compareWithGdb(exe, SESSION);
  console.log(`SQLite -O0: ${c.equal} of ${c.total} answers equal gdb's`);
  assert.ok(c.total >= SESSION.length - 1, `gdb answered only ${c.total} commands`);
  assert.equal(c.differences.length, 0, describeDifferences(c));
});

// -O2 differs where gdb shows what we do not yet: inline frames (sqlite3Step inlined into sqlite3_step), stepping over inlined
// calls, and labels without an address in info locals. Measured here so a regression shows: 29 of 53 answers equal on the day
// this was written (gcc 12, gdb 13), 40 with entry values (p=p@entry=...) and tail-call frames, 46 with gdb's block order and
// its frame for an inline frame's entry values; the floor leaves room for noise. The 7 left are all gdb 13's 16-bit symbol
// line (struct symbol's `unsigned short m_line`, "FIXME: Should we really make the assumption that nobody will try to debug
// files longer than 64K lines?"): it prints sqlite3_step's line as 28946 where the call is on line 94482, and a `next` from
// sqlite3_result_double's line 94050 stops at the inlined sqlite3VdbeMemSetDouble's call site because it reads that call
// line as 28514 (set debug infrun: "stepped into inlined function", a call line unequal to the line being stepped); every
// answer after that stop is one `next` behind. We keep the 32-bit lines.

test('SQLite (gcc -g -O2, PIE): the same session, measured against gdb', { timeout: 900_000, ...(skip ? { skip } : {}) }, async () => {
  const exe = sqliteProgram('pie/sqlite-main.c', ['-g', '-O2']);
  const c = await compareWithGdb(exe, SESSION);
  console.log(`SQLite -O2: ${c.equal} of ${c.total} answers equal gdb's\n${describeDifferences(c)}`);
  assert.ok(c.total >= SESSION.length - 1, `gdb answered only ${c.total} commands`);
  assert.ok(c.equal >= 44, `${c.equal} of ${c.total} answers equal gdb's (fewer than 44)`);
  // Stops in functions SQLite calls through pointers: no x=x@entry=..., since the indirect call site's target cannot be checked.
  const differing = new Set(c.differences.map((d) => d.command));
  for (const k of ['2: continue', '24: continue', '26: info args']) assert.ok(!differing.has(k), `${k} differs from gdb\n${describeDifferences(c)}`);
});
