// Xen benchmark (run in dom0): breakpoint hit -> stop detected latency and duster-tui's CPU while the guest runs, per strategy.
//   node dist/bench/xen-latency.js --domain NAME --elf kernel-O0.elf [--strategy trap|spin|both] [--hits 15] [--idle 10]
// The guest must be the demo unikernel, running (kernel.c:73 is hit every round). Prints a table and one JSON line.
import { connectXen } from '../src/target/xen/connect.js';
import { loadShim } from '../src/target/xen/ffi.js';
import type { XenTarget } from '../src/target/xen/target.js';
import { RunControl } from '../src/core/run-control.js';
import { PatchTable } from '../src/core/patches.js';
import { strategyByName } from '../src/core/strategy.js';
import { x86Stepper } from '../src/arch/x86-64/stepper.js';
import { Program } from '../src/symbols/program.js';
import { openElf } from '../src/elf/elf.js';
import type { RegisterSet } from '../src/target/contract.js';

const arg = (name: string, dflt?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const domain = arg('domain')!;
const elfPath = arg('elf')!;
const hits = Number(arg('hits', '15'));
const idleS = Number(arg('idle', '10'));
if (!domain || !elfPath) throw new Error('usage: --domain NAME --elf ELF [--strategy trap|spin|both] [--hits N] [--idle S]');
const program = new Program(openElf(elfPath));
const bpLine = program.lineBreakpoints('kernel.c', 73)[0]!.address;
const idleSite = program.functionBreakpoints('factorial')[0]!.address; // called once at boot, never again

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]! : NaN;
};
const ms = (us: number) => (us / 1000).toFixed(2);

/** dom0's own CPU (Xen's accounting of domain 0), to see what polling costs the whole control domain. */
function dom0CpuNs(): bigint {
  const shim = loadShim();
  const h = shim.open(0);
  const i = shim.info(h);
  shim.close(h);
  return typeof i === 'number' ? 0n : i.cpuTimeNs;
}

interface Result {
  strategy: string;
  hits: number;
  /** upper bound of hit -> domain known stopped: end of the detecting look/pause minus start of the last look that saw it running */
  windowUs: { p50: number; p95: number; max: number };
  /** the hypervisor's share: one look (getinfo or getcontext) + pause */
  lookUs: { p50: number };
  /** window - look: what the poll schedule adds */
  pollDelayUs: { p50: number; p95: number };
  detectedByShim: number;
  idle: { seconds: number; cpuPercent: number; dom0PercentDuring: number; dom0PercentBaseline: number; polls?: string };
}

async function run(strategy: 'trap' | 'spin'): Promise<Result> {
  const base0 = dom0CpuNs();
  const tb = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const dom0Baseline = Number(dom0CpuNs() - base0) / 1e6 / (Date.now() - tb) * 100;

  const { target } = await connectXen({ domain, breakpoints: strategy }, { print: () => {}, error: () => {} });
  const x = target as XenTarget;
  // record every register read (spin polling) and when the domain is known paused
  let samples: { start: number; end: number; rip: bigint }[] = [];
  let tPaused = 0;
  let tResume = 0;
  let byShim = 0;
  const readRegisters = target.readRegisters.bind(target);
  target.readRegisters = async (v: number): Promise<RegisterSet> => {
    const start = nowUs();
    const r = await readRegisters(v);
    samples.push({ start, end: nowUs(), rip: r.get('rip')! });
    return r;
  };
  const interrupt = target.interrupt.bind(target);
  target.interrupt = async () => { await interrupt(); tPaused = nowUs(); };
  const resume = target.resume.bind(target);
  target.resume = async (o) => {
    if (o.step === undefined && o.only === undefined) { samples = []; tResume = nowUs(); x.lastStop = undefined; }
    return resume(o);
  };

  const rc = new RunControl(target, new PatchTable(target), strategyByName(strategy), x86Stepper);
  const windows: number[] = [];
  const looks: number[] = [];
  const delays: number[] = [];
  try {
    rc.addSite(bpLine, 'bp:1');
    for (let i = 0; i < hits; i++) {
      const stop = await rc.continueAll(0);
      if (stop.kind !== 'site' || stop.address !== bpLine) throw new Error(`unexpected stop ${JSON.stringify(stop, (_, v) => typeof v === 'bigint' ? v.toString(16) : v)}`);
      let window: number;
      let look: number;
      const s = x.lastStop;
      if (s && (strategy === 'trap' || s.event === 0x100)) {
        // the shim's waiter saw it: from its last look that saw the domain running (or the resume) to the detecting look's end
        byShim++;
        window = Number(s.tDetectUs) - (s.tRunningUs ? Number(s.tRunningUs) : tResume);
        look = Number(s.lookUs);
      } else {
        const hit = samples.findIndex((q) => q.rip === bpLine);
        const miss = samples.slice(0, hit).reverse().find((q) => q.rip !== bpLine);
        if (hit < 0) continue;
        window = tPaused - (miss ? miss.start : tResume);
        look = samples[hit]!.end - samples[hit]!.start;
      }
      windows.push(window);
      looks.push(look);
      delays.push(Math.max(0, window - look));
    }
    rc.removeSite(bpLine, 'bp:1');

    // idle: a site that is never reached, guest running freely
    rc.addSite(idleSite, 'bp:2');
    const polls0 = x.stats.polls;
    const d0 = dom0CpuNs();
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    const pending = rc.continueAll(0);
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const c = process.cpuUsage(c0);
    const wall = Date.now() - t0;
    const dom0 = Number(dom0CpuNs() - d0) / 1e6 / wall * 100;
    await rc.interrupt();
    await pending;
    const idle = {
      seconds: wall / 1000,
      cpuPercent: (c.user + c.system) / 1000 / wall * 100,
      dom0PercentDuring: dom0,
      dom0PercentBaseline: dom0Baseline,
      polls: `${x.stats.polls - polls0} looks by the shim${strategy === 'spin' ? `, ${samples.length} rip samples by core` : ''}`,
    };
    return {
      strategy, hits: windows.length, detectedByShim: byShim,
      windowUs: { p50: quantile(windows, 0.5), p95: quantile(windows, 0.95), max: Math.max(...windows) },
      lookUs: { p50: quantile(looks, 0.5) },
      pollDelayUs: { p50: quantile(delays, 0.5), p95: quantile(delays, 0.95) },
      idle,
    };
  } finally {
    await rc.removeAll().catch(() => []);
    await target.detach({});
  }
}

const which = arg('strategy', 'both');
const strategies = which === 'both' ? (['trap', 'spin'] as const) : [which as 'trap' | 'spin'];
const results: Result[] = [];
for (const s of strategies) {
  try {
    results.push(await run(s));
  } catch (e) {
    console.log(`${s}: ${(e as Error).message}`);
  }
}
console.log('strategy  hits(shim)  window p50/p95/max ms   look p50 ms  poll delay p50/p95 ms   idle: duster CPU %  dom0 % (baseline)');
for (const r of results) {
  console.log(`${r.strategy.padEnd(9)} ${`${r.hits}(${r.detectedByShim})`.padEnd(11)} ${`${ms(r.windowUs.p50)} / ${ms(r.windowUs.p95)} / ${ms(r.windowUs.max)}`.padEnd(23)} ${ms(r.lookUs.p50).padEnd(12)} ${`${ms(r.pollDelayUs.p50)} / ${ms(r.pollDelayUs.p95)}`.padEnd(23)} ${r.idle.cpuPercent.toFixed(1).padEnd(19)} ${r.idle.dom0PercentDuring.toFixed(1)} (${r.idle.dom0PercentBaseline.toFixed(1)})  [${r.idle.polls}]`);
}
console.log(JSON.stringify({ bench: 'xen-latency', results }));
