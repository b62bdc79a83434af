// Mini-OS (a real PV unikernel: local symbols, linked at 0, assembler frames without DWARF) under gdb + gdbsx and under duster-tui,
// its default build (-O0) and the same sources at -O2: a session through its scheduler, answer for answer (GDBSX hypervisor).
// Skips when test-xen.sh built no Mini-OS (../shared/minios is not in a fresh checkout).
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labEnv } from './lab.js';
import { answerAlike, gdbsxSkip, stockAnswersAlike } from './oracle.js';

const env = labEnv();
const CONFIG = join(env.guestDir, 'duster-minios.cfg');

// periodic_thread (test.c:76) calls msleep(1000) every second; sched.c:218 is msleep's line after `thread = get_current()`.
// Values that differ between two boots (times, the machine frame of shared_info) are not printed, nor the word at $sp:
// below msleep's locals it holds what an earlier event's bounce frame left there (0xdffb0 under gdb, 0x0 under ours).
const AROUND_THE_STOP = [
  'bt', 'info frame', 'p millisecs', 'p thread->name', 'p thread->flags', 'ptype thread', 'p thread_list.tqh_first->name',
  'p idle_thread->name', 'p start_info_union.start_info.magic', 'p start_info_union.start_info.nr_pages', 'p HYPERVISOR_shared_info',
  'p HYPERVISOR_shared_info->vcpu_info[0].evtchn_upcall_mask', 'info registers rip', 'x/3i $pc', 'info symbol $pc', 'p $pc', 'p/a $sp',
  'up', 'info frame', 'p &tv', 'p p', 'frame 2', 'info symbol $pc', 'frame 0',
];
const SESSION_O0 = ['break sched.c:218', 'continue', ...AROUND_THE_STOP, 'finish', 'next', 'next', 'step', 'bt', 'info args', 'delete', 'detach'];
// At -O2 msleep starts with a 1-byte push, where the stock hypervisor's spin breakpoint (2 bytes) cannot go: its first
// call (line 218, 5 bytes) is where both hypervisors can stop.
const SESSION_O2 = ['break sched.c:218', 'continue', ...AROUND_THE_STOP, 'finish', 'next', 'step', 'bt', 'x/4i $pc', 'delete', 'detach'];

for (const [opt, image, session] of [['default (-O0)', 'mini-os', SESSION_O0], ['-O2', 'mini-os-O2', SESSION_O2]] as const) {
  const elf = join(env.guestDir, image);
  const skip = gdbsxSkip() ?? (existsSync(elf) && existsSync(CONFIG) ? undefined : `no ${elf}: test-xen.sh builds Mini-OS only when ../shared/minios/mini-os.tar.gz exists`);
  const run = { elf, config: CONFIG, session, cwd: env.guestDir };
  let gdbOut: string | undefined;
  test(`Mini-OS built ${opt}: gdb + gdbsx and duster-tui answer alike through its scheduler (bt through thread_starter, finish, next, step)`,
    { skip, timeout: 900_000 }, async () => { gdbOut = await answerAlike(run); });
  test(`Mini-OS built ${opt}: duster-tui on the stock hypervisor answers as gdb + gdbsx did`, { skip: env.hypervisor === 'gdbsx' ? skip : 'the GDBSX half compares' },
    (t) => stockAnswersAlike(run, gdbOut, t));
}
