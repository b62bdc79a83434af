// Fuzz driver (`npm run fuzz -- [options]`): ≥ 100,000 mutated ELF/DWARF files through the static queries and the
// frame/value code, in parallel child processes; records crashes (JS errors reaching the user), hangs and peak RSS.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { badUnit } from './bad-unit.js';
import { buildCorpus, type CorpusEntry } from './corpus.js';
import { loadFixture, runOne, sourceFiles, type CaseReport } from './worker.js';

const USAGE = `Usage: npm run fuzz -- [--cases N] [--seed S] [--workers W] [--timeout MS] [--out FILE] [--only INDEX]
  --cases N     mutated files to run (default 100000)
  --seed S      mutation seed (default 1); case I of seed S is always the same file and commands
  --workers W   child processes (default: the CPU count)
  --timeout MS  wall time after which a case is a hang and its worker is killed (default 2000)
  --chunk N     cases handed to a worker at a time (default 200)
  --out FILE    results JSON (default /tmp/duster-fuzz-SEED.json)
  --only INDEX  run one case in this process and print what it did (reproduces a recorded failure)
  --bad-unit N  instead: N two-unit files with one bad byte in the second unit's DIEs; count who still answers
                \`info line main\` (main is in the first unit): duster-tui against gdb`;

interface Opts { cases: number; seed: number; workers: number; timeout: number; chunk: number; out: string; only?: number; badUnit?: number }

function parse(argv: string[]): Opts {
  const o: Opts = { cases: 100_000, seed: 1, workers: cpus().length, timeout: 2000, chunk: 200, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n)) throw new Error(`${a} expects a number`);
      return n;
    };
    switch (a) {
      case '--cases': o.cases = v(); break;
      case '--seed': o.seed = v(); break;
      case '--workers': o.workers = Math.max(1, v()); break;
      case '--timeout': o.timeout = v(); break;
      case '--chunk': o.chunk = Math.max(1, v()); break;
      case '--only': o.only = v(); break;
      case '--bad-unit': o.badUnit = v(); break;
      case '--out': o.out = argv[++i] ?? ''; break;
      case '-h': case '--help': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  o.out ||= `/tmp/duster-fuzz-${o.seed}.json`;
  return o;
}

interface Recorded {
  index: number;
  fixture: string;
  strategy: string;
  section?: string;
  offset?: number;
  what: string;
  command: string;
  message: string;
  frames: string[];
}

interface Kind { key: string; count: number; first: Recorded; indices: number[] }

/** Dedupe key: the message with numbers and quoted names blurred, plus the top stack frame. */
function kindKey(message: string, frames: string[]): string {
  const msg = message.replace(/0x[0-9a-f]+/gi, 'N').replace(/\d+/g, 'N').replace(/"[^"]*"|'[^']*'/g, 'S');
  // Deep recursion has any of the recursing functions on top: one kind per file for those.
  const top = /Maximum call stack/.test(message) ? (/(src\/\S+?\.[jt]s)/.exec(frames[0] ?? '')?.[1] ?? '') : (frames[0] ?? '').replace(/:\d+:\d+/, '');
  return `${msg} @ ${top}`;
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function reproduce(o: Opts, corpus: CorpusEntry[]): Promise<void> {
  const fixtures = await Promise.all(corpus.map(loadFixture));
  process.env.DUSTER_DEBUG = '1';
  const rep = await runOne(fixtures, sourceFiles(), o.seed, o.only!);
  process.stdout.write(`${JSON.stringify(rep, null, 2)}\n`);
}

/** One case in a fresh worker process: its CPU time, or how it failed to answer within 30 s. */
function recheck(o: Opts, corpus: CorpusEntry[], index: number): Promise<string> {
  return new Promise((resolveRecheck) => {
    const t0 = Date.now();
    const child = fork(fileURLToPath(new URL('./worker.js', import.meta.url)), [], {
      env: { ...process.env, DUSTER_FUZZ_WORKER: '1' }, execArgv: ['--max-old-space-size=1024', '--enable-source-maps'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-400)));
    let started = 0;
    let hwm = 0;
    const poll = setInterval(() => (hwm = Math.max(hwm, vmHwmKb(child.pid!))), 100);
    const finish = (text: string): void => {
      clearInterval(poll);
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolveRecheck(`${text}; peak RSS ${(hwm / 1024).toFixed(0)} MB`);
    };
    const timer = setTimeout(() => finish(`alone: no answer within 30 s (${((Date.now() - (started || t0)) / 1000).toFixed(1)} s in the case)`), 30_000);
    child.on('message', (m: { type: string; report?: CaseReport }) => {
      if (m.type === 'ready') child.send({ type: 'run', from: index, to: index + 1 });
      else if (m.type === 'start') started = Date.now();
      else if (m.type === 'done') finish(`alone: answered, ${m.report!.cpuMs.toFixed(0)} ms CPU, ${Date.now() - started} ms wall${m.report!.failure ? `, ${m.report!.failure.message}` : ''}`);
    });
    child.on('exit', (code, signal) => finish(`alone: worker died (code ${code}, signal ${signal}) ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
    child.send({ type: 'init', corpus, seed: o.seed });
  });
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const log = (m: string): void => void process.stderr.write(`fuzz: ${m}\n`);
  if (o.badUnit !== undefined) {
    const r = badUnit(o.badUnit, o.seed, log);
    writeFileSync(o.out.replace(/\.json$/, '-bad-unit.json'), JSON.stringify(r, null, 2));
    return;
  }
  const corpus = buildCorpus(log);
  if (o.only !== undefined) return reproduce(o, corpus);

  const started = Date.now();
  const crashes = new Map<string, Kind>();
  const hangs: (Recorded & { ms: number })[] = [];
  const workerDeaths: Recorded[] = [];
  let done = 0;
  let slowestCpu = { ms: 0, index: -1 };
  let peakHwmKb = 0;
  let peakRssReported = 0;
  let restarts = 0;
  const pending: { from: number; to: number }[] = [];
  for (let i = 0; i < o.cases; i += o.chunk) pending.push({ from: i, to: Math.min(o.cases, i + o.chunk) });
  const record = (r: Recorded): void => {
    const key = kindKey(r.message, r.frames);
    const k = crashes.get(key);
    if (k) {
      k.count++;
      if (k.indices.length < 20) k.indices.push(r.index);
    } else crashes.set(key, { key, count: 1, first: r, indices: [r.index] });
  };
  const recordOf = (rep: CaseReport): Recorded => ({
    index: rep.index, fixture: rep.fixture, strategy: rep.mutation.strategy, section: rep.mutation.section, offset: rep.mutation.offset, what: rep.mutation.what,
    command: rep.failure?.command ?? '', message: rep.failure ? `${rep.failure.kind === 'output' ? `[printed on ${rep.failure.name}] ` : `${rep.failure.name}: `}${rep.failure.message}` : '', frames: rep.failure?.frames ?? [],
  });

  let lastLog = Date.now();
  const progress = (): void => {
    if (Date.now() - lastLog < 15_000) return;
    lastLog = Date.now();
    const s = (Date.now() - started) / 1000;
    log(`${done}/${o.cases} cases, ${s.toFixed(0)} s, ${(done / s).toFixed(0)}/s, crash kinds ${crashes.size} (${[...crashes.values()].reduce((n, k) => n + k.count, 0)} cases), hangs ${hangs.length}, peak RSS ${(peakHwmKb / 1024).toFixed(0)} MB`);
  };

  await new Promise<void>((resolveAll) => {
    let live = 0;
    const spawn = (): void => {
      if (!pending.length) {
        if (live === 0) resolveAll();
        return;
      }
      live++;
      const child: ChildProcess = fork(fileURLToPath(new URL('./worker.js', import.meta.url)), [], {
        env: { ...process.env, DUSTER_FUZZ_WORKER: '1' }, execArgv: ['--max-old-space-size=1024', '--enable-source-maps'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
      let job: { from: number; to: number } | undefined;
      let current: { index: number; at: number; c?: Omit<CaseReport, 'cpuMs' | 'failure'> } | undefined;
      let gone = false;
      const next = (): void => {
        job = pending.shift();
        if (!job) {
          gone = true;
          clearInterval(watch);
          child.kill('SIGKILL');
          live--;
          spawn();
          return;
        }
        child.send({ type: 'run', ...job });
      };
      /** The worker is replaced: the rest of its chunk goes back on the queue. */
      const replace = (why: string): void => {
        if (gone) return;
        gone = true;
        clearInterval(watch);
        peakHwmKb = Math.max(peakHwmKb, vmHwmKb(child.pid!));
        child.kill('SIGKILL');
        if (job && current) {
          if (current.index + 1 < job.to) pending.unshift({ from: current.index + 1, to: job.to });
          done++;
        } else if (job) pending.unshift(job);
        restarts++;
        live--;
        void why;
        spawn();
      };
      const watch = setInterval(() => {
        peakHwmKb = Math.max(peakHwmKb, vmHwmKb(child.pid!));
        if (current && Date.now() - current.at > o.timeout) {
          const c = current.c;
          hangs.push({ index: current.index, fixture: c?.fixture ?? '', strategy: c?.mutation.strategy ?? '', section: c?.mutation.section, offset: c?.mutation.offset, what: c?.mutation.what ?? '',
            command: '', message: `no answer within ${o.timeout} ms (worker VmHWM ${(vmHwmKb(child.pid!) / 1024).toFixed(0)} MB)`, frames: [], ms: Date.now() - current.at });
          replace('hang');
        }
      }, 100);
      child.on('message', (m: { type: string; index?: number; report?: CaseReport; rss?: number; case?: Omit<CaseReport, 'cpuMs' | 'failure'> }) => {
        if (m.type === 'ready') next();
        else if (m.type === 'start') current = { index: m.index!, at: Date.now(), c: m.case };
        else if (m.type === 'done') {
          const rep = m.report!;
          current = undefined;
          done++;
          peakRssReported = Math.max(peakRssReported, m.rss ?? 0);
          if (rep.cpuMs > slowestCpu.ms) slowestCpu = { ms: rep.cpuMs, index: rep.index };
          if (rep.failure) record(recordOf(rep));
          progress();
        } else if (m.type === 'idle') next();
      });
      child.on('exit', (code, signal) => {
        if (gone) return;
        const idx = current?.index ?? job?.from ?? -1;
        const c = current?.c;
        const r: Recorded = { index: idx, fixture: c?.fixture ?? '', strategy: c?.mutation.strategy ?? '', section: c?.mutation.section, offset: c?.mutation.offset, what: c?.mutation.what ?? '', command: '', message: `worker died (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`, frames: [] };
        workerDeaths.push(r);
        record(r);
        replace('exit');
      });
      child.send({ type: 'init', corpus, seed: o.seed });
    };
    for (let w = 0; w < o.workers; w++) spawn();
  });
  const seconds = (Date.now() - started) / 1000;

  // A hang is re-run alone in a fresh worker (1 GB heap, 30 s): a loaded machine must not invent hangs, and a runaway
  // case must not take the driver down with it.
  for (const h of hangs) Object.assign(h, { rerun: await recheck(o, corpus, h.index) });

  const kinds = [...crashes.values()].sort((a, b) => b.count - a.count);
  const result = {
    date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, memGB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version },
    options: o, corpus: corpus.map((c) => ({ name: c.name, stops: c.snapshots.length })), seconds: +seconds.toFixed(1), cases: done, workerRestarts: restarts,
    crashCases: kinds.reduce((n, k) => n + k.count, 0), crashKinds: kinds.length, hangs, workerDeaths: workerDeaths.length,
    peakRssMB: { vmHwmPerWorker: +(peakHwmKb / 1024).toFixed(1), reportedRss: +(peakRssReported / 2 ** 20).toFixed(1) }, slowestCaseCpu: slowestCpu,
    kinds,
  };
  writeFileSync(o.out, JSON.stringify(result, null, 2));
  log(`done: ${done} cases in ${seconds.toFixed(0)} s; ${result.crashCases} crashing cases in ${kinds.length} kinds; ${hangs.length} hangs; peak RSS ${result.peakRssMB.vmHwmPerWorker} MB per worker; results in ${o.out}`);
  for (const k of kinds) log(`  ${k.count} x ${k.key}\n      e.g. case ${k.first.index} (${k.first.fixture}, ${k.first.what}) '${k.first.command}': ${k.first.message}\n      ${k.first.frames.slice(0, 3).join('\n      ')}`);
  for (const h of hangs) log(`  hang: case ${h.index} ${JSON.stringify(h)}`);
}

if (!process.env.DUSTER_FUZZ_WORKER) {
  main().catch((e) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  });
}
