// Test helper: one command list through duster-tui and through gdb over gdbserver, as comparable output lines.
import { MATRIX, compileFixture } from '../helpers/build.js';
import { runDuster, runGdbRemote } from '../helpers/duster.js';

/** The formats fixture (test/fixtures/formats): VLAs, vectors, enums, strings, a file in sub/dir. */
export const FORMATS = ['formats/formats.c', 'formats/sub/dir/file.c'];

/**
 * Builds to compare live: DWARF 4 and 5, -O0 and -O2. The -O0 builds are the default kind (PIE, libc.so),
 * as users build them; the -O2 ones -no-pie (unikernels are linked without PIE).
 */
export const LIVE_BUILDS = MATRIX.slice(0, 4).map((b) =>
  b.flags.includes('-O2') ? { label: `${b.label} -no-pie`, flags: [...b.flags, '-no-pie'] } : { label: `${b.label} PIE`, flags: b.flags });

export function buildFormats(flags: string[]): string {
  return compileFixture(FORMATS, flags, 'formats');
}

/**
 * What only gdb prints on connecting (shared-library reads, the stop in ld.so), and kill's self-answered
 * query (run-control's, on main since the runstart branch): left out on both sides.
 */
function gdbOnly(line: string): boolean {
  return /^Reading |^0x[0-9a-f]+ in _start \(\) from |^warning: |^Downloading |^Kill the program being debugged\? /.test(line);
}

/** Process ids and run-specific numbers differ between the two runs. */
function normalise(line: string): string {
  return line.replace(/\(process \d+\)/g, '(process N)');
}

export interface Compared {
  ours: string[];
  gdb: string[];
  stderr: string;
}

/** Runs `commands` (then kill) through both debuggers on `exe`; returns both stdouts as lines. */
export async function compareLive(exe: string, commands: string[]): Promise<Compared> {
  const all = [...commands, 'kill'];
  const [d, g] = await Promise.all([runDuster(exe, all, { timeoutMs: 180_000 }), runGdbRemote(exe, all)]);
  const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '' && !gdbOnly(l)).map(normalise);
  return { ours: lines(d.stdout), gdb: lines(g), stderr: d.stderr };
}
