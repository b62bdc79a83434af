// A scripted stand-in for the core Session playing the demo's stops (kernel.c), for UI unit tests, the benchmark and the harness.
import { join } from 'node:path';
import type { BreakpointInfo, FrameInfo, Listener, RegisterValue, SessionEvent, SessionState, StopInfo, VariableNode } from '../../src/core/api.js';
import { CommandTable } from '../../src/commands/registry.js';
import { Interpreter, QuitRequest } from '../../src/commands/interpreter.js';
import { UserError } from '../../src/util/errors.js';
import type { CommandContext } from '../../src/commands/context.js';
import type { SessionPort } from '../../src/ui/ports.js';
import { FIXTURES } from '../helpers/build.js';

export const KERNEL_C = join(FIXTURES, 'demo', 'kernel.c');

const leaf = (name: string, value: string, type: string, expression = name): VariableNode => ({ name, value, type, expression, expandable: false, children: async () => [] });

function demoVars(line: number, round: number): VariableNode[] {
  const after = line >= 67;
  const ptr: VariableNode = {
    name: 'pointer_tester', expression: 'pointer_tester', type: 'struct test *', value: line >= 70 ? '(struct test *) 0x4052a0' : '(struct test *) 0x0', expandable: true,
    children: async () => [
      leaf('val', line >= 71 ? '20' : '0', 'int', 'pointer_tester->val'),
      leaf('no', line >= 72 ? '0.109999999' : '0', 'float', 'pointer_tester->no'),
      { ...leaf('my_pointer', '0x0', 'struct test *', 'pointer_tester->my_pointer'), expandable: true, children: async () => { throw new Error('Cannot access memory at address 0x0'); } },
    ],
  };
  return [
    leaf('my_integer', after ? '300' : '0', 'int'),
    leaf('my_float', after ? '1.5' : '0', 'float'),
    leaf('my_boolean', after ? 'true' : 'false', '_Bool'),
    ptr,
    leaf('round_seen', String(round), 'int'),
  ];
}

export class FakeSession implements SessionPort {
  state: SessionState = 'stopped';
  lastStop: StopInfo | undefined;
  selectedFrame = 0;
  bps: BreakpointInfo[] = [];
  private nextId = 1;
  private listeners = new Set<Listener>();
  line = 78;
  fn = 'main';
  round = 0;
  /** Delay of a continue/step (ms), to see the running state. */
  delay = 30;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private regsBase = 0x401136n;

  constructor() {
    this.lastStop = this.stopInfo({ kind: 'attached' });
  }

  private stopInfo(cause: StopInfo['cause']): StopInfo {
    return { vcpu: 0, cause, location: { address: this.regsBase + BigInt(this.line), function: this.fn, file: 'kernel.c', fullPath: KERNEL_C, line: this.line } };
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: SessionEvent): void {
    for (const l of this.listeners) l(e);
  }

  breakpoints(): BreakpointInfo[] {
    return this.bps.map((b) => ({ ...b, locations: [...b.locations] }));
  }

  async backtrace(): Promise<FrameInfo[]> {
    if (this.state !== 'stopped') throw new UserError('The program is running.');
    const frames: FrameInfo[] = [];
    if (this.fn === 'demo') frames.push({ level: 0, pc: this.regsBase + BigInt(this.line), cfa: 0x7ffe0010n, location: { address: this.regsBase + BigInt(this.line), function: 'demo', file: 'kernel.c', fullPath: KERNEL_C, line: this.line }, args: [] });
    frames.push({ level: frames.length, pc: 0x4011f0n, cfa: 0x7ffe0040n, location: { address: 0x4011f0n, function: 'main', file: 'kernel.c', fullPath: KERNEL_C, line: this.fn === 'demo' ? 81 : this.line }, args: [{ name: 'argc', value: '1' }, { name: 'argv', value: '0x7ffe0138' }] });
    return frames;
  }

  async variables(): Promise<VariableNode[]> {
    if (this.fn === 'demo' && this.selectedFrame === 0) return demoVars(this.line, this.round);
    return [leaf('n', '2', 'int'), leaf('round', String(this.round), 'int')];
  }

  async watch(expr: string): Promise<VariableNode> {
    const v = (await this.variables()).find((x) => x.name === expr);
    if (!v) throw new UserError(`No symbol "${expr}" in current context.`);
    return v;
  }

  async registers(): Promise<RegisterValue[]> {
    const names = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base'];
    return names.map((name, i) => ({
      name, size: 8,
      value: name === 'rip' ? this.regsBase + BigInt(this.line) : name === 'eflags' ? 0x246n : name === 'rax' ? BigInt(this.line * 100) : BigInt(i * 0x1000),
    }));
  }

  async readMemory(addr: bigint, len: number): Promise<Uint8Array> {
    return Uint8Array.from({ length: len }, (_, i) => Number((addr + BigInt(i)) & 0xffn));
  }

  async interrupt(): Promise<void> {
    if (this.state !== 'running' || !this.pending) return;
    clearTimeout(this.pending);
    this.pending = undefined;
    this.state = 'stopped';
    this.lastStop = this.stopInfo({ kind: 'interrupted' });
    this.emit({ type: 'stopped', stop: this.lastStop });
  }

  /** Runs "something" for `delay` ms, then stops at `line` in `fn` (or exits). */
  private resume(to: (() => void) | 'exit', cause: StopInfo['cause'], delay = this.delay): Promise<void> {
    if (this.state !== 'stopped') throw new UserError('The program is not stopped.');
    this.state = 'running';
    this.selectedFrame = 0;
    this.emit({ type: 'running', vcpu: 0 });
    return new Promise((resolve) => {
      this.pending = setTimeout(() => {
        this.pending = undefined;
        if (to === 'exit') {
          this.state = 'exited';
          this.emit({ type: 'exited', code: 0, text: '[Inferior 1 (process 4242) exited normally]' });
        } else {
          to();
          this.state = 'stopped';
          this.lastStop = this.stopInfo(cause);
          this.emit({ type: 'stopped', stop: this.lastStop });
        }
        resolve();
      }, delay);
    });
  }

  cont(): Promise<void> {
    const bp = this.bps.find((b) => b.enabled && b.locations.some((l) => l.line === 73));
    const past = (this.fn === 'demo' && this.line >= 73) || (this.fn === 'main' && this.line > 81);
    const nextRound = past ? this.round + 1 : this.round;
    if (bp && nextRound < 2) {
      return this.resume(() => {
        this.fn = 'demo';
        this.line = 73;
        this.round = nextRound;
        bp.hits++;
        this.emit({ type: 'output', text: `We are on the 2 iteration of the loop\n300\n`, stream: 'target' });
      }, { kind: 'breakpoint', breakpoint: bp.id });
    }
    return this.resume('exit', { kind: 'step' });
  }

  step(): Promise<void> {
    return this.resume(() => {
      if (this.fn === 'demo' && this.line >= 74) {
        this.fn = 'main';
        this.line = 82;
      } else this.line++;
    }, { kind: 'step' }, 5);
  }

  addBreakpoint(spec: string): BreakpointInfo {
    const m = /^(?:(.*):)?(\d+)$/.exec(spec);
    if (!m) throw new UserError(`Function "${spec}" not defined.`);
    const bp: BreakpointInfo = { id: this.nextId++, spec, enabled: true, temporary: false, ignoreCount: 0, hits: 0, locations: [{ address: this.regsBase + BigInt(m[2]!), function: 'demo', file: 'kernel.c', fullPath: KERNEL_C, line: Number(m[2]) }] };
    this.bps.push(bp);
    this.emit({ type: 'breakpoints-changed' });
    return bp;
  }

  bp(id: string): BreakpointInfo {
    const b = this.bps.find((x) => x.id === Number(id));
    if (!b) throw new UserError(`No breakpoint number ${id}.`);
    return b;
  }

  changed(): void {
    this.emit({ type: 'breakpoints-changed' });
  }
}

/** The fake's command language: the handful of commands the UI sends. */
export function fakeInterpreter(s: FakeSession, out: CommandContext['out']): Interpreter {
  const t = new CommandTable();
  t.add(
    { name: 'continue', aliases: ['c'], help: 'Continue.', repeatable: true, run: () => s.cont() },
    { name: 'next', aliases: ['n'], help: 'Next line.', repeatable: true, run: () => s.step() },
    { name: 'step', aliases: ['s'], help: 'Step.', repeatable: true, run: () => s.step() },
    { name: 'finish', help: 'Finish.', run: () => s.step() },
    { name: 'until', aliases: ['u'], help: 'Until.', run: () => s.step() },
    { name: 'break', aliases: ['b'], help: 'Set a breakpoint.', run: (a, ctx) => { const b = s.addBreakpoint(a); ctx.out.print(`Breakpoint ${b.id} at 0x${b.locations[0]!.address.toString(16)}: file kernel.c, line ${b.locations[0]!.line}.\n`); } },
    { name: 'delete', aliases: ['d'], help: 'Delete breakpoints.', run: (a) => { for (const id of a.split(/\s+/)) s.bps = s.bps.filter((b) => b.id !== s.bp(id).id); s.changed(); } },
    { name: 'enable', help: 'Enable.', run: (a) => { s.bp(a).enabled = true; s.changed(); } },
    { name: 'disable', help: 'Disable.', run: (a) => { s.bp(a).enabled = false; s.changed(); } },
    { name: 'condition', help: 'Condition.', run: (a) => { const [id, ...c] = a.split(' '); s.bp(id!).condition = c.join(' ') || undefined; s.changed(); } },
    { name: 'frame', aliases: ['f'], help: 'Select a frame.', run: async (a) => { s.selectedFrame = Number(a); s.emit({ type: 'frame-selected', level: Number(a) }); } },
    { name: 'print', aliases: ['p'], help: 'Print.', run: async (a, ctx) => { ctx.out.print(`$1 = ${(await s.watch(a)).value}\n`); } },
    { name: 'detach', help: 'Detach.', run: () => { s.state = 'detached'; } },
    { name: 'quit', aliases: ['q'], help: 'Quit.', run: () => { throw new QuitRequest(); } },
  );
  const info = new CommandTable('info');
  info.add({ name: 'breakpoints', help: 'List.', run: () => undefined }, { name: 'registers', help: 'Regs.', run: () => undefined });
  t.add({ name: 'info', help: 'Info.', sub: info });
  return new Interpreter(t, { program: undefined, out } as unknown as CommandContext);
}
