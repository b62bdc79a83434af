#!/usr/bin/env bash
# build.sh - builds (or finds in the cache) everything the lab boots: the dom0 image and
# Debian's stock hypervisor (build-rootfs.sh), then the GDBSX hypervisor
# (build-xen-gdbsx.sh) and Xen's gdbsx tool for gdb in dom0 (build-gdbsx-tool.sh). Prints how long
# each step took and the cache's disk use.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(now)
"$LAB_DIR/build-rootfs.sh"
t1=$(now)
"$LAB_DIR/build-xen-gdbsx.sh"
"$LAB_DIR/build-gdbsx-tool.sh"
t2=$(now)
printf 'xen-lab: build: rootfs %.1f s, gdbsx hypervisor %.1f s, cache %s (%s)\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$LAB_CACHE" "$(du -sh "$LAB_CACHE" 2>/dev/null | cut -f1)" >&2
