// Questions answered from the program alone (no target): info line/source/functions/scope, list, ptype, whatis.
import type { Command } from './registry.js';

export const staticCommands: Command[] = [];
export const staticInfoCommands: Command[] = [];
