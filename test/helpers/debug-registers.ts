// Whether this machine's debug registers fire: some virtual machines accept DR7 writes but never trap, and then neither gdb nor we see a hardware watchpoint hit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let verdict: string | undefined | null = null;

/**
 * Undefined when a hardware watchpoint fires here (asked of gdb, natively, on a three-line program);
 * otherwise the reason to skip a test whose point is a hit. Tests comparing with gdb still run: both see no hit.
 */
export function debugRegistersSkipReason(): string | undefined {
  if (verdict !== null) return verdict;
  const dir = mkdtempSync(join(tmpdir(), 'duster-dr-probe-'));
  writeFileSync(join(dir, 'probe.c'), 'int counter;\nint main(void) { counter = 1; counter = 2; return 0; }\n');
  const cc = spawnSync('gcc', ['-g', '-O0', '-o', join(dir, 'probe'), join(dir, 'probe.c')], { encoding: 'utf8' });
  if (cc.status !== 0) return (verdict = `cannot build the debug-register probe: ${cc.stderr.trim()}`);
  const gdb = spawnSync('gdb', ['-nx', '-batch', '-ex', 'break main', '-ex', 'run', '-ex', 'watch counter', '-ex', 'continue', join(dir, 'probe')], { encoding: 'utf8', timeout: 60_000 });
  verdict = /Hardware watchpoint 2: counter\s+Old value = 0\s+New value = 1/.test(gdb.stdout)
    ? undefined
    : 'this machine\'s debug registers do not fire (gdb sees no hardware watchpoint hit either)';
  return verdict;
}
