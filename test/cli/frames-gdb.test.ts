// info frame (caller/callee, Arglist, Locals, previous sp, saved registers), file names as the line table
// records them (sub/dir/file.c), and batch mode's bt without "(More stack frames follow...)": live vs gdb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_BUILDS, buildFormats, compareLive } from './gdb-compare.js';

const COMMANDS = [
  'break lookup_rate', 'break sub_file_func', 'break file.c:4', 'info breakpoints',
  'continue', 'info frame', 'up', 'info frame', 'up', 'info frame',
  'continue', 'info frame', 'bt', 'bt 1', 'bt full 1', 'bt -1', 'up', 'info frame', 'up', 'info frame', 'frame 0', 'frame',
  'frame 1',
];

/**
 * Argument values at -O2 (gdb's x=x@entry=2 entry values, optimized-out callers' arguments) are
 * the frame-arguments helper's: the argument lists are left out of the comparison, the rest is compared.
 */
function withoutArgs(lines: string[]): string[] {
  return lines.map((l) => l.replace(/ \([^()]*\)( at )/g, ' (ARGS)$1').replace(/args: .*$/, 'args: ARGS'));
}

for (const build of LIVE_BUILDS) {
  test(`info frame, file names and bt in batch mode equal gdb's (${build.label})`, async () => {
    const r = await compareLive(buildFormats(build.flags), COMMANDS);
    assert.ok(r.gdb.some((l) => / Saved registers:/.test(l)), `gdb answered:\n${r.gdb.join('\n')}`);
    assert.ok(r.gdb.some((l) => l.includes('at sub/dir/file.c:')), 'gdb names the file as compiled');
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('Breakpoint 1 at')));
    const norm = build.label.includes('-O2') ? withoutArgs : (x: string[]): string[] => x;
    assert.deepEqual(norm(from(r.ours)), norm(from(r.gdb)), r.stderr);
  });
}

// At the entry and inside the prologue the frame base comes from rsp (gdb's amd64 prologue analysis), then from rbp.
for (const build of LIVE_BUILDS) {
  test(`info frame through a function's prologue equals gdb's (${build.label})`, async () => {
    const exe = buildFormats(build.flags);
    // By name, not by nm's address: a PIE's file addresses are not where the process has them.
    const r = await compareLive(exe, ['break *sub_file_func', 'continue', 'info frame', 'stepi', 'info frame', 'stepi', 'info frame', 'up', 'info frame']);
    assert.ok(r.gdb.some((l) => / Saved registers:/.test(l)), `gdb answered:\n${r.gdb.join('\n')}`);
    const from = (ls: string[]): string[] => ls.slice(ls.findIndex((l) => l.startsWith('Stack level 0')));
    const norm = build.label.includes('-O2') ? withoutArgs : (x: string[]): string[] => x;
    assert.deepEqual(norm(from(r.ours)), norm(from(r.gdb)), r.stderr);
  });
}
