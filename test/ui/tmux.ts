// Test helper: drives a program in a detached tmux session (send-keys, capture-pane, resize) with polling, never fixed sleeps.
import { execFileSync, spawnSync } from 'node:child_process';

let counter = 0;

export interface TmuxStart {
  cols?: number;
  rows?: number;
  cwd?: string;
  env?: Record<string, string>;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class Tmux {
  private constructor(readonly name: string) {}

  /**
   * Runs `command` (a shell command line) in a new detached session. After the command ends the
   * pane prints "[exit N]" and stays, so the final terminal state can be inspected.
   */
  static start(command: string, opts: TmuxStart = {}): Tmux {
    const name = `duster-ui-${process.pid}-${++counter}`;
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const script = `${opts.cwd ? `cd ${quote(opts.cwd)} && ` : ''}${env ? `env ${env} ` : ''}${command}; echo "[exit $?]"; sleep 600`;
    const args = ['new-session', '-d', '-s', name, '-x', String(opts.cols ?? 120), '-y', String(opts.rows ?? 40), script];
    // A client that reaches the shared tmux server just as another test's kill of its last session makes
    // it exit fails with "server exited unexpectedly" (seen once in CI); a new server is started on retry.
    for (let attempt = 1; ; attempt++) {
      try {
        execFileSync('tmux', args, { stdio: ['ignore', 'ignore', 'pipe'] });
        return new Tmux(name);
      } catch (e) {
        const why = String((e as { stderr?: Buffer }).stderr ?? '');
        if (attempt >= 5 || !/server exited unexpectedly|lost server|no server running/.test(why)) throw e;
        spawnSync('sleep', ['0.2']);
      }
    }
  }

  /** The pane's text (no attributes). */
  text(): string {
    return this.capture(['-p']);
  }

  /** The pane with SGR attributes and trailing cells (for style checks and screenshots). */
  ansi(): string {
    return this.capture(['-p', '-e', '-N']);
  }

  /**
   * tmux capture-pane; a capture client killed by a signal is tried again (the lab's dom0 tmux once died of
   * SIGSEGV in capture-pane under TCG while the session itself was fine). Other failures are thrown at once.
   */
  private capture(flags: string[]): string {
    for (let attempt = 1; ; attempt++) {
      try {
        return execFileSync('tmux', ['capture-pane', ...flags, '-t', this.name], { encoding: 'utf8' });
      } catch (e) {
        if (attempt >= 3 || !(e as { signal?: string | null }).signal) throw e;
      }
    }
  }

  /** Sends tmux key names ("F9", "Enter", "C-c", "S-F11") or literal text with `literal`. */
  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', '--', text]); // '--': text may start with '-'
  }

  /** Appends everything the program writes to the pane from now on to `file` (tmux pipe-pane). */
  pipe(file: string): void {
    execFileSync('tmux', ['pipe-pane', '-t', this.name, '-o', `cat >> ${quote(file)}`]);
  }

  resize(cols: number, rows: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  /** "#{cursor_flag} #{alternate_on}" and similar pane formats. */
  format(f: string): string {
    return execFileSync('tmux', ['display-message', '-p', '-t', this.name, f], { encoding: 'utf8' }).trim();
  }

  /** Polls the pane until `check` accepts its text; returns that text. Fails with the last screen. */
  async waitFor(check: RegExp | ((text: string) => boolean), timeoutMs = 30_000, what = String(check)): Promise<string> {
    const t0 = Date.now();
    let last = '';
    for (;;) {
      last = this.text();
      if (typeof check === 'function' ? check(last) : check.test(last)) return last;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
