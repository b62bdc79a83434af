// Turns keys into actions: commands of the command language for anything that changes the target, UI state for the rest.
import { QuitRequest } from '../commands/interpreter.js';
import type { OptionalPane } from './config.js';
import { complete, History, LineEditor, type CompletionSources } from './command-line.js';
import type { ActionId, Keymap, KeyContext } from './keymap.js';
import type { UiModel } from './model.js';
import type { CommandRunner } from './ports.js';
import { clamp, follow } from './lists.js';
import { scrollTo } from './source-view.js';
import { moveInOverlay, type Overlay } from './overlays.js';

export type FocusPane = 'source' | 'variables' | 'registers' | 'stack' | 'breakpoints' | OptionalPane | 'command';
type ListPane = Exclude<FocusPane, 'source' | 'command'>;

export interface Prompt {
  label: string;
  submit(text: string): void;
}

export interface ControllerHooks {
  render(): void;
  redraw(): void;
  layoutChanged(): void;
  /** Rows of a pane's body (without title). */
  bodyHeight(pane: FocusPane): number;
  /** Rows a scrolling pane has in all (registers, memory, output depend on the width). */
  rowCount(pane: ListPane): number;
  quit(detach: boolean): void;
}

const EXEC: Partial<Record<ActionId, string>> = { continue: 'continue', next: 'next', step: 'step', finish: 'finish', until: 'until' };
const CURSOR_PANES: ListPane[] = ['variables', 'stack', 'breakpoints'];

export class Controller {
  focus: FocusPane = 'source';
  private returnFocus: FocusPane = 'source';
  overlay: Overlay | undefined;
  prompt: Prompt | undefined;
  readonly editor = new LineEditor();
  busy: string | undefined;

  constructor(
    readonly model: UiModel,
    readonly keymap: Keymap,
    private readonly runner: CommandRunner,
    readonly history: History,
    private readonly completion: CompletionSources,
    private readonly hooks: ControllerHooks,
  ) {}

  /** Panes Tab cycles through, in screen order. */
  focusOrder(): FocusPane[] {
    return ['source', 'variables', 'registers', 'stack', 'breakpoints', ...this.model.shown, 'command'];
  }

  private context(): Exclude<KeyContext, 'global'> {
    const f = this.focus;
    return f === 'disassembly' || f === 'output' ? 'pane' : f;
  }

  handleKey(key: string, ch: string | undefined): void {
    if (this.overlay) {
      const r = moveInOverlay(this.overlay, key, ch, this.model.sourceFiles(), this.hooks.bodyHeight('source'));
      if (r === 'close') this.overlay = undefined;
      else if (r === 'quit') this.hooks.quit(true);
      else if (r && typeof r === 'object') {
        this.overlay = undefined;
        this.model.showLocation(r.fullPath, r.name, 1, this.hooks.bodyHeight('source'));
        this.model.cursor = 1;
        this.model.top = 1;
        this.focus = 'source';
      }
      this.hooks.render();
      return;
    }
    const action = this.keymap.lookup(key, this.context());
    if (this.focus === 'command') {
      if (action) this.act(action);
      else if (this.editor.edit(key)) this.hooks.render();
      else if (ch && ch.length === 1 && ch >= ' ' && ch !== '\x7f') {
        this.editor.insert(ch);
        this.hooks.render();
      }
      return;
    }
    // A count before a motion in the source pane, as in vi: 73G goes to line 73, 5j moves 5 down.
    if (this.focus === 'source' && ch && /^[0-9]$/.test(ch) && (this.count || ch !== '0') && !action) {
      this.count = this.count * 10 + Number(ch);
      return;
    }
    if (action) this.act(action);
    this.count = 0;
  }

  /** Pending vi-style count (source pane). */
  private count = 0;

  act(action: ActionId): void {
    const m = this.model;
    const exec = EXEC[action];
    if (exec) {
      void this.run(exec);
      return;
    }
    switch (action) {
      case 'interrupt':
        if (m.state === 'running' || this.busy) {
          m.addLog('Interrupting...', 'info');
          m.session.interrupt().catch((e: unknown) => m.addLog(`interrupt: ${e instanceof Error ? e.message : String(e)}`, 'err'));
        } else if (this.focus === 'command' && this.editor.text) this.editor.set('');
        else m.addLog('The program is not running (q quits).', 'info');
        break;
      case 'toggle-breakpoint': this.toggleBreakpoint(); break;
      case 'next-pane': case 'prev-pane': {
        const order = this.focusOrder();
        const i = order.indexOf(this.focus);
        this.setFocus(order[(i + (action === 'next-pane' ? 1 : order.length - 1)) % order.length]!);
        break;
      }
      case 'redraw': this.hooks.redraw(); return;
      case 'command-line': this.setFocus('command'); break;
      case 'help': this.overlay = { kind: 'help', top: 0 }; break;
      case 'quit': this.overlay = { kind: 'confirm-quit', kills: this.model.quitKillsProgram }; break;
      case 'toggle-disassembly': this.togglePane('disassembly'); break;
      case 'toggle-memory':
        this.togglePane('memory');
        if (m.shown.includes('memory') && !m.memoryExpr) this.ask('memory at (expression): ', (e) => this.followMemory(e));
        break;
      case 'toggle-output': this.togglePane('output'); break;
      case 'down': case 'up': case 'top': case 'bottom': case 'half-page-down': case 'half-page-up': case 'page-down': case 'page-up':
        this.navigate(action);
        break;
      case 'search': this.ask('/', (text) => this.searchFor(text || m.search || '', 1)); break;
      case 'search-next': this.searchFor(m.search ?? '', 1); break;
      case 'search-prev': this.searchFor(m.search ?? '', -1); break;
      case 'open-file': this.overlay = { kind: 'files', filter: '', selected: 0, top: 0 }; break;
      case 'show-pc': {
        const l = m.frameLocation;
        if (l) m.showLocation(l.path, l.name, l.line, this.hooks.bodyHeight('source'));
        break;
      }
      case 'toggle-expand': case 'expand': case 'collapse': void this.expand(action); break;
      case 'add-watch': this.ask('watch expression: ', (e) => void this.addWatch(e)); break;
      case 'delete-watch': {
        const row = m.vars.rows()[m.lists.variables.cursor];
        if (row?.watch !== undefined && row.depth === 0) m.vars.removeWatch(row.watch);
        break;
      }
      case 'toggle-radix': m.radix = m.radix === 'hex' ? 'dec' : 'hex'; break;
      case 'select-frame': void this.run(`frame ${m.lists.stack.cursor}`); break;
      case 'toggle-enabled': {
        const bp = m.breakpoints[m.lists.breakpoints.cursor];
        if (bp) void this.run(`${bp.enabled ? 'disable' : 'enable'} ${bp.id}`);
        break;
      }
      case 'delete-breakpoint': {
        const bp = m.breakpoints[m.lists.breakpoints.cursor];
        if (bp) void this.run(`delete ${bp.id}`);
        break;
      }
      case 'edit-condition': {
        const bp = m.breakpoints[m.lists.breakpoints.cursor];
        if (bp) {
          this.setFocus('command');
          this.editor.set(`condition ${bp.id} ${bp.condition ?? ''}`);
        }
        break;
      }
      case 'show-breakpoint': {
        const loc = m.breakpoints[m.lists.breakpoints.cursor]?.locations[0];
        if (loc) {
          m.showLocation(loc.fullPath ?? loc.file, loc.file, loc.line, this.hooks.bodyHeight('source'));
          this.setFocus('source');
        }
        break;
      }
      case 'memory-expression': this.ask('memory at (expression): ', (e) => this.followMemory(e)); break;
      case 'execute': this.submit(); break;
      case 'leave':
        this.prompt = undefined;
        this.editor.set('');
        this.history.reset();
        this.setFocus(this.returnFocus === 'command' ? 'source' : this.returnFocus);
        break;
      case 'complete':
        // Tab completes what is typed; on an empty line it moves on like in any other pane.
        if (!this.editor.text.trim() && !this.prompt) {
          this.act('next-pane');
          return;
        }
        this.complete();
        break;
      case 'history-prev': case 'history-next': {
        if (this.prompt) break;
        const h = action === 'history-prev' ? this.history.prev(this.editor.text) : this.history.next();
        if (h !== undefined) this.editor.set(h);
        break;
      }
      default: {
        const never: 'continue' | 'next' | 'step' | 'finish' | 'until' = action;
        void never;
      }
    }
    this.hooks.render();
  }

  setFocus(p: FocusPane): void {
    if (p === 'command' && this.focus !== 'command') this.returnFocus = this.focus;
    this.focus = p;
  }

  /** Focuses the command line with a one-off prompt (search, watch expression...). */
  ask(label: string, submit: (text: string) => void): void {
    this.prompt = { label, submit };
    this.editor.set('');
    this.setFocus('command');
  }

  private submit(): void {
    const text = this.editor.text;
    this.editor.set('');
    const p = this.prompt;
    if (p) {
      this.prompt = undefined;
      this.setFocus(this.returnFocus === 'command' ? 'source' : this.returnFocus);
      p.submit(text.trim());
      return;
    }
    this.history.add(text);
    if (this.history.error) {
      this.model.addLog(this.history.error, 'err');
      this.history.error = undefined;
    }
    void this.run(text);
  }

  /** Runs one command line through the interpreter; its output lands in the log. */
  async run(line: string): Promise<void> {
    const m = this.model;
    if (this.busy) {
      // The target already stopped and the previous command is only finishing its report: queue.
      if (m.session.state !== 'running' && this.queued === undefined) this.queued = line;
      else m.addLog(`"${this.busy}" is still running; F12 or Ctrl-C interrupts it.`, 'err');
      return;
    }
    m.addLog(`(duster) ${line}`, 'cmd');
    this.busy = line || '(repeat)';
    this.hooks.render();
    try {
      await m.lock.run(() => this.runner.execute(line, { fromTerminal: true }));
    } catch (e) {
      if (e instanceof QuitRequest) {
        this.busy = undefined;
        this.hooks.quit(false);
        return;
      }
      m.addLog(`internal error: ${e instanceof Error ? e.message : String(e)}`, 'err');
    } finally {
      this.busy = undefined;
    }
    if (m.session.state === 'detached') {
      this.hooks.quit(false);
      return;
    }
    m.afterCommand();
    this.hooks.render();
    const next = this.queued;
    this.queued = undefined;
    if (next !== undefined) await this.run(next);
  }

  /** One command typed while the previous one was finishing after the stop. */
  private queued: string | undefined;

  private togglePane(p: OptionalPane): void {
    const m = this.model;
    m.shown = m.shown.includes(p) ? m.shown.filter((x) => x !== p) : [...m.shown, p];
    if (!m.shown.includes(p) && this.focus === p) this.focus = 'source';
    this.hooks.layoutChanged();
    void m.refreshExtras();
  }

  private followMemory(expr: string): void {
    if (!expr) return;
    this.model.memoryExpr = expr;
    this.model.lists.memory.top = 0;
    void this.model.refreshMemory().then(() => this.hooks.render());
  }

  private async addWatch(expr: string): Promise<void> {
    if (!expr) return;
    this.model.vars.addWatch(expr);
    if (this.model.state === 'stopped') await this.model.refresh(false);
    this.hooks.render();
  }

  private async expand(action: 'toggle-expand' | 'expand' | 'collapse'): Promise<void> {
    const m = this.model;
    const rows = m.vars.rows();
    const st = m.lists.variables;
    const row = rows[st.cursor];
    if (!row || row.heading) return;
    if (action === 'collapse' && !row.expanded) {
      // Go to the parent row.
      for (let i = st.cursor - 1; i >= 0; i--) if (rows[i]!.depth < row.depth) { st.cursor = i; break; }
      st.top = follow(st.cursor, st.top, this.hooks.bodyHeight('variables'), rows.length);
      return;
    }
    const open = action === 'expand' ? true : action === 'collapse' ? false : !row.expanded;
    await m.lock.run(() => m.vars.setExpanded(row.key, open));
    this.hooks.render();
  }

  private toggleBreakpoint(): void {
    const m = this.model;
    if (!m.file || !m.fileName) {
      m.addLog('No source file shown: use "break" in the command line.', 'err');
      return;
    }
    const line = m.cursor;
    const here = m.breakpoints.filter((bp) => bp.locations.some((l) => l.line === line && m.isShownFile(l.file, l.fullPath)));
    void this.run(here.length ? `delete ${here.map((b) => b.id).join(' ')}` : `break ${m.fileName}:${line}`);
  }

  private searchFor(text: string, dir: 1 | -1): void {
    const m = this.model;
    if (!text || !m.file) return;
    m.search = text;
    const n = m.file.lineCount;
    for (let i = 1; i <= n; i++) {
      const line = ((m.cursor - 1 + dir * i + n * 2) % n) + 1;
      if (m.file.lines[line - 1]!.includes(text)) {
        m.cursor = line;
        m.top = scrollTo(line, m.top, this.hooks.bodyHeight('source'), n);
        return;
      }
    }
    m.addLog(`Pattern not found: ${text}`, 'err');
  }

  private navigate(action: 'down' | 'up' | 'top' | 'bottom' | 'half-page-down' | 'half-page-up' | 'page-down' | 'page-up'): void {
    const m = this.model;
    const h = Math.max(1, this.hooks.bodyHeight(this.focus));
    const step = { down: 1, up: -1, top: -Infinity, bottom: Infinity, 'half-page-down': Math.max(1, h >> 1), 'half-page-up': -Math.max(1, h >> 1), 'page-down': h, 'page-up': -h }[action];
    if (this.focus === 'source') {
      if (!m.file) return;
      const n = m.file.lineCount;
      const before = m.cursor;
      if (this.count && (action === 'bottom' || action === 'top')) {
        m.cursor = clamp(this.count, 1, n);
        m.top = scrollTo(m.cursor, m.top, h, n);
        return;
      }
      if (this.count && (action === 'down' || action === 'up')) {
        m.cursor = clamp(m.cursor + (action === 'down' ? this.count : -this.count), 1, n);
        m.top = scrollTo(m.cursor, m.top, h, n);
        return;
      }
      m.cursor = clamp(Number.isFinite(step) ? m.cursor + step : step > 0 ? n : 1, 1, n);
      if (Math.abs(step) > 1 && Number.isFinite(step)) m.top = clamp(m.top + (m.cursor - before), 1, Math.max(1, n - h + 1));
      m.top = scrollTo(m.cursor, m.top, h, n);
      return;
    }
    if (this.focus === 'command') {
      m.logScroll = clamp(m.logScroll + (action === 'page-up' ? h : -h), 0, Math.max(0, m.log.length - h));
      return;
    }
    const pane = this.focus;
    const st = m.lists[pane];
    const count = this.hooks.rowCount(pane);
    if (CURSOR_PANES.includes(pane)) {
      st.cursor = clamp(Number.isFinite(step) ? st.cursor + step : step > 0 ? count - 1 : 0, 0, Math.max(0, count - 1));
      st.top = follow(st.cursor, st.top, h, count);
    } else {
      st.top = clamp(Number.isFinite(step) ? st.top + step : step > 0 ? count - h : 0, 0, Math.max(0, count - h));
    }
  }

  private complete(): void {
    if (this.prompt) return;
    const r = complete(this.editor.text, this.editor.cursor, this.completion);
    this.editor.set(r.text, r.cursor);
    if (r.candidates.length) this.model.addLog(r.candidates.join('  '), 'info');
  }
}
