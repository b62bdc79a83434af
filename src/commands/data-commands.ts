// Data commands: print/read/der, x, set var, display, info locals/args (C expressions through src/eval).
import type { Command } from './registry.js';

export const dataCommands: Command[] = [];
export const dataInfoCommands: Command[] = [];
