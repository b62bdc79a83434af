// The long help of the main commands (`help CMD`), keyed by command path; the one-line help stays with each command.

/** Usage line first, then what a user needs beyond the one-line summary: arguments, rules, examples. */
export const HELP_DOCS: Readonly<Record<string, string>> = {
  break: `Usage: break [LOCATION] [if CONDITION]
LOCATION is a line (73), FILE:LINE (kernel.c:73), a function (demo, kernel.c:demo)
or an address (*0x401136). Without LOCATION: the current line of the selected frame.
A function breakpoint is placed after the function's prologue, so its arguments are
readable when it stops; a function with several copies (inlined or duplicated) gets one
breakpoint with several locations (1.1, 1.2 ...).
With "if CONDITION" the program stops only when the C expression is true there.
On a Xen guest the breakpoint is a trap (int3) or a spin ("jmp .") depending on the
strategy in use; both are removed from guest memory on every way out.
Examples: break kernel.c:73    break demo if sleep_ms > 100    break *0x401136`,
  tbreak: `Usage: tbreak [LOCATION] [if CONDITION]
Like "break", but the breakpoint is deleted the first time it stops the program.`,
  delete: `Usage: delete [N...]
Delete the breakpoints numbered N (ranges such as 2-4 work); without arguments, all of them.`,
  condition: `Usage: condition N [EXPRESSION]
Breakpoint N stops the program only when EXPRESSION (C syntax, evaluated in the frame that
hit it) is non-zero. Without EXPRESSION the breakpoint becomes unconditional again.`,
  ignore: `Usage: ignore N COUNT
Let breakpoint N be crossed COUNT times without stopping; the hit count still grows.`,
  enable: `Usage: enable [N...]
Enable breakpoints N (all when none are given); a disabled breakpoint keeps its number.`,
  disable: `Usage: disable [N...]
Disable breakpoints N (all when none are given) without deleting them.`,
  watch: `Usage: watch [-l|-location] EXPRESSION [if CONDITION]
Stop when the value of EXPRESSION (a variable, a member, *POINTER: memory) changes; the stop
shows the old and the new value. It is a hardware watchpoint (a debug register on x86, up to
four of 1, 2, 4 or 8 aligned bytes; a wider value takes several). A watchpoint on a local is
deleted when its frame returns; -l watches the address instead, whatever the frame.
"set can-use-hw-watchpoints 0" makes software watchpoints: the program is single-stepped and the
value compared after each instruction (slow, but any number of them and on any target that runs).
Watchpoints are numbered with breakpoints: info watchpoints, delete, disable, condition, ignore.`,
  rwatch: `Usage: rwatch [-l|-location] EXPRESSION [if CONDITION]
Stop when EXPRESSION is read ("Value = ..."). x86 cannot watch reads alone: an access watchpoint
is used and stops that changed the value (writes) are not reported, as gdb does.`,
  awatch: `Usage: awatch [-l|-location] EXPRESSION [if CONDITION]
Stop when EXPRESSION is read or written: "Value = ..." for a read or a write of the same value,
"Old value = ... New value = ..." for a change.`,
  continue: `Usage: continue [N]
Resume the program until a breakpoint, a signal or its end. With N, the breakpoint
where the program stopped is crossed N-1 more times before it stops again.
Ctrl-C (or the interrupt command) stops a running program.`,
  next: `Usage: next [N]
Run to the next source line of this function; calls made by the current line run to
their end without stopping (unless they hit a breakpoint). With N, do it N times.
Returning from the function stops in its caller.`,
  step: `Usage: step [N]
Run to the next source line, entering any function the line calls when it has line
information (functions without debug information are stepped over).`,
  stepi: `Usage: stepi [N]
Execute one machine instruction (N instructions), entering calls.`,
  nexti: `Usage: nexti [N]
Execute one machine instruction (N instructions); a call runs to its return.`,
  finish: `Usage: finish
Run until the selected frame returns to its caller, then print the value it returned
(recorded in the value history as $N).`,
  until: `Usage: until [LOCATION]
Without LOCATION: like "next", but a jump back (the end of a loop) does not stop, so the
loop runs to its end. With LOCATION: run until it is reached or the current frame returns.`,
  advance: `Usage: advance LOCATION
Run until LOCATION is reached or the current frame returns, whichever comes first.`,
  run: `Usage: run [ARGS]
Start the program (again, from its beginning); breakpoints are kept (their hit counts start
over). With ARGS, the program gets them instead of the ones it had ('...', "..." and \\
quote as in a shell; nothing is expanded). Started as "duster-tui PROG" (no --gdb), the
program runs under a gdbserver duster-tui starts itself, its output shown as it comes;
over --gdb, only a gdbserver in extended mode can restart the program.`,
  start: `Usage: start [ARGS]
Like "run", with a temporary breakpoint on main: the program stops at the start of main.`,
  kill: `Usage: kill
Kill the program being debugged (its breakpoint bytes are restored first).`,
  detach: `Usage: detach
Restore every byte the debugger patched and let the program (or guest) run on without it.`,
  backtrace: `Usage: backtrace [N | -N] [full]
Print the call stack, innermost frame first (#0). N: only the N innermost frames; -N:
the N outermost. "full" also prints each frame's local variables.`,
  frame: `Usage: frame [N]
Select frame N of the call stack (0 is the innermost) and print it; without N, print the
selected frame. Variables, registers and "list" follow the selected frame.`,
  up: `Usage: up [N]
Select the frame N levels above (towards main); default 1.`,
  down: `Usage: down [N]
Select the frame N levels below (towards the innermost frame); default 1.`,
  print: `Usage: print[/FORMAT] [EXPRESSION]
Evaluate a C expression in the selected frame and print it; the value is kept as $N.
FORMAT: x hex, d decimal, u unsigned, o octal, t binary, c char, a address, f float,
s string, z zero-padded hex. Registers are $rax, $pc, $sp...; $ is the last value,
$$N the Nth before it. Arrays: ARRAY[I]@COUNT or *POINTER@COUNT.
Examples: print my_integer    print/x *pointer_tester    print $rip`,
  x: `Usage: x/NFU ADDRESS
Examine memory: N units of size U (b 1, h 2, w 4, g 8 bytes) in format F (x d u o t a c f s i).
The format, size and count are remembered; "x" alone continues after the last address.
A size after x/i means hex; x/-N shows the N units before ADDRESS.
Memory shows the program's own bytes even where a breakpoint is planted.
Examples: x/8xw $sp    x/s message    x/4i $pc`,
  display: `Usage: display[/FORMAT] [EXPRESSION]
Print EXPRESSION every time the program stops; without an argument, print them all now.`,
  set: `Usage: set var EXPRESSION = VALUE
Change a variable, a register ($rax) or memory (*(int *)0x601040 = 5) in the program.`,
  ptype: `Usage: ptype EXPRESSION | TYPE
Print the complete type of an expression or a type name (struct, union, enum, typedef),
members and all.`,
  whatis: `Usage: whatis EXPRESSION | TYPE
Print the type's name only (one level of typedef is unrolled for a type name).`,
  list: `Usage: list [LINE | FILE:LINE | FUNCTION | *ADDRESS | FIRST,LAST | + | -]
Print ten source lines around the location; "list" again continues, "list -" goes back.`,
  disassemble: `Usage: disassemble [/MODIFIERS] [ADDRESS | START,END | START,+LENGTH]
Print the machine instructions of the function around pc (or of the given range);
"=>" marks the current instruction. Modifiers: /r raw bytes, /s source lines in
address order, /m source lines in source order (deprecated in gdb). Before "run"
the executable's own bytes are shown.`,
  info: `Usage: info SUBCOMMAND
Show facts about the program and the debugger; "help info" lists the subcommands.`,
  thread: `Usage: thread [N] | thread apply all|LIST [-q] [-c] [-s] COMMAND
Select thread (or Xen vCPU) N, as "info threads" numbers them; frames, registers and
variables then show that thread. Without N, say which thread is selected.
"thread apply" runs COMMAND in each listed thread (LIST: numbers and ranges such as 2 4-5;
"all": newest first) and selects the current thread again afterwards. -q leaves out the
"Thread N (...):" headers, -c reports an error and goes on, -s skips errors and silent threads.
Example: thread apply all bt`,
  echo: `Usage: echo TEXT
Print TEXT; C escapes (\\n, \\t, \\\\, \\NNN octal) are understood and no newline is added.`,
  help: `Usage: help [COMMAND]
Without COMMAND, list the commands; with one, describe it (subcommands too: help info line).
"apropos WORD" searches every command's help for WORD.`,
  apropos: `Usage: apropos REGEXP
List the commands whose name or help matches the regular expression (case-insensitive).`,
  quit: `Usage: quit
Leave the debugger. Every byte it patched into the program or guest is restored first;
a program started by gdbserver is then left to run (or killed, as the target decides). A
program duster-tui started itself ("duster-tui PROG") is killed, as gdb kills the one it ran.`,
  file: `Usage: file PROG
Use PROG's symbols, lines and types for the commands that read the program (list, info line,
break, ptype ...). The program cannot be changed while a target is being debugged.`,
  'core-file': `Usage: core FILE
Debug FILE post mortem: a Linux core dump or an "xl dump-core" image of a Xen guest. The
program, its threads, registers and memory are as they were when the core was written;
commands that would run the program answer "The program is not being run.".`,
  console: `Usage: console [LINES]
Print the Xen guest's console output: the last LINES lines of xenconsoled's log when it
is kept, else what is in the guest's PV console ring.`,
};
