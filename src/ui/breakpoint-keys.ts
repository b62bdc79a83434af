// F9 (the breakpoint key): the command that sets or clears a breakpoint where the user points: a source line, or an instruction in the disassembly pane.
import type { FocusPane } from './layout.js';
import type { UiModel } from './model.js';

/** `break FILE:LINE` / `break *ADDR`, or `delete N...` when breakpoints are already there; or why there is nothing to point at. */
export function breakpointToggle(m: UiModel, focus: FocusPane): { command: string } | { error: string } {
  if (focus === 'disassembly') {
    const row = m.disasm[m.lists.disassembly.cursor];
    if (!row) return { error: 'No instruction selected in the disassembly pane.' };
    const here = m.breakpoints.filter((bp) => bp.locations.some((l) => l.address === row.address));
    return { command: here.length ? `delete ${here.map((b) => b.id).join(' ')}` : `break *0x${row.address.toString(16)}` };
  }
  if (!m.file || !m.fileName) return { error: 'No source file shown: use "break" in the command line.' };
  const line = m.cursor;
  const here = m.breakpoints.filter((bp) => bp.locations.some((l) => l.line === line && m.isShownFile(l.file, l.fullPath)));
  return { command: here.length ? `delete ${here.map((b) => b.id).join(' ')}` : `break ${m.fileName}:${line}` };
}
