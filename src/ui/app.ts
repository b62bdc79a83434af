// runTui: the full-screen debugger. Wires Session events -> model -> views, keys -> controller -> commands; resolves on quit.
import type { Interpreter } from '../commands/interpreter.js';
import { configPath, loadConfig, type Config } from './config.js';
import { PaneLayout } from './pane-layout.js';
import { withUiCommands } from './ui-commands.js';
import { MouseInput } from './mouse.js';
import { x86_64 } from '../arch/arch.js';
import type { Session } from '../core/session.js';
import type { Program } from '../symbols/program.js';
import { SessionAdapter, type ValueSource } from './session-adapter.js';
import { evalValues } from './values.js';
import { expressionMembers } from '../commands/completion.js';
import { History, historyPath, type CompletionSources } from './command-line.js';
import { Controller } from './controller.js';
import { Keymap } from './keymap.js';
import { UiModel } from './model.js';
import type { DisasmLine, Disassembler } from './disasm-model.js';
import type { CommandContext } from '../commands/context.js';
import type { MemorySource } from '../commands/examine.js';
import { disassembleWithSource } from '../commands/disassemble-source.js';
import { LIVE_INTERVAL_MS } from './live-panes.js';
import type { ProgramPort, SessionPort } from './ports.js';
import { ProgramAdapter } from './program-adapter.js';
import { TuiScreen } from './screen.js';
import { loadHighlighter } from './highlight.js';
import { loadTheme } from './theme.js';
import { View } from './view.js';

export interface TuiOptions {
  /** The core Session (wrapped in a SessionAdapter) or anything implementing SessionPort. */
  session: Session | SessionPort;
  /** Provides locals/arguments and watch expressions when the Session itself does not. */
  values?: ValueSource;
  interpreter: Pick<Interpreter, 'execute' | 'ctx' | 'table'>;
  /** Theme name or path (--theme); overrides the config file's. */
  theme?: string;
  config?: Config;
  /** Optional panes shown at start besides the config file's (the Output pane when duster-tui runs the program itself). */
  showPanes?: Config['panes']['show'];
  /** duster-tui started the program: quitting kills it rather than detaching. */
  quitKills?: boolean;
  /** Lines for the command log at start (what the front end wants the user to know). */
  notes?: string[];
  /** Warnings from loading the config, shown in the command log. */
  configWarnings?: string[];
  /** Shown in the status line: "gdbserver 127.0.0.1:2345", "Xen domain 23". */
  target?: string;
  /** The program model; defaults to the interpreter's. */
  program?: Program;
  /** Terminal streams (default: process.stdin/stdout) and environment (TERM, NO_COLOR, XDG_*). */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  /** Aborted when the terminal is gone: the UI stops at once, without one more write to it. */
  hangup?: AbortSignal;
  /** Called after every frame is flushed (benchmarks, tests). */
  onFrame?: () => void;
}

/** Instructions, and with `withSource` the source lines `disassemble /s` prints between them (its code, not a copy). */
function disassembler(program: Program | undefined, ctx: Pick<CommandContext, 'session' | 'sources'>): Disassembler {
  const symbolize = (a: bigint): string | undefined => program?.symbols.describe(a).replace(/^<|>$/g, '') || undefined;
  return async (bytes, addr, withSource) => {
    const insns = await x86_64.disassemble(bytes, addr, { count: 2000 });
    const rows = new Map(insns.map((i) => [i.address, { address: i.address, text: x86_64.formatInstruction(i, symbolize) }]));
    const s = ctx.session;
    if (!withSource || !s || !ctx.sources) return [...rows.values()];
    const src: MemorySource = { programAt: (a) => s.programAt(a), readMemory: (a, n) => s.readMemory(a, n) };
    // Each instruction is a marker line in /s's output; everything else is a source or file line.
    const text = await disassembleWithSource(insns, 's', src, ctx.sources, (i) => `\0${i.address.toString(16)}`, async () => []);
    const out: DisasmLine[] = [];
    let pending: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('\0')) {
        const row = rows.get(BigInt(`0x${line.slice(1)}`))!;
        out.push(...pending.map((t) => ({ address: row.address, text: t.replace(/\t/, '  '), source: true })), row);
        pending = [];
      } else if (line) pending.push(line); // the blank lines between groups are left out: rows are precious
    }
    return out;
  };
}

/** Wraps a core Session; values come from `values`, else the Session's own variables(), else eval's value trees. */
function adapt(s: Session, values: ValueSource | undefined): SessionPort {
  const own = typeof (s as Session & { variables?: unknown }).variables === 'function';
  return new SessionAdapter(s, values ?? (own ? undefined : evalValues(s)));
}

/** The first line of the log, from the key table (rebinding a key changes it). */
export function welcome(target: string, keymap: Keymap): string {
  const parts: string[] = [];
  for (const [action, what] of [['continue', 'continue'], ['toggle-breakpoint', 'breakpoint'], ['next', 'next'], ['step', 'step'], ['zoom', 'zoom'], ['help', 'help'], ['quit', 'quit']] as const) {
    const k = keymap.hint(action, 'global', 'pane');
    if (k) parts.push(`${k} ${what}`);
  }
  return `duster-tui: ${target}. ${parts.join(', ')}.`;
}

/** Runs the full-screen UI until the user quits (after detaching) or types `quit`. */
export function runTui(opts: TuiOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const session: SessionPort = 'breakpointList' in opts.session ? adapt(opts.session, opts.values) : opts.session;
  const sources = (opts.interpreter.ctx as { sources?: { locate(path: string): string | undefined } }).sources;
  const loaded = opts.config ? { config: opts.config, warnings: opts.configWarnings ?? [] } : loadConfig(env);
  const config = loaded.config;
  const targetLabel = opts.target ?? ('breakpointList' in opts.session ? opts.session.targetDescription : 'target');
  const program = opts.program ?? (opts.interpreter.ctx.program as Program | undefined);
  const port: ProgramPort | undefined = program ? new ProgramAdapter(program) : undefined;
  const screen = new TuiScreen({ input: opts.input, output: opts.output, env });
  const { theme, warnings: themeWarnings } = loadTheme(opts.theme ?? config.theme, screen.colors, env);
  const keymap = new Keymap(config.keys);
  const history = new History(historyPath(env));

  let scheduled = false;
  let view: View | undefined;
  const renderNow = (): void => {
    scheduled = false;
    // While the model gathers a stop, paints wait for it (at most STOP_PAINT_MS): one paint per stop.
    if (!view || done || model.deferPaint()) return;
    view.render();
    opts.onFrame?.();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(renderNow);
  };

  const model: UiModel = new UiModel(session, port, schedule, disassembler(program, opts.interpreter.ctx));
  if (sources) model.sources.locate = (p) => sources.locate(p);
  model.shown = [...new Set([...config.panes.show, ...(opts.showPanes ?? [])])];
  model.quitKillsProgram = !!opts.quitKills;
  const panes = new PaneLayout(config.panes, model, 'path' in loaded ? loaded.path : configPath(env), (w) => model.addLog(w, 'err'), opts.showPanes);
  const completion: CompletionSources = {
    commands: withUiCommands(opts.interpreter.table),
    symbols: () => port?.symbolNames() ?? [],
    files: () => port?.sourceFiles().map((f) => f.name) ?? [],
    lines: (file) => port?.linesWithCode(file) ?? [],
    members: (e) => expressionMembers(opts.interpreter.ctx, e),
  };

  let done = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const ctl = new Controller(model, keymap, opts.interpreter, history, completion, {
    render: schedule,
    redraw: () => screen.redraw(),
    layoutChanged: () => view?.relayout(),
    bodyHeight: (p) => view?.bodyHeight(p) ?? 0,
    bodyWidth: (p) => view?.layout.panes[p]?.width ?? 0,
    size: () => ({ cols: screen.cols, rows: screen.rows }),
    rowCount: (p) => view?.rowCount(p) ?? 0,
    quit: (detach) => void quit(detach),
  }, panes);
  // The remembered layout may hide the source pane: start on the first pane shown.
  if (!panes.isVisible(ctl.focus)) ctl.focus = ctl.focusOrder()[0] ?? 'command';
  view = new View(screen, model, ctl, theme, config, targetLabel);

  // Command output goes to the log while the UI runs; so does anything printed with console.*.
  const ctx = opts.interpreter.ctx;
  const savedOut = ctx.out;
  const ctxQuit = ctx as { requestQuit?: () => void };
  const savedQuit = ctxQuit.requestQuit;
  ctxQuit.requestQuit = () => void quit(false);
  ctx.out = { print: (t) => model.addLog(t, 'out'), error: (t) => model.addLog(t, 'err') };
  const savedConsole = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const toLog = (kind: 'out' | 'err') => (...args: unknown[]): void => model.addLog(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : String(a))).join(' '), kind);
  console.log = toLog('out');
  console.info = toLog('out');
  console.warn = toLog('err');
  console.error = toLog('err');

  const unsubscribe = session.on((e) => model.onEvent(e));
  // While the target runs, the Xen pane, the vCPU rows and the guest console are read on a timer: hypercalls and a
  // file, never the target lock, so a running command is not disturbed and the guest is never stopped for them.
  const liveTimer = session.xen ? setInterval(() => {
    if (model.state === 'running' && model.live.tick(model.shown)) schedule();
  }, LIVE_INTERVAL_MS) : undefined;
  liveTimer?.unref();
  screen.onKey((key, ch) => {
    if (!done) ctl.handleKey(key, ch);
  });
  if (config.mouse) new MouseInput(ctl, () => view!.layout).attach(screen);
  screen.onResize(() => {
    view?.relayout();
    renderNow();
  });

  for (const w of [...screen.warnings, ...themeWarnings, ...keymap.warnings, ...loaded.warnings]) model.addLog(w, 'err');
  model.addLog(welcome(targetLabel, keymap), 'info');
  for (const n of opts.notes ?? []) model.addLog(n, 'info');
  const tEnter = performance.now();
  model.syncState();
  renderNow();
  if (env.DUSTER_UI_TIMING) {
    const tPaint = performance.now();
    void model.lock.run(async () => undefined).then(() => model.addLog(`ui timing (ms since process start): runTui ${tEnter.toFixed(0)}, first paint ${tPaint.toFixed(0)}, data ${performance.now().toFixed(0)}`, 'info'));
  }
  void loadHighlighter().then(schedule, () => undefined);

  /** Leaves the UI; the caller (cli) then detaches from the target, restoring every patched byte. */
  async function quit(_confirmed: boolean): Promise<void> {
    if (done) return;
    model.addLog(model.quitKillsProgram ? 'Killing the program...' : 'Detaching...', 'info');
    renderNow();
    leave(() => screen.destroy());
  }

  /** Stops rendering and reading keys, gives console and command output back, resolves runTui. */
  function leave(closeScreen: () => void): void {
    if (done) return;
    done = true;
    unsubscribe();
    if (liveTimer) clearInterval(liveTimer);
    ctx.out = savedOut;
    ctxQuit.requestQuit = savedQuit;
    Object.assign(console, savedConsole);
    closeScreen();
    finish();
  }

  const onHangup = (): void => leave(() => screen.abandon());
  if (opts.hangup?.aborted) onHangup();
  else opts.hangup?.addEventListener('abort', onHangup, { once: true });

  return finished;
}
