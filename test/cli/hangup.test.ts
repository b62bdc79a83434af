// The terminal dropped under line mode (--no-tui in tmux): restore, detach, exit within 2 s, no setRawMode EIO or libuv assertion.
import { describe, it } from 'node:test';
import { checkHangup } from '../ui/hangup-harness.js';

describe('line mode: terminal hung up', () => {
  for (const strategy of ['trap', 'spin'] as const) {
    it(`while running (${strategy})`, () => checkHangup('line', strategy, 'running'));
    it(`while stopped at a breakpoint (${strategy})`, () => checkHangup('line', strategy, 'stopped'));
  }
});
