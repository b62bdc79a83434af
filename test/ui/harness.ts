// Runs the TUI on the terminal against the scripted demo session (no target needed): for UI tests of terminal behaviour and for looking.
import { runTui } from '../../src/ui/app.js';
import { loadConfig } from '../../src/ui/config.js';
import { FakeSession, fakeInterpreter } from './fake-session.js';

// `node --test dist/test/` runs every .js under test/ as a test file: do nothing there.
if (process.env.NODE_TEST_CONTEXT) process.exit(0);

const args = process.argv.slice(2);
const theme = args.includes('--theme') ? args[args.indexOf('--theme') + 1] : undefined;
const session = new FakeSession();
const out = { print: (t: string) => process.stdout.write(t), error: (t: string) => process.stderr.write(t + '\n') };
const interpreter = fakeInterpreter(session, out);
const { config, warnings } = loadConfig();
await runTui({ session, interpreter, theme, config, configWarnings: warnings, target: 'demo (scripted)' });
process.stdout.write('harness: TUI closed\n');
