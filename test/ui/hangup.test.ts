// The terminal dropped under the TUI (tmux kill-session, as an SSH disconnect does): duster-tui restores every patch, detaches and exits within 2 s.
import { describe, it } from 'node:test';
import { checkHangup } from './hangup-harness.js';

describe('TUI: terminal hung up', () => {
  for (const strategy of ['trap', 'spin'] as const) {
    it(`while running (${strategy})`, () => checkHangup('tui', strategy, 'running'));
    it(`while stopped at a breakpoint (${strategy})`, () => checkHangup('tui', strategy, 'stopped'));
  }
});
