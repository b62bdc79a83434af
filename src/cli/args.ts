// Command-line parsing: gdb's spellings (-ex, -x, --batch, --args), ours (--gdb, --domain) and the talk's Duster ones (-path=, -id=).
import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../util/errors.js';

export interface CliOptions {
  path?: string;
  /** The program's arguments (`duster-tui PROG ARGS...`, `--args PROG ARGS...`), for `run`. */
  programArgs: string[];
  gdb?: { host: string; port: number };
  domain?: string;
  /** A Linux core or an xl dump-core image to debug post mortem. */
  core?: string;
  batch: boolean;
  tui: boolean | undefined; // undefined: decide from whether stdin/stdout are terminals
  commands: { kind: 'ex' | 'file'; text: string }[];
  breakpoints?: 'trap' | 'spin';
  theme?: string;
  leavePaused: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: duster-tui --path ELF [--gdb HOST:PORT | --domain ID|NAME | --core FILE] [options]
       duster-tui [options] PROGRAM [ARGS...]     (or --args PROGRAM ARGS...: gdb's spelling)

  --path ELF            the program's ELF image (kernel.gz accepted)
  PROGRAM [ARGS...]     without --gdb/--domain/--core: \`run\` / \`start\` start PROGRAM under a gdbserver of
                        our own (on a private loopback port) with ARGS; its output goes to the Output pane
  --args PROGRAM ARGS   everything after PROGRAM is its arguments, even words starting with '-'
  --gdb HOST:PORT       debug a target speaking the GDB remote protocol (gdbserver, QEMU, gdbsx)
  --domain ID|NAME      debug a Xen PV domain (needs root and libxenctrl)
  --core FILE           debug a core file post mortem (Linux core or xl dump-core image)
  --batch               run the -ex/-x commands, then exit (no prompt)
  -ex CMD               run CMD (repeatable; in order with -x)
  -x FILE               run the commands in FILE
  --no-tui              line mode with a (duster) prompt instead of the full-screen UI
  --tui                 full-screen UI even when not detected as a terminal
  --breakpoints trap|spin   software breakpoint strategy (default: trap over gdb-remote)
  --theme NAME          colour theme (dark, light, high-contrast)
  --leave-paused        leave a Xen guest paused on exit
  --debug               print the stack of an internal error (also DUSTER_DEBUG=1)
  -h, --help            this text
  The talk's Duster spelling works too: -path=stardust.gz -id=23`;

function parseHostPort(v: string): { host: string; port: number } {
  const m = /^(?:([^:]*):)?(\d+)$/.exec(v);
  if (!m) throw new UserError(`--gdb expects HOST:PORT, got "${v}"`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UserError(`--gdb: port ${port} out of range`);
  return { host: m[1] || '127.0.0.1', port };
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { programArgs: [], batch: false, tui: undefined, commands: [], leavePaused: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UserError(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--path': case '-path': o.path = value(); break;
      case '--gdb': case '--remote': o.gdb = parseHostPort(value()); break;
      case '--domain': case '-id': case '--id': o.domain = value(); break;
      case '--core': case '-core': case '-c': o.core = value(); break;
      case '--batch': case '-batch': o.batch = true; break;
      case '-ex': case '--ex': case '--eval-command': o.commands.push({ kind: 'ex', text: value() }); break;
      case '-x': case '--command': o.commands.push({ kind: 'file', text: value() }); break;
      case '--no-tui': o.tui = false; break;
      case '--tui': o.tui = true; break;
      case '--breakpoints': {
        const v = value();
        if (v !== 'trap' && v !== 'spin') throw new UserError(`--breakpoints must be trap or spin, not "${v}"`);
        o.breakpoints = v;
        break;
      }
      case '--theme': o.theme = value(); break;
      case '--leave-paused': o.leavePaused = true; break;
      case '--debug': process.env.DUSTER_DEBUG = '1'; break; // internal errors print their stack (util/errors debugEnabled)
      case '-h': case '--help': o.help = true; break;
      case '--version': o.version = true; break;
      case '--args': case '-args': {
        // gdb --args: the next word is the program, every word after it is the program's.
        const prog = argv[i + 1];
        if (prog === undefined) throw new UserError('option --args needs a program');
        o.path = prog;
        o.programArgs = argv.slice(i + 2);
        i = argv.length;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UserError(`unknown option "${argv[i]}" (try --help)`);
        if (o.path === undefined) o.path = a; // gdb-style positional program
        // gdb's `gdb PROG CORE` when the word names a core file; otherwise an argument for the program.
        else if (o.core === undefined && o.programArgs.length === 0 && isCoreFile(a)) o.core = a;
        else o.programArgs.push(argv[i]!);
    }
  }
  if (o.core !== undefined && (o.gdb || o.domain !== undefined)) throw new UserError('--core cannot be combined with --gdb or --domain');
  return o;
}

/** True when `path` is an ELF core file (ET_CORE): a Linux core or an `xl dump-core` image. */
function isCoreFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const h = Buffer.alloc(18);
    if (readSync(fd, h, 0, 18, 0) < 18) return false;
    return h.readUInt32BE(0) === 0x7f454c46 && h.readUInt16LE(16) === 4;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
