// Unwinding a live stack with our CFI gives gdb's backtrace: the same return addresses, CFAs and saved registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openElf } from '../../src/elf/elf.js';
import { Cfi, unwindFrame } from '../../src/dwarf/cfi.js';
import { dwarfRegNumber } from '../../src/arch/x86-64/dwarf-regs.js';
import { compileFixture } from '../helpers/build.js';

const REGS = ['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip'];
/** Registers whose caller values CFI unwinding defines (the rest are clobbered by calls). */
const CHECKED = ['rip', 'rsp', 'rbp', 'rbx', 'r12', 'r13', 'r14', 'r15'];

const SCRIPT = `
import gdb, json
inf = gdb.selected_inferior()
sp = int(gdb.parse_and_eval('$sp'))
end = None
for line in open('/proc/%d/maps' % inf.pid):
    if line.rstrip().endswith('[stack]'):
        end = int(line.split()[0].split('-')[1], 16)
open(OUT + '/stack.bin', 'wb').write(bytes(inf.read_memory(sp, end - sp)))
frames = []
f = gdb.newest_frame()
while f is not None:
    regs = {}
    for n in ${JSON.stringify(REGS)}:
        try:
            v = f.read_register(n)
            regs[n] = None if v.is_optimized_out else str(int(v) & 0xffffffffffffffff)
        except Exception:
            regs[n] = None
    if f.type() != gdb.INLINE_FRAME:
        frames.append({'pc': str(f.pc()), 'name': f.name(), 'regs': regs})
    f = f.older()
open(OUT + '/frames.json', 'w').write(json.dumps({'sp': str(sp), 'frames': frames}))
`;

interface GdbFrame {
  pc: string;
  name: string | null;
  regs: Record<string, string | null>;
}

/** Stops `exe` at `breakpoint` under gdb and returns its frames and a copy of the stack. */
function snapshot(exe: string, breakpoint: string): { sp: bigint; stack: Uint8Array; frames: GdbFrame[] } {
  const dir = mkdtempSync(join(tmpdir(), 'duster-unwind-'));
  try {
    writeFileSync(join(dir, 'dump.py'), `OUT = ${JSON.stringify(dir)}\n${SCRIPT}`);
    const r = spawnSync('gdb', ['-nx', '-batch', '-ex', 'set backtrace past-main on', '-ex', `break ${breakpoint}`, '-ex', 'run', '-ex', `source ${join(dir, 'dump.py')}`, exe], { encoding: 'utf8', timeout: 120_000 });
    const json = JSON.parse(readFileSync(join(dir, 'frames.json'), 'utf8') || `{"error": ${JSON.stringify(r.stderr)}}`) as { sp: string; frames: GdbFrame[] };
    return { sp: BigInt(json.sp), stack: readFileSync(join(dir, 'stack.bin')), frames: json.frames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases = [
  { label: 'recursive factorial, -O0 (.eh_frame)', src: 'demo/kernel.c', flags: ['-g', '-O0', '-no-pie'], bp: 'factorial if n == 1', depth: 6 },
  { label: 'first instruction of factorial, -O0', src: 'demo/kernel.c', flags: ['-g', '-O0', '-no-pie'], bp: '*factorial', depth: 2 },
  { label: 'recursive factorial, -O0 .debug_frame only', src: 'demo/kernel.c', flags: ['-g', '-O0', '-no-pie', '-fno-asynchronous-unwind-tables'], bp: 'factorial if n == 1', depth: 6 },
  { label: 'demo, -O2', src: 'demo/kernel.c', flags: ['-g', '-O2', '-no-pie'], bp: 'demo', depth: 1 },
  { label: 'consume called from walk, -O2', src: 'cfi/optvars.c', flags: ['-g', '-O2', '-no-pie'], bp: 'consume if $_caller_is("walk")', depth: 3 },
  { label: 'consume called from mix, -O2 DWARF 4', src: 'cfi/optvars.c', flags: ['-g', '-gdwarf-4', '-O2', '-no-pie'], bp: 'consume', depth: 3 },
];

for (const c of cases) {
  test(`unwinding agrees with gdb: ${c.label}`, async () => {
    const exe = compileFixture([c.src], c.flags);
    const cfi = Cfi.fromElf(openElf(exe));
    const snap = snapshot(exe, c.bp);
    assert.ok(snap.frames.length >= 2, 'gdb stopped with a backtrace');
    const readMemory = async (address: bigint, size: number): Promise<Uint8Array> => {
      const off = Number(address - snap.sp);
      if (off < 0 || off + size > snap.stack.length) throw new Error(`Cannot access memory at address 0x${address.toString(16)}`);
      return snap.stack.subarray(off, off + size);
    };
    let regs = new Map<number, bigint>();
    for (const [name, v] of Object.entries(snap.frames[0]!.regs)) if (v !== null) regs.set(dwarfRegNumber(name)!, BigInt(v));
    let unwound = 0;
    for (let i = 0; i + 1 < snap.frames.length; i++) {
      const pc = BigInt(snap.frames[i]!.pc);
      if (!cfi.find(i ? pc - 1n : pc)) break; // a libc frame: its CFI is in libc.so
      const current = regs;
      const u = await unwindFrame(cfi, pc, { readRegister: async (r) => current.get(r), readMemory }, { isReturnAddress: i > 0 });
      assert.ok(u, `frame ${i} has CFI`);
      const caller = snap.frames[i + 1]!;
      const where = `frame ${i} (${snap.frames[i]!.name}) -> ${caller.name}`;
      assert.equal(u.returnAddress, BigInt(caller.pc), `${where}: return address`);
      assert.equal(u.cfa, BigInt(caller.regs.rsp!), `${where}: CFA is the caller's rsp`);
      for (const name of CHECKED) {
        const want = caller.regs[name];
        if (want !== null && want !== undefined) assert.equal(u.registers.get(dwarfRegNumber(name)!), BigInt(want), `${where}: ${name}`);
      }
      regs = u.registers;
      unwound++;
    }
    assert.ok(unwound >= Math.max(c.depth, 1), `unwound ${unwound} frames`);
  });
}
