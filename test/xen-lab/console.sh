#!/usr/bin/env bash
# console.sh - attaches this terminal to the lab VM's serial line: the Xen console and a
# root shell in dom0. Ctrl-A three times switches input between Xen and dom0; Ctrl-] quits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd socat socat
[ -S "$LAB_RUN/serial.sock" ] || die "no lab VM running in $LAB_RUN"
exec socat -,raw,echo=0,escape=0x1d UNIX-CONNECT:"$LAB_RUN/serial.sock"
