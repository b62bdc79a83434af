// QEMU's gdbstub as a target: boots the multiboot fixture kernel under qemu-system-x86_64 -S and pins,
// with a raw GDB-remote client (no src/ code) and with gdb as the oracle, the stub's behaviour the
// backend relies on (docs/QEMU.md): Z0 breakpoints with pc reported at the breakpoint address, no
// vCont;r, 'p' only after target.xml, a guest int3 is fatal, D lets the guest run on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { test } from 'node:test';
import { gdbBatch } from '../helpers/build.js';
import { compileQemuKernel, haveQemu, startQemu, type QemuHandle, type QemuKernel } from '../helpers/qemu.js';

const SKIP = haveQemu() ? false : 'qemu-system-x86_64 is not installed';
const O0 = ['-g', '-gdwarf-5', '-O0'];

/** A minimal GDB-remote client: one request, one reply; acks every packet it receives. */
class Rsp {
  private buf = '';
  private readonly queue: string[] = [];
  private waiter: ((body: string) => void) | undefined;

  private constructor(private readonly sock: Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.pump();
    });
    sock.on('error', () => {});
  }

  static connect(host: string, port: number): Promise<Rsp> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ host, port });
      s.once('connect', () => resolve(new Rsp(s)));
      s.once('error', reject);
    });
  }

  private pump(): void {
    for (;;) {
      this.buf = this.buf.replace(/^[+-]+/, '');
      const start = this.buf.indexOf('$');
      const hash = this.buf.indexOf('#', start);
      if (start < 0 || hash < 0 || this.buf.length < hash + 3) return;
      const body = this.buf.slice(start + 1, hash);
      this.buf = this.buf.slice(hash + 3);
      this.sock.write('+');
      const w = this.waiter;
      this.waiter = undefined;
      if (w) w(body);
      else this.queue.push(body);
    }
  }

  send(packet: string): void {
    let sum = 0;
    for (const ch of packet) sum = (sum + ch.charCodeAt(0)) & 0xff;
    this.sock.write(`$${packet}#${sum.toString(16).padStart(2, '0')}`);
  }

  reply(timeoutMs = 30_000): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error('no reply from the gdbstub'));
      }, timeoutMs);
      this.waiter = (body) => {
        clearTimeout(timer);
        resolve(body);
      };
    });
  }

  request(packet: string, timeoutMs?: number): Promise<string> {
    this.send(packet);
    return this.reply(timeoutMs);
  }

  close(): void {
    this.sock.destroy();
  }
}

const hex = (n: number) => n.toString(16);

/** Little-endian hex (as in 'g'/'p' replies) to a number. */
function le(h: string): number {
  let v = 0;
  for (let i = h.length - 2; i >= 0; i -= 2) v = v * 256 + parseInt(h.slice(i, i + 2), 16);
  return v;
}

function symbols(elf: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of execFileSync('nm', [elf], { encoding: 'utf8' }).split('\n')) {
    const [addr, , name] = line.split(' ');
    if (addr && name) m.set(name, parseInt(addr, 16));
  }
  return m;
}

/** Boots `kernel`, connects a raw client that has read target.xml (QEMU answers 'p' only after that), runs `fn`. */
async function withStub(kernel: QemuKernel, fn: (c: Rsp, q: QemuHandle) => Promise<void>): Promise<void> {
  const q = await startQemu(kernel);
  let c: Rsp | undefined;
  try {
    c = await Rsp.connect(q.host, q.port);
    await fn(c, q);
  } finally {
    c?.close();
    await q.stop();
  }
}

const pcOf = async (c: Rsp) => le(await c.request('p10'));

test('QEMU gdbstub: qSupported, vCont?, threads, target.xml and register packets', { skip: SKIP }, async () => {
  const kernel = compileQemuKernel(O0);
  await withStub(kernel, async (c) => {
    const features = (await c.request('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386')).split(';');
    assert.ok(features.includes('qXfer:features:read+'), features.join(';'));
    assert.ok(features.includes('PacketSize=1000'), features.join(';'));
    assert.ok(!features.some((f) => f.startsWith('swbreak')), 'QEMU does not report swbreak stop reasons');
    assert.ok(!features.includes('QStartNoAckMode+'), 'no no-ack mode');

    const vcont = (await c.request('vCont?')).split(';');
    assert.deepEqual(vcont, ['vCont', 'c', 'C', 's', 'S'], 'vCont has no r (range step)');
    assert.equal(await c.request('vCont;r0,1:1'), '', 'vCont;r is unsupported');

    // With multiprocess+ negotiated thread ids are p01.01; the stop reply expedites no registers.
    assert.equal(await c.request('?'), 'T05thread:p01.01;');
    assert.equal(await c.request('qfThreadInfo'), 'mp01.01');
    assert.equal(await c.request('qsThreadInfo'), 'l');
    assert.equal(await c.request('qAttached'), '1');
    assert.equal(await c.request('qOffsets'), '', 'no qOffsets: the ELF addresses are the loaded ones');

    assert.equal(await c.request('p10'), '', "'p' is refused until the client has read target.xml");
    const xml = await c.request('qXfer:features:read:target.xml:0,ffff');
    assert.match(xml, /^l.*<architecture>i386:x86-64<\/architecture>/s);
    assert.match(xml, /i386-64bit\.xml/);

    // At -S the CPU is at the reset vector in real mode, yet registers come in the x86-64 layout.
    assert.equal(await c.request('p10'), 'f0ff000000000000', 'rip is 8 bytes, at 0xfff0');
    assert.equal(await c.request('p11'), '02000000', 'eflags is 4 bytes');
    assert.equal(le(await c.request('p12')), 0xf000, 'cs');
    assert.equal((await c.request('g')).length / 2, 608, "'g' is 608 bytes (x86-64 core + SSE)");

    assert.equal(await c.request('qqemu.sstepbits'), 'ENABLE=1,NOIRQ=2,NOTIMER=4');
    assert.equal(await c.request('qqemu.sstep'), '0x7', 'single-step masks IRQs and timers by default');
  });
});

test('QEMU gdbstub: Z0 at demo; pc after the hit is the breakpoint address; step; D lets the guest run on', { skip: SKIP }, async () => {
  const kernel = compileQemuKernel(O0);
  const sym = symbols(kernel.elf64);
  const kmain = sym.get('kmain')!;
  const demo = sym.get('demo')!;
  await withStub(kernel, async (c, q) => {
    await c.request('qSupported');
    await c.request('qXfer:features:read:target.xml:0,ffff');
    const before = await c.request(`m${hex(demo)},1`);
    assert.equal(await c.request(`Z0,${hex(kmain)},1`), 'OK');
    assert.equal(await c.request(`Z0,${hex(demo)},1`), 'OK');
    assert.equal(await c.request(`m${hex(demo)},1`), before, 'Z0 leaves guest memory untouched');

    // From the reset vector through SeaBIOS and the multiboot loader to kmain in long mode.
    assert.equal(await c.request('c'), 'T05thread:01;');
    assert.equal(await pcOf(c), kmain, 'stopped at the breakpoint address itself (not bp+1)');
    assert.equal(le(await c.request('p12')), 0x08, 'cs = our 64-bit code segment');
    // Register numbers follow QEMU's target.xml, not gdb's built-in amd64 layout: after gs (23) come
    // fs_base, gs_base, k_gs_base, cr0 (27), cr2, cr3, cr4, cr8, efer (32), then st0 (33)..., mxcsr (65).
    assert.equal((le(await c.request('p1b')) & 0x80000001) >>> 0, 0x80000001, 'cr0 (27): PG and PE set');
    assert.equal(le(await c.request('p20')) & 0x500, 0x500, 'efer (32): LME and LMA set');
    assert.equal(le(await c.request('p41')), 0x1f80, 'mxcsr (65)');
    assert.equal(await c.request('p42'), 'E14', 'no register 66');
    const g = await c.request('g');
    assert.equal(le(g.slice(188 * 2, 196 * 2)), le(await c.request('p1b')), "cr0 sits at 'g' offset 188");

    // Continuing with the Z0 still inserted at pc re-reports it at once without executing anything:
    // the debugger must lift the breakpoint and step over it itself.
    assert.equal(await c.request('c'), 'T05thread:01;');
    assert.equal(await pcOf(c), kmain);
    assert.equal(await c.request(`z0,${hex(kmain)},1`), 'OK');
    assert.equal(await c.request('s'), 'T05thread:01;');
    assert.equal(await pcOf(c), kmain + 1, 'one instruction (push %rbp)');
    assert.equal(await c.request('vCont;s:1'), 'T05thread:01;');
    assert.equal(await pcOf(c), kmain + 4, 'one instruction (mov %rsp,%rbp)');

    assert.equal(await c.request('c'), 'T05thread:01;');
    assert.equal(await pcOf(c), demo);
    assert.match(q.serial, /kmain: multiboot magic 2badb002/);
    assert.match(q.serial, /Initialising\.\.\.\n$/, 'stopped before demo printed anything');

    assert.equal(await c.request(`z0,${hex(demo)},1`), 'OK');
    assert.equal(await c.request('D'), 'OK');
    await q.waitForSerial('done: halting');
  });
});

test('QEMU gdbstub: a 0xCC written into guest memory is executed by the guest (no IDT: triple fault, QEMU exits)', { skip: SKIP }, async () => {
  const kernel = compileQemuKernel(O0);
  const sym = symbols(kernel.elf64);
  const kmain = sym.get('kmain')!;
  const demo = sym.get('demo')!;
  await withStub(kernel, async (c, q) => {
    await c.request('qSupported');
    await c.request('qXfer:features:read:target.xml:0,ffff');
    await c.request(`Z0,${hex(kmain)},1`);
    assert.equal(await c.request('c'), 'T05thread:01;');
    await c.request(`z0,${hex(kmain)},1`);
    assert.equal(await c.request(`M${hex(demo)},1:cc`), 'OK');
    // Not a SIGTRAP at demo: the int3 goes to the guest, which resets; -no-reboot turns that into exit.
    assert.equal(await c.request('c'), 'W00');
    assert.equal(await q.exited, 0);
    assert.doesNotMatch(q.serial, /We are on the/);
  });
});

test('QEMU gdbstub: gdb breaks in demo, steps, finishes and prints the struct (the oracle session)', { skip: SKIP }, async () => {
  const kernel = compileQemuKernel(O0);
  const q = await startQemu(kernel);
  try {
    const out = gdbBatch(kernel.elf64, [
      `target remote ${q.host}:${q.port}`,
      'break demo', 'continue', 'bt', 'next', 'next', 'next', 'step', 'bt', 'finish',
      'break kernel.c:73', 'continue', 'print *pointer_tester', 'print my_integer', 'print my_float',
      'next', 'step', 'bt', 'finish', 'detach',
    ]);
    const expect = [
      '0x000000000000fff0 in ?? ()',
      'Breakpoint 1, demo () at kernel.c:60',
      '#1  0x0000000000100966 in run_demo (n=2) at kernel.c:81',
      '#2  0x0000000000100a08 in kmain (magic=732803074, info=38144) at kernel.c:92',
      '#3  0x00000000001000c5 in long_mode () at boot.S:76',
      '63\t        printf("We are on the %d iteration of the loop\\n", i);',
      'printf (fmt=0x100b30 "We are on the %d iteration of the loop\\n") at libk.c:54',
      '#1  0x00000000001008a9 in demo () at kernel.c:63',
      'demo () at kernel.c:64',
      'Breakpoint 2, demo () at kernel.c:73',
      '$2 = {val = 20, no = 0.109999999, my_pointer = 0x0}',
      '$3 = 300',
      '$4 = 1.5',
      'sum (a=300, b=20) at kernel.c:51',
      '#1  0x000000000010092f in demo () at kernel.c:74',
      'Value returned is $5 = 320',
      '[Inferior 1 (process 1) detached]',
    ];
    // Addresses depend on the compiler; the lines around them are what the later tests compare.
    const norm = (t: string) => t.replace(/0x[0-9a-f]{5,16}/g, '0xADDR');
    const text = norm(out);
    let at = 0;
    for (const line of expect.map(norm)) {
      const i = text.indexOf(line, at);
      assert.ok(i >= 0, `gdb's output lacks (in order) ${JSON.stringify(line)}:\n${out}`);
      at = i + line.length;
    }
    await q.waitForSerial('done: halting');
  } finally {
    await q.stop();
  }
});

test('QEMU fixture: the -O2 build boots and runs the demo to the end', { skip: SKIP }, async () => {
  const kernel = compileQemuKernel(['-g', '-gdwarf-5', '-O2']);
  await withStub(kernel, async (c, q) => {
    await c.request('qSupported');
    c.send('c');
    const serial = await q.waitForSerial('done: halting');
    assert.match(serial, /run_demo returned 0, last_sum 320/);
  });
});
