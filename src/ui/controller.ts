// Turns keys into actions: commands of the command language for anything that changes the target, UI state for the rest.
import { QuitRequest } from '../commands/interpreter.js';
import { candidateColumns, completeLine, History, HistorySearch, LineEditor, type CompletionSources } from './command-line.js';
import { displayKey, type ActionId, type Keymap, type KeyContext } from './keymap.js';
import type { UiModel } from './model.js';
import type { CommandRunner } from './ports.js';
import { follow } from './lists.js';
import { HSTEP, navigate, scrollSideways } from './navigation.js';
import { moveInOverlay, type Overlay } from './overlays.js';
import { isOptional, type PaneLayout } from './pane-layout.js';
import type { SearchMode } from './search.js';
import { SourceSearch } from './source-search.js';
import { layoutAction, runUiCommand } from './ui-commands.js';
import { breakpointToggle } from './breakpoint-keys.js';
import { keepDisasmCursor } from './disasm-model.js';

export type { FocusPane } from './layout.js';
import type { FocusPane } from './layout.js';
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
  /** Columns of a pane's body. */
  bodyWidth(pane: FocusPane): number;
  /** The terminal's size. */
  size(): { cols: number; rows: number };
  /** Rows a scrolling pane has in all (registers, memory, output depend on the width). */
  rowCount(pane: ListPane): number;
  quit(detach: boolean): void;
}

const EXEC: Partial<Record<ActionId, string>> = { continue: 'continue', next: 'next', step: 'step', finish: 'finish', until: 'until' };
const TOGGLES: Partial<Record<ActionId, Exclude<FocusPane, 'command'>>> = {
  'toggle-source': 'source', 'toggle-variables': 'variables', 'toggle-registers': 'registers', 'toggle-stack': 'stack', 'toggle-breakpoints': 'breakpoints',
  'toggle-disassembly': 'disassembly', 'toggle-output': 'output', 'toggle-threads': 'threads', 'toggle-xen': 'xen',
};

export class Controller {
  focus: FocusPane = 'source';
  private returnFocus: FocusPane = 'source';
  overlay: Overlay | undefined;
  prompt: Prompt | undefined;
  readonly editor = new LineEditor();
  busy: string | undefined;
  /** The search in the source pane: n/N/? move between matches until Esc. */
  private readonly finder: SourceSearch;

  constructor(
    readonly model: UiModel,
    readonly keymap: Keymap,
    private readonly runner: CommandRunner,
    readonly history: History,
    private readonly completion: CompletionSources,
    readonly hooks: ControllerHooks,
    readonly panes: PaneLayout,
  ) {
    this.finder = new SourceSearch(model, () => ({ height: hooks.bodyHeight('source'), width: hooks.bodyWidth('source') }));
  }

  /** Panes Tab cycles through, in screen order (hidden ones skipped). */
  focusOrder(): FocusPane[] {
    const all: FocusPane[] = ['source', 'variables', 'registers', 'stack', 'breakpoints', ...this.model.shown, 'command'];
    return all.filter((p) => this.panes.isVisible(p));
  }

  private context(): Exclude<KeyContext, 'global'> {
    const f = this.focus;
    if (f === 'source' && this.activeSearch()) return 'search';
    return f === 'output' || f === 'xen' ? 'pane' : f;
  }

  /** The search, while it still belongs to the file shown. */
  activeSearch(): SearchMode | undefined {
    return this.finder.active();
  }

  leaveSearch(): void {
    this.finder.leave();
  }

  /** The search (active or not: check activeSearch()). */
  get search(): SearchMode | undefined {
    return this.finder.mode;
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
    const found = this.keymap.find(key, this.context());
    const action = found?.action;
    if (action && this.focus === 'source' && this.search && EXEC[action]) {
      // Search mode: n is "next match"; a letter that runs the program never fires by surprise.
      if (found!.context !== 'global') {
        const k = this.keymap;
        this.model.addLog(`Search mode: ${k.hint('search-next', 'search')}/${k.hint('search-prev', 'search')} move between matches; ${k.hint('leave-search', 'search')} leaves search mode, then ${key} runs "${EXEC[action]}".`, 'info');
        this.hooks.render();
        return;
      }
      this.leaveSearch();
    }
    if (this.focus === 'command') {
      if (this.historySearch && this.searchHistoryKey(key, ch)) return;
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
      case 'toggle-disassembly': case 'toggle-output': case 'toggle-threads': case 'toggle-xen': case 'toggle-source': case 'toggle-variables': case 'toggle-registers': case 'toggle-stack': case 'toggle-breakpoints':
        this.togglePane(TOGGLES[action]!);
        break;
      case 'toggle-memory':
        this.togglePane('memory');
        if (m.shown.includes('memory') && !m.memoryExpr) this.ask('memory at (expression): ', (e) => this.followMemory(e));
        break;
      case 'zoom': case 'hide-pane': case 'reset-layout': case 'source-narrower': case 'source-wider': case 'command-taller': case 'command-shorter': case 'pane-taller': case 'pane-shorter':
        layoutAction(action, this);
        break;
      case 'scroll-left': case 'scroll-right': scrollSideways(this.focus, action === 'scroll-right' ? HSTEP : -HSTEP, this.model); break;
      case 'down': case 'up': case 'top': case 'bottom': case 'half-page-down': case 'half-page-up': case 'page-down': case 'page-up':
        navigate(action, this.focus, this.count, this.model, this.hooks);
        break;
      case 'search': case 'search-backward': {
        const back = action === 'search-backward';
        this.ask(back ? '?' : '/', (text) => this.finder.start(text, back));
        break;
      }
      case 'search-next': case 'search-prev':
        if (this.activeSearch()) this.finder.move(action === 'search-prev');
        else if (m.search) this.finder.start(m.search, action === 'search-prev');
        break;
      case 'leave-search': this.leaveSearch(); break;
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
      case 'toggle-interleave': void keepDisasmCursor(m, () => m.toggleInterleave()).then(() => this.hooks.render()); break;
      case 'select-frame': void this.run(`frame ${m.lists.stack.cursor}`); break;
      case 'select-thread': {
        const t = m.live.threads[m.lists.threads.cursor];
        // A second click while the first selection still runs would queue the same command.
        if (t && this.busy !== `thread ${t.number}` && this.queued !== `thread ${t.number}`) void this.run(`thread ${t.number}`);
        break;
      }
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
      case 'history-search':
        if (this.prompt) break;
        this.historySearch = new HistorySearch(this.history.entries, this.editor.text);
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
    const before = this.focus;
    this.focus = p;
    // A zoom follows the focus (Tab shows the next pane full screen); the command line opens under it.
    if (this.panes.zoom && p !== 'command') this.panes.zoom = p;
    if (this.panes.zoom && (p !== before)) this.hooks.layoutChanged();
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
      else m.addLog(`"${this.busy}" is still running; ${this.keymap.keysFor('interrupt').map(displayKey).join(' or ')} interrupts it.`, 'err');
      return;
    }
    m.addLog(`(duster) ${line}`, 'cmd');
    if (runUiCommand(line, this)) {
      this.hooks.render();
      return;
    }
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

  /** Shows or hides a pane; a hidden focused pane hands the focus on. */
  setPaneVisible(p: Exclude<FocusPane, 'command'>, visible: boolean): void {
    const m = this.model;
    const order = this.focusOrder();
    const err = this.panes.setVisible(p, visible);
    if (err) m.addLog(err, 'err');
    if (!this.panes.isVisible(p) && this.focus === p) {
      const next = order.slice(order.indexOf(p) + 1).find((x) => x !== p && this.panes.isVisible(x)) ?? 'command';
      this.focus = next;
      if (this.panes.zoom && next !== 'command') this.panes.zoom = next;
    }
    if (visible && this.panes.zoom) this.panes.zoom = undefined;
    this.hooks.layoutChanged();
    if (isOptional(p)) void m.refreshExtras();
  }

  togglePane(p: Exclude<FocusPane, 'command'>): void {
    this.setPaneVisible(p, !this.panes.isVisible(p));
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
    const r = breakpointToggle(this.model, this.focus);
    if ('error' in r) this.model.addLog(r.error, 'err');
    else void this.run(r.command);
  }

  private complete(): void {
    if (this.prompt) return;
    const [text, cursor] = [this.editor.text, this.editor.cursor];
    void completeLine(text, cursor, this.completion).then((r) => {
      if (this.editor.text !== text || this.editor.cursor !== cursor) return; // typed on meanwhile
      this.editor.set(r.text, r.cursor);
      if (r.candidates.length) for (const l of candidateColumns(r.candidates, Math.max(20, this.hooks.bodyWidth('command') - 2))) this.model.addLog(l, 'info');
      this.hooks.render();
    });
  }

  /** An active Ctrl-R search. */
  historySearch: HistorySearch | undefined;

  /** The command line's prompt: a question's, the history search's, or the usual one. */
  commandPrompt(): string {
    return this.prompt?.label ?? this.historySearch?.label ?? '(duster) ';
  }

  /** Keys while Ctrl-R searches: typing refines, Ctrl-R goes older, Enter runs the match, Esc/C-g cancel; any other key accepts the match and acts. */
  private searchHistoryKey(key: string, ch: string | undefined): boolean {
    const s = this.historySearch!;
    const show = (): true => {
      this.editor.set(s.match);
      this.hooks.render();
      return true;
    };
    if (key === 'C-r') return (s.older(), show());
    if (key === 'backspace' || key === 'C-h') return (s.edit(s.query.slice(0, -1)), show());
    if (key === 'escape' || key === 'C-g') {
      this.historySearch = undefined;
      this.editor.set(s.original);
      this.hooks.render();
      return true;
    }
    if (ch && ch.length === 1 && ch >= ' ' && ch !== '\x7f' && !key.startsWith('C-')) return (s.edit(s.query + ch), show());
    this.historySearch = undefined;
    this.editor.set(s.match);
    return false; // Enter runs it, arrows and editing keys work on it
  }
}
