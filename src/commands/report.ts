// gdb-style text for stops and frames: "Breakpoint 1, demo () at kernel.c:73" followed by the source line.
import type { CodeLocation, FrameInfo, StopInfo } from '../core/api.js';
import type { Session } from '../core/session.js';
import type { SourceFiles } from './source-files.js';
import type { CommandContext } from './context.js';
import { watchTitle } from '../core/watchpoints.js';

export function hex16(a: bigint): string {
  return '0x' + a.toString(16).padStart(16, '0');
}

/** "demo () at kernel.c:73" / "0x... in main (argc=1) at kernel.c:82" / "0x... in puts ()" */
export function frameDescription(loc: CodeLocation, args: { name: string; value: string }[] | undefined, showPc: boolean): string {
  if (loc.signalTrampoline) return '<signal handler called>';
  const fn = loc.function ?? '??';
  const a = `(${(args ?? []).map((x) => `${x.name}=${x.value}`).join(', ')})`;
  const pre = showPc ? `${hex16(loc.address)} in ` : '';
  if (loc.file && loc.line) return `${pre}${fn} ${a} at ${loc.file}:${loc.line}`;
  return `${pre}${fn} ()${loc.library ? ` from ${loc.library}` : ''}`;
}

/** A source line as gdb prints it, and the messages gdb prints before it on its error stream. */
export interface PrintedSourceLine {
  /** "73\t    printf(...)", or "73\tin kernel.c" for a file gdb already said is missing. */
  line?: string;
  /** "warning: Source file is more recent than executable.", "73\tkernel.c: No such file or directory.". */
  messages: string[];
}

/** The source line of `loc` with gdb's messages about its file (print_source_lines_base). */
export function sourceLine(sources: SourceFiles, loc: CodeLocation, midLine: boolean): PrintedSourceLine {
  if (!loc.line || !loc.fullPath) return { messages: [] };
  const path = loc.fullPath;
  const { value: state, messages } = sources.collect(() => sources.visit(path));
  const prefix = midLine ? `${hex16(loc.address)}\t` : '';
  // gdb names the file as its symtab does (the name the line table records, symtab_to_filename_for_display).
  const name = loc.file || path;
  if (state === 'again') return { line: `${prefix}${loc.line}\tin ${name}`, messages };
  if (state === 'error') return { messages: [...messages, `${prefix}${loc.line}\t${name}: No such file or directory.`] };
  const text = sources.line(path, loc.line);
  return text === undefined ? { messages } : { line: `${prefix}${loc.line}\t${text}`, messages };
}

/** Prints a source line after gdb's messages about its file (those go where the sources send them: the error stream). */
export function printSourceLine(ctx: Pick<CommandContext, 'out' | 'sources'>, printed: PrintedSourceLine): void {
  for (const m of printed.messages) ctx.sources.onMissing(m);
  if (printed.line) ctx.out.print(printed.line + '\n');
}

/**
 * gdb's frame_show_address for frame 0: the pc is shown unless it starts a line-table entry that is a
 * statement (gdb 13: `pc != sal.pc || !sal.is_stmt`; optimised code stops on non-statement entries).
 */
export function atStatementStart(session: Session, pc: bigint): boolean {
  const sal = session.programAt(pc).lineForPc(pc);
  return sal !== undefined && sal.pc === pc && sal.isStmt;
}

/**
 * gdb's frame_show_address: a caller's pc always, frame 0's when it is not at the start of a line (after a
 * signal, in a core), never for a frame whose line is an inlined call's site.
 */
export function framePcShown(f: FrameInfo, session: Session): boolean {
  if (f.location.callSite) return false;
  return (!!f.caller && !f.interrupted) || !atStatementStart(session, f.pc);
}

export function backtraceLine(f: FrameInfo, session: Session): string {
  return `#${f.level}  ${frameDescription(f.location, f.args, framePcShown(f, session))}`;
}

/** "Breakpoint", or "Temporary breakpoint" for one that was deleted when it fired. */
function breakpointTitle(session: Session, id: number): string {
  const bp = session.breakpoints.all().find((b) => b.id === id);
  return bp && !bp.temporary ? 'Breakpoint' : 'Temporary breakpoint';
}

/** What gdb prints at a stop: the lines up to the frame line, its messages about the source file, the source line and after. */
export interface StopText {
  before: string;
  messages: string[];
  after: string;
}

/** Text printed when the target stops, given where the previous command started. */
export async function describeStop(session: Session, sources: SourceFiles, stop: StopInfo, started: CodeLocation | undefined): Promise<StopText> {
  const loc = stop.location;
  const lines: string[] = [];
  const cause = stop.cause;
  const atLineStart = !!loc.callSite || atStatementStart(session, loc.address);
  const args = async () => (await session.stopReportFrame().catch(() => undefined))?.args;
  let header: string | undefined;
  // gdb names the thread once the process has had two: 'Thread 2 "worker-1" hit Breakpoint 1, ...'.
  const t = stop.thread;
  const who = t ? `Thread ${t.number}${t.name ? ` "${t.name}"` : ''}` : undefined;
  for (const id of stop.newThreads ?? []) lines.push(`[New ${id}]`);
  const switchedTo = stop.switched ? stop.thread?.targetId ?? session.threadTable.info(stop.vcpu)?.name : undefined;
  if (switchedTo) lines.push(`[Switching to ${switchedTo}]`);
  switch (cause.kind) {
    case 'breakpoint': {
      const bp = session.breakpoints.all().find((b) => b.id === cause.breakpoint);
      // gdb numbers the location that was hit when the breakpoint has several ("Breakpoint 2.1, ...").
      const at = bp && bp.locations.length > 1 ? bp.locations.findIndex((l) => l.address === loc.address) : -1;
      const id = at >= 0 ? `${cause.breakpoint}.${at + 1}` : `${cause.breakpoint}`;
      header = `\n${who ? `${who} hit ` : ''}${breakpointTitle(session, cause.breakpoint)} ${id}, ${frameDescription(loc, await args(), !atLineStart)}`;
      break;
    }
    case 'signal':
      header = `\n${who ?? 'Program'} received signal ${cause.signal}, ${cause.description}.\n${frameDescription(loc, await args(), !atLineStart)}`;
      break;
    case 'interrupted':
      header = `\n${who ?? 'Program'} received signal SIGINT, Interrupt.\n${frameDescription(loc, await args(), !atLineStart)}`;
      break;
    case 'watchpoint': {
      // gdb prints the stop reasons in number order and stops after a breakpoint's ("Breakpoint 3, frame").
      const bpId = cause.breakpoint;
      const shown = cause.hits.filter((h) => bpId === undefined || h.watchpoint < bpId);
      const hit = who ? `${who} hit ` : '';
      const reports = shown.map((h) => `\n${hit}${watchTitle(h.watch)} ${h.watchpoint}: ${h.watch.expression}\n\n${h.old !== undefined ? `Old value = ${h.old}\nNew value = ${h.value}` : `Value = ${h.value}`}\n`);
      const frame = frameDescription(loc, await args(), !atLineStart);
      header = reports.join('') + (bpId === undefined ? frame : `\n${hit}${breakpointTitle(session, bpId)} ${bpId}, ${frame}`);
      break;
    }
    case 'watch-scope':
      header = `\nWatchpoint ${cause.watchpoint} deleted because the program has left the block in\nwhich its expression is valid.\n${frameDescription(loc, await args(), !atLineStart)}`;
      break;
    case 'finish':
    case 'step':
    case 'attached':
      if (cause.kind !== 'step' || cause.showFrame || (cause.frameChanged ?? started?.function !== loc.function) || !loc.line) {
        header = frameDescription(loc, await args(), !atLineStart);
      }
      break;
  }
  if (header !== undefined) lines.push(header);
  const src = sourceLine(sources, loc, header === undefined && !atLineStart);
  const after: string[] = [];
  if (src.line) after.push(src.line);
  if (cause.kind === 'finish' && cause.returned !== undefined) after.push(`Value returned is ${cause.returned}`);
  const text = (ls: string[]) => (ls.length ? ls.join('\n') + '\n' : '');
  return { before: text(lines), messages: src.messages, after: text(after) };
}

/** Prints a stop's text, gdb's messages about the source file between the frame line and the source line. */
export function printStop(ctx: Pick<CommandContext, 'out' | 'sources'>, stop: StopText): void {
  if (stop.before) ctx.out.print(stop.before);
  for (const m of stop.messages) ctx.sources.onMissing(m);
  if (stop.after) ctx.out.print(stop.after);
}
