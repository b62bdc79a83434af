// Debugging information entries: the Die class lives with Unit (each refers to the other); this module keeps the import path.
export { Die, type Attr } from './unit.js';
