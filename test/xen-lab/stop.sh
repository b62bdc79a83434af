#!/usr/bin/env bash
# stop.sh - stops the lab VM of $DUSTER_LAB_RUN: asks QEMU to quit through its monitor,
# then kills it by the PID in qemu.pid (SIGTERM, then SIGKILL). Safe to call when no VM runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pid=$(qemu_pid)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  # make sure the pid really is our QEMU before signalling it
  if ! grep -q qemu-system "/proc/$pid/cmdline" 2>/dev/null; then
    note "pid $pid in $LAB_RUN/qemu.pid is not QEMU; not touching it"
  else
    if command -v socat >/dev/null 2>&1 && [ -S "$LAB_RUN/monitor.sock" ]; then
      echo quit | socat - UNIX-CONNECT:"$LAB_RUN/monitor.sock" >/dev/null 2>&1 || true
    fi
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; sleep 1; fi
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    note "lab VM (pid $pid) stopped"
  fi
fi
rm -f "$LAB_RUN/qemu.pid" "$LAB_RUN/share/ready" "$LAB_RUN"/*.sock
